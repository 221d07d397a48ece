"""Session 35 fix text65 (review K48a of fix text62).

- Finding 1 (UNSAFE): the "end* it early" and "end* it with <partner>" lookalikes were blanked
  wherever they stood, so a means, a time or a reason after them was quiet ("wants to end it early
  with a gun", "wants to end it with her boyfriend tonight"): they are blanked only when nothing
  but a work/fatigue (or a break-up's distress) context follows in the sentence
  (context_lookalike.py).
- Finding 2 (UNSAFE): "jump* off the dock" quieted a plan to drown or a bare dock plan: blanked
  only with recreation stated (friends, swim, cool off).
- Finding 3 (UNSAFE): the care-plan adherence rule quieted what the patient says she will do and
  named drugs or pills: only a clinician's plan, generic medicine words, no time in the sentence.
- Finding 4 (UNSAFE): the water rows closed their clause ("plan to jump in the river and drown");
  walking into the ocean had no row.
- Noise: denial lists with "and/or", "a plan to", "desire", and a list continuing a denied "SI,".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text65_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Review K49a s35 finding 3 (lead): fatigue alone is no work context.
    "e_considering_ending_it_early_today_due_to_fatigue": "reverted",
    # Finding 1.
    "e_wants_to_end_it_early_with_a_gun": "fixed",
    "e_plans_to_end_it_early_with_her_pills": "fixed",
    "e_wants_to_end_it_early_tonight": "fixed",
    "e_thinking_about_ending_it_early_has_a_gun": "fixed",
    "e_thinking_about_ending_it_early_since_life_is_pointless": "fixed",
    "e_wants_to_end_it_with_her_husband_with_his_gun": "fixed",
    "e_wants_to_end_it_with_her_husband_watching": "fixed",
    "e_wants_to_end_it_with_her_boyfriend_tonight": "fixed",
    # Finding 2.
    "e_plan_to_jump_off_the_dock_and_drown": "fixed",
    "e_plan_to_jump_off_the_dock_with_weights": "fixed",
    "e_plan_to_jump_off_a_dock_tonight": "fixed",
    "e_plan_to_jump_off_the_dock": "fixed",
    # Finding 3.
    "e_pt_says_she_will_pick_up_her_refill_and_take_all_her_pills": "fixed",
    "e_told_her_mother_she_would_go_to_the_pharmacy_and_take_all_her_pills": "fixed",
    "e_considering_picking_up_her_refill_and_taking_all_her_pills": "fixed",
    "e_will_get_her_refill_tomorrow_and_take_all_her_pills": "fixed",
    "e_pt_will_pick_up_her_refill_and_take_all_of_her_seroquel": "fixed",
    "e_pt_will_follow_up_with_PCP_and_take_all_of_her_lithium": "fixed",
    "e_pt_says_she_will_f_u_PCP_and_take_all_her_meds": "fixed",
    # Finding 4.
    "e_plan_to_jump_in_the_river_and_drown": "fixed",
    "e_plan_to_jump_in_the_river_off_the_bridge": "fixed",
    "e_plan_to_walk_into_the_ocean": "fixed",
    # A plan after a denied "SI," is no list of qualifiers.
    "e_denies_SI_plan_to_go_home_and_kill_herself": "control",
}

QUIET = {
    "e_thinking_about_ending_it_early_tired_from_her_shift": "control",
    "e_considering_ending_it_with_boyfriend_tearful": "control",
    "e_plan_to_go_to_the_lake_with_friends_this_weekend_and_jump_off_the_dock": "control",
    "e_plan_to_jump_off_the_dock_into_the_lake_to_cool_off": "control",
    "e_plan_to_jump_in_the_lake_with_friends_to_swim": "control",
    "e_pt_will_f_u_PCP_and_take_all_of_her_medications": "control",
    # Noise.
    "e_denies_thoughts_and_or_plans_to_hurt_herself": "fixed",
    "e_denies_having_thoughts_of_or_a_plan_to_harm_herself": "fixed",
    "e_denies_desire_or_plan_to_hurt_herself": "fixed",
    "e_denies_SI_HI_thoughts_or_plans_to_harm_self_or_others": "fixed",
    "e_Denies_SI_thoughts_or_plans_to_hurt_herself": "fixed",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
