"""Session 35 review K49a findings 1-4 (lead's fix): text65's context look-alikes and lead lists.

- Findings 1, 4: a recreation word anywhere earlier in the sentence blanked a dock or water plan
  ("can't swim, plans to jump in the river", "no friends, plans to ..."): before the phrase it
  counts only in its own clause after "with" (context_lookalike._other_meaning).
- Finding 2: any denied item before a comma let a list of qualifiers continue the denial ("denies
  HI, thoughts and plans to hang herself tonight"): only after a denied suicidal-ideation item, of
  a generic act ("hurt", "harm", "kill"), with no time word after it (lead_list._continued).
- Review K50a findings 1-4 (the regimen reading of dc16181e): "took all her night pills with 10
  ambien", "... with vodka", "intentionally ...", "... all together", "... for the week" were quiet:
  regimen pills are the day's doses only when nothing follows them (self_harm_supply._owned).
- Review K50a leftovers: "took 2 weeks' supply of her lithium", "took a week's worth of her
  morning pills", "has a gun and wants to use it on himself", "wrote a suicide note", "saving up
  her pills" were quiet (taken_supply, preparatory, ideation_object rows; a count of days or weeks
  read as a supply phrase's).
- Finding 3: "end it early" with nothing, or only tiredness, after it was a shift; a risk word or
  means before a context look-alike ("hopeless, ...", "has pills saved, ...") now keeps it read.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "k49_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Review K50a s35 leftovers (lead): days or weeks of a supply, a note, a means used on oneself.
    "e_took_2_weeks_supply_of_her_lithium": "fixed",
    "e_took_a_week_s_worth_of_her_morning_pills": "fixed",
    "e_has_a_gun_and_wants_to_use_it_on_himself": "fixed",
    "e_wrote_a_suicide_note": "fixed",
    "e_left_a_suicide_note": "fixed",
    "e_saving_up_her_pills": "fixed",
    # Review K50a s35 findings 1-4: the day's doses only when nothing follows the pills.
    "e_took_all_her_night_pills_with_10_ambien": "fixed",
    "e_took_all_her_night_pills_also_took_her_mom_s_xanax": "fixed",
    "e_took_all_her_night_pills_with_vodka": "fixed",
    "e_took_all_her_night_pills_and_drank_vodka": "fixed",
    "e_intentionally_took_all_her_night_pills": "fixed",
    "e_took_all_her_night_pills_on_purpose": "fixed",
    "e_took_all_her_night_pills_all_together": "fixed",
    "e_took_all_her_night_pills_for_the_week": "fixed",
    "e_can_t_swim_plans_to_jump_in_the_river": "fixed",
    "e_no_friends_plans_to_jump_in_the_river": "fixed",
    "e_texted_friends_goodbye_plans_to_jump_in_the_river": "fixed",
    "e_plans_to_swim_out_and_jump_in_the_ocean": "fixed",
    "e_does_not_know_how_to_swim_plans_to_jump_off_the_dock": "fixed",
    "e_denies_HI_thoughts_and_plans_to_hang_herself_tonight": "fixed",
    "e_denies_pain_thoughts_and_plans_to_jump_off_a_bridge": "fixed",
    "e_Denies_SI_thoughts_and_plans_to_hang_herself_tonight": "fixed",
    "e_denies_HI_desire_and_plan_to_kill_herself": "fixed",
    "e_hopeless_feels_like_a_burden_wants_to_end_it_early": "fixed",
    "e_wants_to_end_it_early_exhausted": "fixed",
    "e_has_pills_saved_wants_to_end_it_with_her_boyfriend_tearful": "fixed",
}

QUIET = {
    "e_denies_writing_a_suicide_note": "control",
    "e_took_20_mg_sertraline": "control",
    "e_took_all_her_morning_pills_and_went_to_work": "control",
    "e_plan_to_go_to_the_lake_with_friends_this_weekend_and_jump_off_the_dock": "control",
    "e_Denies_SI_thoughts_or_plans_to_hurt_herself": "control",
    "e_denies_SI_HI_thoughts_or_plans_to_harm_self_or_others": "control",
    "e_considering_ending_it_early_tired_from_her_shift": "control",
    "e_wants_to_end_it_with_her_husband_upset": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
