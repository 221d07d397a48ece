"""Session 39 fix text97 (review K62a): text95 regressions, all critical at 1a7fca03 and quiet, TMS
offered after text95 (fhir_mapping/denial_governs.py, taken_course_end.py, screen_item_text.py).

- A passive death wish after a denial of something else ("Denies SI while feeling family would be
  better off without her", "pt denies SI states she would be better off dead"): a denial verb
  governs the wish only when link words alone stand between them (`condition_denial_link`:
  "denies thoughts that family would be better off without her" stays quiet).
- A switch to another person's drug ("took 2 weeks of her sertraline, switched to her husband's
  oxycodone") is no course end; "drowsy", "sleepy" are toxic signs ("..., now very sleepy").
- Older: "Denies SI PHQ9 item 9 better off dead 2": the item's own wording before its answer.
Prefixes: e_ an ED visit's reason, cn_ a Condition's note.
Controls: the denied wish with link words only, a switch to the patient's own drug, item 9 answered 0.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text97_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # A denial of something else before a passive wish (was quiet, TMS offered).
    "e_Denies_SI_while_feeling_family_would_be_better_off_without_her": "fixed",
    "e_Denies_SI_except_feels_family_would_be_better_off_without_her": "fixed",
    "e_Denies_SI_other_than_feeling_family_would_be_better_off_without_her": "fixed",
    "e_Denies_active_SI_with_passive_thoughts_family_would_be_better_off_without_her": "fixed",
    "e_denies_SI_dash_feels_family_would_be_better_off_without_her": "fixed",
    "e_Denies_SI_feels_family_would_be_better_off_without_her": "fixed",
    "e_pt_denies_SI_states_she_would_be_better_off_dead": "fixed",
    "e_Denies_SI_HI_pt_feels_she_would_be_better_off_dead": "fixed",
    "e_denies_SI_or_HI_says_kids_would_be_better_off_without_her": "fixed",
    "e_Denies_SI_w_passive_thoughts_shed_be_better_off_dead": "fixed",
    "e_denies_SI_endorses_passive_thoughts_of_being_better_off_dead": "fixed",
    "e_denies_SI_at_this_time_feels_everyone_would_be_better_off_if_she_were_gone": "fixed",
    "cn_pt_denies_SI_states_she_would_be_better_off_dead": "fixed",
    "cn_Denies_SI_while_feeling_family_would_be_better_off_without_her": "fixed",
    # A switch to another person's drug; a toxic sign after a course end (was quiet).
    "e_took_2_weeks_of_her_sertraline_switched_to_her_husbands_oxycodone": "fixed",
    "e_took_2_weeks_of_her_sertraline_switched_to_her_moms_xanax": "fixed",
    "e_took_2_weeks_of_her_sertraline_switched_to_her_friends_pills": "fixed",
    "e_took_2_weeks_of_her_sertraline_then_switched_to_her_husbands_oxycodone": "fixed",
    "e_took_2_weeks_of_her_sertraline_and_switched_to_her_moms_xanax": "fixed",
    "e_took_2_weeks_of_her_sertraline_switched_to_lexapro_now_very_sleepy": "fixed",
    "e_took_2_weeks_of_her_sertraline_switched_to_lexapro_now_drowsy": "fixed",
    "e_took_2_weeks_of_her_sertraline_stopped_now_drowsy": "fixed",
    # The apostrophe dropped before another person's drug (lead, after text97: was quiet).
    "e_took_2_weeks_of_her_sertraline_switched_to_her_husbands_oxycodone_no_apostrophe": "fixed",
    "e_took_2_weeks_of_her_sertraline_switched_to_her_moms_xanax_no_apostrophe": "fixed",
    # Item 9 answered after its own wording (was quiet).
    "e_Denies_SI_PHQ9_item_9_better_off_dead_2": "fixed",
    "cn_Denies_SI_PHQ9_item_9_better_off_dead_2": "fixed",
    "e_Denies_SI_PHQ_9_item_9_better_off_dead_1": "fixed",
}

QUIET = {
    # The wish is what is denied: link words only between the verb and it.
    "e_Denies_any_thoughts_that_her_kids_would_be_better_off_without_her": "control",
    "e_denies_feeling_she_would_be_better_off_dead": "control",
    "cn_denies_thoughts_that_family_would_be_better_off_without_her": "control",
    # A switch to the patient's own drug ends the course (text95).
    "e_took_2_weeks_of_her_sertraline_switched_to_pts_lexapro": "control",
    # A relative's advice, not a relative's drug.
    "e_took_2_weeks_of_her_sertraline_switched_to_lexapro_per_her_sisters_advice": "control",
    # Item 9 answered at its lowest.
    "e_Denies_SI_PHQ9_item_9_better_off_dead_0": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
