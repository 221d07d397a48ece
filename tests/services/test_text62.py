"""Session 35 fix text62: self-harm noise and leftovers (review K46a, fix text60's report).

- Standard ROS denials were critical, TMS withheld: "Denies thoughts of, or plans to, harm herself
  or others", "denies thoughts or plans to hurt herself" (a list of qualifiers: the denial before
  the list governs the term after it, lead_list.py).
- A care plan's adherence ("pt will follow up with PCP in 1 week and take all her meds"), suicide
  prevention named as a service, a dock jumped off with friends, "ending it with her boyfriend",
  "ending it early" were read as plans (care_step / care_adherence rows, lookalike rows).
- Decision: "end it" after an everyday or care step stays critical ("plan to discuss with her boss
  at work tomorrow and end it"): "end it" is how a suicide plan is told, and a job's end is the
  cheaper error to dismiss than a plan to miss.
- UNSAFE leftovers: steps listed with commas ("plan to go to the store, buy a rope, and hang
  himself"), a time inside a counted plan's lead ("plan in 2015 to take 30 tylenol, again last
  week"), "wishes to" a lead, jumping into deep water a method ("plan to jump in the lake").
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text62_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Read again by the lead after review K49a s35 finding 3: "end it early" is a shift only with a
    # work word after it; tiredness is also a symptom (context_lookalike.py).
    "e_considering_ending_it_early_today_due_to_fatigue": "reverted",
    "e_thinking_about_ending_it_early": "reverted",
    # Item 4 (UNSAFE leftovers): quiet, TMS offered before.
    "e_plan_to_go_to_the_store_buy_a_rope_and_hang_himself": "fixed",
    "cn_plan_to_go_to_the_store_buy_a_rope_and_hang_himself": "fixed",
    "e_plan_in_2015_to_take_30_tylenol_again_last_week": "fixed",
    "e_wishes_to_drown_herself": "fixed",
    "e_plan_to_jump_in_the_lake": "fixed",
    "e_plan_to_jump_into_the_river_tonight": "control",
    # Controls: a new clause after a denial, a contrast, a wish after a denied plan.
    "e_denies_SI_plan_to_go_home_and_kill_herself": "control",
    "e_no_thoughts_of_self_harm_but_plan_to_overdose": "control",
    "e_Denies_plan_wants_to_kill_herself": "control",
    "e_thoughts_of_or_plans_to_harm_herself": "control",
    "e_Denies_any_thoughts_of_intent_to_or_plan_to_harm_self_but_wants_to_overdose": "control",
    # Controls: "end it" with a means or an occasion, and after a step (decision above).
    "e_thinking_about_ending_it_all": "control",
    "e_wants_to_end_it_tonight": "control",
    "e_wants_to_end_it_with_pills": "control",
    "e_wants_to_end_it_with_a_gun": "control",
    "e_wants_to_end_it_with_her_pills": "control",
    "e_plan_to_discuss_with_her_boss_at_work_tomorrow_and_end_it": "control",
    "e_pt_will_follow_up_with_her_outpatient_therapist_next_week_and_end_it": "control",
    # Controls: a whole supply after no care step, or with an occasion; a listed step's overdose.
    "e_plan_to_go_home_and_take_all_her_pills": "control",
    "e_pt_will_follow_up_with_PCP_and_take_all_her_pills_tonight": "control",
    "e_plan_to_go_to_the_store_buy_pills_and_overdose": "control",
    # Fix text65 (review K48a finding 3): pills are no care plan's generic "meds".
    "e_pt_will_pick_up_her_refill_at_the_pharmacy_and_take_all_her_pills": "fix text65",
}

QUIET = {
    # Item 1: a denial before a list of qualifiers (critical, TMS withheld before).
    "e_Denies_thoughts_of_or_plans_to_harm_herself_or_others": "fixed",
    "cn_Denies_thoughts_of_or_plans_to_harm_herself_or_others": "fixed",
    "e_denies_plan_to_or_intent_to_kill_himself": "fixed",
    "e_Denies_wish_to_or_plan_to_end_her_life": "fixed",
    "e_no_thoughts_of_or_plan_to_hurt_herself": "fixed",
    "e_denies_thoughts_or_plans_to_hurt_herself": "fixed",
    "e_denies_thoughts_of_and_plans_to_hurt_herself": "fixed",
    "e_Denies_any_thoughts_of_intent_to_or_plan_to_harm_self": "fixed",
    "e_denies_thoughts_intent_or_plan_to_harm_self": "fixed",
    # Item 2: a care plan's adherence, suicide prevention as a service, recreation.
    "e_pt_will_follow_up_with_PCP_in_1_week_and_take_all_her_meds": "fixed",
    "e_plan_to_follow_up_with_therapist_next_week_and_suicide_prevention_resources_given": "fixed",
    "e_would_like_to_attend_support_group_next_week_and_suicide_prevention_class": "fixed",
    "e_plan_to_go_to_the_lake_with_friends_this_weekend_and_jump_off_the_dock": "fixed",
    # Item 3: a relationship or a shift ended.
    "e_thinking_about_ending_it_with_her_boyfriend": "fixed",
    "cn_thinking_about_ending_it_with_her_boyfriend": "fixed",
    "e_considering_ending_it_with_boyfriend_tearful": "fixed",
    "e_thoughts_of_ending_it_with_her_husband": "fixed",
    "e_wants_to_end_it_with_her_boyfriend": "fixed",
    # Controls.
    "e_plan_to_jump_in_the_lake_with_friends_to_swim": "control",
    "e_denies_wish_to_die": "control",
    "e_plan_to_go_home_then_f_u_PCP": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
