"""Session 35 fix text63: review K47a s35 findings 5-8 (self-harm text still quiet, TMS offered).

- Item 1: a wish to die in the past tense or as a noun ("wanted to die", "wish to die", "wishes
  to drown herself") at an ED visit: `preparatory` rows closing their clause and `ideation_lead`
  rows "wish(es/ed) to"; "wanted to die in 2015, none since" stays the history it states.
- Item 2: a whole supply taken for a suicidal purpose ("took all her meds to die"):
  `taken_purpose` rows (self_harm_taken._meds_read).
- Item 3: past acts of text61's methods ("tried to take her life", "put a bag over her head",
  "sat in garage with car running", "razor cuts to forearm", "jumped in the river"): `act` rows.
- Item 4: a time or "in mind" between "plan" and the method: `lead_time` rows.
- Item 5: "take them all at once" after a plan: `ideation_object` rows.
- Item 6 (WRONG): a plan of comma-joined steps ending "and overdose" was summarised as an
  overdose that happened (self_harm_plan_step.plan_stepped).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text63_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_wanted_to_die": "fixed",
    "e_states_she_wanted_to_die": "fixed",
    "e_wish_to_die": "fixed",
    "e_wishes_to_die": "fixed",
    "e_wishes_to_drown_herself": "fixed",
    "e_took_all_her_meds_to_die": "fixed",
    "e_took_all_her_meds_to_end_her_life": "fixed",
    "e_tried_to_take_her_own_life_last_night": "fixed",
    "e_tried_to_take_her_life": "fixed",
    "e_put_a_bag_over_her_head_found_by_mother": "fixed",
    "e_sat_in_garage_with_car_running_found_by_neighbor": "fixed",
    "e_turned_on_the_gas_oven_and_put_her_head_in": "fixed",
    "e_inhaled_gas_from_the_stove_to_die": "fixed",
    "e_razor_cuts_to_forearm": "fixed",
    "e_jumped_in_the_river": "fixed",
    "e_plan_in_a_few_days_to_hang_himself": "fixed",
    "e_plan_in_3_days_to_hang_himself": "fixed",
    "e_plan_in_mind_to_hang_himself": "fixed",
    "e_has_a_plan_in_mind_to_hang_himself": "fixed",
    "e_plan_to_not_take_her_meds_and_then_take_them_all_at_once_tonight": "fixed",
    # Item 6: critical before too, but as an overdose that happened (see the summary test).
    "e_plan_to_go_to_the_store_buy_pills_and_overdose_denies_intent": "summary fixed",
    "e_plan_to_go_home_not_eat_and_stop_her_meds_and_then_overdose_on_them": "summary fixed",
}

QUIET = {
    "e_denies_wish_to_die": "control",
    "e_no_wish_to_die": "control",
    # A dated wish with "none since" is the history it states, as before (not read here).
    "e_wanted_to_die_in_2015_none_since": "control",
    "e_tried_to_take_her_life_back": "control",
    "e_jumped_in_the_river_to_cool_off": "control",
    "e_took_all_her_meds_as_prescribed": "control",
    "e_wishes_to_go_home": "control",
    "e_plan_to_go_to_the_store_buy_groceries_and_go_home": "control",
}

_PLANS = [name for name, why in CRITICAL.items() if why == "summary fixed"]


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize("name", _PLANS)
def test_a_plan_is_no_overdose_that_happened(name: str) -> None:
    summary = _cards(name)["suicide-risk"]["summary"]
    assert "Overdose" not in summary, summary


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
