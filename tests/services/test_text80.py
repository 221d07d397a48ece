"""Session 37 fix text80: a suicide note, a first attempt today and cuts on a wrist or forearm.

- UNSAFE (quiet, TMS offered): "suicide note: yes", "suicide note found", "Mother found pt with a
  suicide note": only a note written, left, found or discovered was read. A bare "suicide note*"
  is now a `preparatory` row; one inside a longer preparatory phrase is read as that phrase, so
  "mother wrote a suicide note before she died" stays the mother's (self_harm_text.ideation);
  "Suicide note? yes" is an answered question, no inquiry (self_harm_subject.unsaid).
- UNSAFE: "never attempted before today", "first attempt today": `act_bare` rows after
  `bare_subject` words ("never" is one now, its denial then read; "her", "this", "is" too), and "before today" a
  `negation_pseudo` read in the mention's own words too (self_harm_denial._denied).
- UNSAFE: "wrist cuts", "scratches on forearm", "lacerations to both wrists": `act` rows as
  'cuts on wrist*' (fix text72); "cat scratches on forearm" is a `lookalike` (an animal's scratch).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text80_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_suicide_note_yes": "fixed",
    "e_suicide_note_found": "fixed",
    "e_suicide_note_present": "fixed",
    "e_Suicide_note_question_yes": "fixed",
    "e_Mother_found_pt_with_a_suicide_note": "fixed",
    "e_denies_SI_suicide_note_found": "fixed",
    "e_never_attempted_before_today": "fixed",
    "e_pt_has_never_attempted_suicide_before_today": "fixed",
    "e_first_attempt_today": "fixed",
    "e_no_prior_attempts_first_attempt_today": "fixed",
    "e_This_is_her_first_attempt_today": "fixed",
    "e_wrist_cuts": "fixed",
    "e_scratches_on_forearm": "fixed",
    "e_scratches_to_L_forearm": "fixed",
    "e_lacerations_to_both_wrists": "fixed",
    "e_forearm_lacerations": "fixed",
    # Critical before and after: the nearest signals to the controls below.
    "e_left_a_suicide_note": "control",
    "e_wrote_a_suicide_note": "control",
    "e_cuts_to_wrists": "control",
    "e_self_inflicted_scratches": "control",
    "e_superficial_cuts_on_forearm": "control",
}

QUIET = {
    "e_found_no_suicide_note": "control",
    "e_no_suicide_note": "control",
    "e_suicide_note_no": "control",
    "e_suicide_note_denies": "control",
    "e_Suicide_note_question_no": "control",
    "e_mother_wrote_a_suicide_note_before_she_died": "control",
    "e_father_left_a_suicide_note_when_he_died": "control",
    "e_never_attempted": "control",
    "e_never_attempted_last_year": "control",
    "e_denies_prior_attempts": "control",
    "e_IV_first_attempt_today": "control",
    "e_Her_IV_attempted_today": "control",
    "e_wrist_pain": "control",
    "e_denies_wrist_cuts": "control",
    "e_no_lacerations_to_wrists": "control",
    "e_cat_scratches_on_forearm": "control",
    "e_wrist_laceration_from_broken_glass_at_work": "control",
    "e_wrist_lacerations_from_broken_glass_at_work": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
