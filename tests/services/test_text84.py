"""Session 37 fix text84 (recheck K57a, UNSAFE): text82 made these current signals quiet, TMS
offered. Each is an ED visit's reason:

- an "or" question answered naming one item ("Thoughts of harming self or others: denies HI")
  answers that item only: text_negation.answer_covers reads a bare denial closing its clause;
- a later clause that affirms on its own ("denies currently, endorsed yesterday", "denies, per
  mother yes", "denies today, yes last night") takes the denial back (denial_undone.py);
- a negative screen the text goes on from ("..., then endorses", "; high per collateral") is not
  read as negative, and "Suicide screening completed: no" is a screen not done (screen_result_text.py);
- "PT attempted today, Pt found by mother": only a lower-case "pt" makes "PT" physical therapy.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text84_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_Thoughts_of_harming_self_or_others_denies_others": "fixed",
    "e_Thoughts_of_harming_self_or_others_denies_HI": "fixed",
    "e_Self_harm_or_suicide_denies_self_harm": "fixed",
    "e_Thoughts_of_self_harm_or_suicide_denies_today_yes_last_night": "fixed",
    "e_Thoughts_of_self_harm_or_suicide_denies_per_mother_yes": "fixed",
    "e_Psych_denies_SI_currently_endorsed_yesterday": "fixed",
    "e_Psych_denies_SI_per_mother_yes": "fixed",
    "e_SI_denies_currently_endorsed_yesterday": "fixed",
    "e_SI_denies_per_mother_yes": "fixed",
    "e_Suicide_screening_completed_no": "fixed",
    "e_Suicide_risk_assessment_no_patient_refused": "fixed",
    "e_Suicide_screen_negative_then_endorses": "fixed",
    "e_Suicide_screen_negative_high_per_collateral": "fixed",
    "e_Suicide_screen_negative_mother_found_note": "fixed",
    "e_PT_attempted_today_Pt_found_by_mother": "fixed",
}

QUIET = {
    "e_Psych_denies_SI": "control",
    "e_Suicide_screening_completed_negative": "control",
    "e_Thoughts_of_self_harm_or_suicide_denies": "control",
    "e_Suicide_screening_completed_negative_Denies_HI": "control",
    "e_PT_attempted_today_pt_refused": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
