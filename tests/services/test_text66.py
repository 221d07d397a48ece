"""Session 35 review K48a (fix text66): self-harm text quiet with TMS offered.

- Finding 1: a wish to die stated alone ("desire to die", "wishes she could die", "wishes to die
  in her sleep", "states she will be dead by morning", "wanted to die 2 weeks ago"): `preparatory`
  rows; a year stays past history, denials stay denied.
- Finding 2: steps listed with commas only ("plan to go home, get his gun, shoot himself"):
  self_harm_ideation.step; "take it all" is an ideation_object row.
- Finding 3: "after taking 30 tylenol" (`taken_verb` rows); "took her neighbor's oxycodone to die"
  (self_harm_taken._purposed: a drug taken to die needs no count).
- Finding 4: a whole supply at once or counted after a care step ("pt will follow up with PCP and
  take all her pills at once"): no adherence (self_harm_ideation._whole_at_once).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text66_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_desire_to_die": "fixed",
    "e_wishes_she_could_die": "fixed",
    "e_wishes_she_would_die": "fixed",
    "e_wishes_to_die_in_her_sleep": "fixed",
    "e_wished_she_could_die": "fixed",
    "e_states_she_will_be_dead_by_morning": "fixed",
    "e_wanted_to_die_2_weeks_ago": "fixed",
    "e_plan_to_go_home_get_his_gun_shoot_himself": "fixed",
    "e_plan_to_go_to_the_store_buy_a_rope_hang_himself": "fixed",
    "e_plan_to_call_her_sister_go_to_the_bridge_jump": "fixed",
    "e_plan_to_go_to_the_pharmacy_buy_tylenol_take_it_all": "fixed",
    "e_plan_to_buy_tylenol_and_take_it_all": "fixed",
    "e_after_taking_30_tylenol": "fixed",
    "e_after_ingesting_30_tylenol": "fixed",
    "e_brought_in_after_taking_40_pills_of_her_seroquel": "fixed",
    "e_called_poison_control_after_taking_30_tylenol": "fixed",
    "e_took_her_neighbor_s_oxycodone_to_die": "fixed",
    "e_pt_will_follow_up_with_PCP_and_take_all_her_pills_at_once": "fixed",
    "e_pt_will_follow_up_with_PCP_and_take_all_her_pills_in_one_go": "fixed",
    "e_pt_plans_to_pick_up_her_refills_and_take_all_of_them_at_once": "fixed",
    "e_pt_will_pick_up_her_refill_and_take_all_90_pills": "fixed",
    "e_pt_will_f_u_with_psychiatrist_and_take_all_30_of_her_pills": "fixed",
}

QUIET = {
    "e_wanted_to_die_in_2015_none_since": "control",
    "e_denies_wish_to_die": "control",
    "e_no_desire_to_die": "control",
    "e_plan_to_go_home_rest": "control",
    "e_plan_to_go_home_rest_f_u_PCP": "control",
    "e_after_taking_2_tylenol_for_headache": "control",
    "e_took_her_ativan_to_sleep": "control",
    "e_pt_will_follow_up_with_PCP_and_take_all_her_meds": "control",
    "e_pt_will_take_all_her_meds_at_once_with_breakfast": "control",
    "e_afraid_she_will_die": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
