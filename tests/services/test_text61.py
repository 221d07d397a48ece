"""Session 35 review K46a (fix text61): self-harm text quiet with TMS offered, all older than s34.

- Methods no row read: "plan to drown herself", "thoughts of drowning herself", "plan to poison
  herself", "plan to suffocate herself", "plan to electrocute herself", "plan to set herself on
  fire", "plan to use his gun", "plan to put a bag over her head", "plan to sit in the garage with
  the car running", "plan to take her life", "wants to be dead", "plan to drive to the lake and
  drown herself" are `ideation_object` rows; "tried to shoot herself", "set herself on fire" `act`
  rows (found beside them). Controls name none ("poison ivy", "plan to take her life back").
- A visit reason "Hx SI 2015, none since; has a gun" was the 2015 history: access to means in
  another clause keeps it current, as in a Condition note (past_means.py).
- "plan to go home and overdose" said "Overdose, intent not recorded": an event word a plan's step
  leads to is the plan (self_harm_plan_step.py); a past tense or a step ended by ";" stays the
  overdose.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text61_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

# Quiet, TMS offered before the fix.
CRITICAL = {
    "e_plan_to_drown_herself": "fixed",
    "e_thoughts_of_drowning_herself": "fixed",
    "e_plan_to_poison_herself": "fixed",
    "e_plan_to_suffocate_herself": "fixed",
    "e_plan_to_electrocute_herself": "fixed",
    "e_plan_to_set_herself_on_fire": "fixed",
    "e_plan_to_use_his_gun": "fixed",
    "e_plan_to_put_a_bag_over_her_head": "fixed",
    "e_plan_to_sit_in_the_garage_with_the_car_running": "fixed",
    "e_plan_to_take_her_life": "fixed",
    "e_wants_to_be_dead": "fixed",
    "e_plan_to_drive_to_the_lake_and_drown_herself": "fixed",
    "e_tried_to_shoot_herself": "fixed",
    "e_set_herself_on_fire": "fixed",
    "e_Hx_SI_2015_none_since_has_a_gun": "fixed",
    "e_Hx_SI_2015_none_since_has_access_to_pills": "fixed",
    "e_Hx_SI_denies_current_SI_has_a_gun": "fixed (the past warning before, TMS offered)",
    # Critical before as an overdose that happened; now the plan (`PLANS`).
    "e_plan_to_go_home_and_overdose": "fixed",
    "e_plan_to_go_home_and_overdose_on_her_pills": "fixed",
    # Controls: an overdose stated stays one (`OVERDOSES`).
    "e_wanted_to_sleep_and_overdosed": "control",
    "e_plan_to_admit_overdose_of_sertraline": "control",
}

QUIET = {
    "e_plan_to_use_his_inhaler": "control",
    "e_plan_to_use_her_CPAP": "control",
    "e_wants_to_be_dead_honest": "control",
    "e_wants_to_be_dead_lifting_again": "control",
    "e_fear_of_drowning": "control",
    "e_set_the_table_on_fire": "control",
    "e_poison_ivy": "control",
    "e_plan_to_take_her_life_back": "control",
    "e_take_her_life_in_a_new_direction": "control",
    "e_almost_drowned": "control",
    "e_plan_to_drown_her_sorrows": "control",
    "e_denies_plan_to_drown_herself": "control",
    "e_Hx_SI_2015_none_since": "control",
    "e_Hx_SI_2015_none_since_no_access_to_guns": "control",
}

PLANS = ("e_plan_to_go_home_and_overdose", "e_plan_to_go_home_and_overdose_on_her_pills")
OVERDOSES = ("e_wanted_to_sleep_and_overdosed", "e_plan_to_admit_overdose_of_sertraline")


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize("name", PLANS)
def test_a_plan_with_a_step_is_the_plan_not_an_overdose(name: str) -> None:
    summary = _cards(name)["suicide-risk"]["summary"]
    assert "Overdose" not in summary
    assert summary.startswith("plan to go home and overdose")
    assert "suicide risk assessment" in summary


@pytest.mark.parametrize("name", OVERDOSES)
def test_an_overdose_stated_stays_the_overdose(name: str) -> None:
    assert _cards(name)["suicide-risk"]["summary"].startswith("Overdose, intent not recorded")


def test_means_beside_a_history_is_asked_about_today() -> None:
    summary = _cards("e_Hx_SI_2015_none_since_has_a_gun")["suicide-risk"]["summary"]
    assert "complete a suicide risk assessment today" in summary


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
