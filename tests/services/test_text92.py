"""Session 38 fix text92 (review K59a findings 5, 6, 8-11: text87-89 leftovers).

UNSAFE (quiet, TMS offered), now critical with TMS held:
- 5: a later positive answer of the same item after a 0, the answer written before the item
  ("scored 0 on item 9, 2 on item 9 later", "scored 0 on item 9, later 2").
- 6: a `taken_course_end` word inside another phrase ("took 2 weeks of her seroquel, stopped
  breathing", "... then quit answering phone", "... switched off lights"); a course-end word now
  counts only about the drug, and a collapse (`od_item_acute`: "found down") or a toxic sign
  (`taken_toxic_sign`: "vomiting") in the text keeps the ingestion. "Suicide note? found" too.
NOISE (critical), now quiet:
- 8: "scored 2 on item 9 of the PCL-5" (the scale named after the item).
- 9: "took 2 weeks of her prescribed sertraline, feels better" (an improvement = a course).
- 10: "denies thoughts that family would be better off if she killed herself" (a denial verb
  opening the clause governs its "if").
- 11: "Suicide note??" (a doubled "?" is one mark, no answer "?"). Session 39 fix text94: a
  question about a suicide note with no answer at all ("Suicide note?", "Suicide note??") is
  an open answer, critical (test_text94.py); the doubled mark is still no answer "?".
Controls: the nearest critical wording of each quiet fix, and text87-89 charts as they were.
Prefixes: e_ an ED visit's reason, cn_ a Condition's note.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text92_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Finding 5: a later positive answer wins.
    "e_scored_0_on_item_9_2_on_item_9_later": "fixed",
    "e_scored_0_on_item_9_later_2": "fixed",
    "e_scored_0_on_item_9_2_on_item_9_at_follow_up": "fixed",
    "cn_scored_0_on_item_9_later_2": "fixed",
    # Finding 6: a course-end word inside another phrase; a collapse or toxic sign.
    "e_took_2_weeks_of_her_seroquel_stopped_breathing": "fixed",
    "e_took_2_weeks_of_her_seroquel_then_quit_answering_phone": "fixed",
    "e_took_a_week_of_her_lithium_side_effects_vomiting": "fixed",
    "e_took_a_month_of_her_klonopin_switched_off_lights": "fixed",
    "e_took_2_weeks_of_her_seroquel_no_benefit_per_mom_found_down": "fixed",
    "cn_took_2_weeks_of_her_seroquel_stopped_breathing": "fixed",
    # Finding 11's neighbour: an answer naming the sign found (was quiet).
    "e_Suicide_note_q_found": "fixed",
    # The nearest critical controls (critical before the fix too).
    "e_scored_0_on_item_9_later_scored_2_on_item_9": "control",
    "e_scored_2_on_item_9_of_the_PHQ_9": "control",
    "e_scored_2_on_item_9_of_the_PCL_5_2_on_PHQ_9_item_9": "control",
    "e_took_2_weeks_of_her_sertraline_last_night_feels_better": "control",
    "e_took_2_weeks_of_her_seroquel_feels_better_found_down": "control",
    "e_denies_SI_family_would_be_better_off_if_she_killed_herself": "control",
    "e_denies_SI_but_family_would_be_better_off_if_she_killed_herself": "control",
    "e_worried_life_insurance_will_not_pay_if_she_kills_herself": "control",
    "e_Suicide_note_q_q": "control",
    "e_Suicide_note_qq_yes": "control",
    "e_Suicide_note_qq_found": "control",
    "e_item_9_0_2_on_item_9_later": "control",
    "e_item_9_0_2_on_recheck": "control",
    "e_scored_2_on_item_9_of_GAD7_and_1_on_PHQ_9_item_9": "control",
    # Fix text94: no answer at all is an open answer (were quiet here, session 38).
    "e_Suicide_note_q": "text94",
    "e_Suicide_note_qq": "text94",
}

QUIET = {
    "e_scored_2_on_item_9_of_the_PCL_5": "fixed",
    "cn_scored_2_on_item_9_of_the_PCL_5": "fixed",
    "e_took_2_weeks_of_her_prescribed_sertraline_feels_better": "fixed",
    "e_took_2_weeks_of_her_sertraline_before_she_felt_better": "fixed",
    "e_denies_thoughts_that_family_would_be_better_off_if_she_killed_herself": "fixed",
    "cn_denies_thoughts_that_family_would_be_better_off_if_she_killed_herself": "fixed",
    "e_scored_0_on_item_9_later_0": "control",
    "e_took_2_weeks_of_her_sertraline_stopped_nausea": "control",
    "e_took_2_weeks_of_her_seroquel_stopped_it": "control",
    "e_no_SI_would_not_hurt_herself_if_discharged": "control",
    "e_scored_2_on_GAD_7_item_9": "control",
    "e_scored_0_on_item_9_3_on_item_3": "control",
    "e_took_2_weeks_of_her_zoloft_stopped_1_week_ago": "control",
    "e_took_2_weeks_of_her_zoloft_d_c_d_2_2_GI_upset": "control",
    "e_took_2_weeks_of_her_lithium_stopped_d_t_tremor": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
