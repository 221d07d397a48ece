"""Session 38 fix text87: a later endorsement two or more sentences after a denial, and a question
about a suicide-risk sign left open: each was quiet, TMS offered.

- "No SI. Pt calm. Later endorses.": a `retraction` whose own sentence holds no denial took back
  only the sentence before (fix text81), so a sentence between left the denial standing. It now
  takes back every denial before it (denial_undone.py): nothing tells which one it takes back.
  "Later endorses feeling better" names its own object and takes back nothing; a bare later yes
  (", yes") still reaches one sentence only (fix text84).
- "SI: no. ... on reassessment, endorses": 'on reassessment, endorses' is a `retraction` row.
- "Suicide note? unknown": a "?" after a preparatory phrase is a question asked (fix text64) unless
  an answer affirms it (fix text80); an answer that leaves it open (`question_open`: "unknown",
  "unsure", "not known") is no denial either, so the note is read (self_harm_subject._yes), as
  "suicide note: unknown" already was.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.denial_undone import denials_undone
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text87_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Quiet, TMS offered, before.
    "e_No_SI_Pt_calm_Later_endorses": "fixed",
    "e_No_SI_Pt_calm_tearful_Later_endorses_it": "fixed",
    "e_Denies_SI_Pt_calm_Then_endorses": "fixed",
    "e_Denies_SI_Denies_HI_Later_endorses": "fixed",
    "e_SI_no_on_reassessment_endorses": "fixed",
    "e_SI_no_Pt_seen_On_reassessment_endorses": "fixed",
    "e_SI_no_On_re_assessment_endorses": "fixed",
    "e_Suicide_note_unknown": "fixed",
    "e_suicide_note_unk": "fixed",
    "e_Suicide_note_not_known": "fixed",
    "e_Goodbye_letter_unclear": "fixed",
    "e_No_SI_Pt_calm_Later_admits": "fixed",
    "e_Suicide_note_possibly": "fixed",
    "e_Denies_SI_Calm_On_re_eval_endorses": "fixed",
    "cn_No_SI_Pt_calm_Later_endorses": "fixed",
    "cn_SI_no_on_reassessment_endorses": "fixed",
    "cn_Suicide_note_unknown": "fixed",
    # Critical before too: the nearest signals of the controls below.
    "e_Denies_SI_Pt_tearful_Later_endorses_SI_with_plan": "control",
    "e_No_SI_Later_endorses": "control",
    "e_suicide_note_colon_unknown": "control",
    "e_suicide_note_dash_not_known": "control",
    "e_Suicide_note_yes": "control",
    "e_Denies_SI_endorses": "control",
    "e_SI_denies_per_mother_yes": "control",
}

QUIET = {
    "e_No_SI_Pt_calm_Later_endorses_feeling_better": "control",
    "e_Denies_SI_Later_endorses_improved_sleep": "control",
    "e_No_SI_Pt_calm_Later_admits_to_feeling_better": "control",
    "e_Suicide_note_colon_none": "control",
    "e_Suicide_note_query_none": "control",
    "e_Suicide_note_no": "control",
    "e_no_suicide_note": "control",
    "e_Denies_SI_endorses_good_support": "control",
    # Decided: HI alone is not this card's signal.
    "e_denies_SI_endorses_HI": "control",
    "e_No_SI_Pt_calm_Later_endorses_HI": "control",
    # A bare later yes keeps to the sentence before (fix text84).
    "e_No_SI_Pt_calm_ETOH_yes": "control",
    "cn_No_SI_Pt_calm_Later_endorses_feeling_better": "control",
    "cn_Suicide_note_none": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)


def test_retraction_reads_back_over_every_denial() -> None:
    assert "no" not in denials_undone("no si. pt calm. later endorses").split()
    assert "denies" not in denials_undone("denies si. denies hi. later endorses")
    # A later yes reaches the sentence before only; an endorsement with an object takes back none.
    assert denials_undone("no si. pt calm. etoh, yes").startswith("no si")
    assert denials_undone("no si. later endorses feeling better").startswith("no si")
