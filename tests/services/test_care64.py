"""Session 41 review K65b findings 0 and 2-4 (care64).

- Finding 0 (UNSAFE-ish): a PHQ-9 item 9 whose LOINC code and words name different positive
  answers (LA6570-1 "More than half the days" displayed "Nearly every day", data69 hx1) was
  unread: a warning, though every reading is positive. Now the lower reading raises the critical
  card and TMS is held (fhir_mapping/answer_concept.py). A 0 among the readings keeps it unread.
- Finding 2: at 70 with Z91.81 or a hip fracture (S72.001A) on duloxetine / citalopram, the
  optimise card proposed aripiprazole with no word of falls: the Beers falls line is said beside
  the antipsychotic adjuncts; S72.0-S72.2 are falls_codes rows.
- Finding 3: an office visit with the reason "CBT session" read "no psychotherapy ... on record":
  a visit that may be psychotherapy (confirm).
- Finding 4: under 18, "continue the psychological therapy" with none on record: "start or
  confirm a psychological therapy".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "care64_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

RISK = "suicide-risk"
OPTIMIZE = "optimize-switch-augment"
THERAPY = "psychotherapy"

CRITICAL = {
    "i9_code2_display3": "fixed",
    "i9_code1_text2": "fixed",
    "i9_code2_agree_control": "control",
}

OTHER = {
    "i9_code0_display3_control": "control",
    "f_dul_age70_Z9181": "fixed",
    "f_cit_age70_hip_fracture": "fixed",
    "f_cit_age70_no_falls_control": "control",
    "p_office_visit_reason_cbt": "fixed",
    "p_none_control": "control",
    "y_age15_no_psychotherapy": "fixed",
    "y_age15_with_psychotherapy_control": "control",
}


def _detail(card: dict[str, object]) -> str:
    return f"{card['summary']}\n{card.get('detail') or ''}"


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, OTHER)


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_every_positive_reading_is_critical(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


def test_lower_reading_named() -> None:
    assert "item 9 = 2" in _cards("i9_code2_display3")[RISK]["summary"]
    assert "item 9 = 1" in _cards("i9_code1_text2")[RISK]["summary"]


def test_zero_among_readings_stays_unread() -> None:
    cards = _cards("i9_code0_display3_control")
    assert cards[RISK]["indicator"] == "warning"
    assert "could not be read" in cards[RISK]["summary"]
    # The referral is not one click beside it (the project's unread-item-9 hold).
    assert "Not one click yet" in _detail(cards["tms-referral"])


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("f_dul_age70_Z9181", "History of falling (ICD-10-CM Z91.81"),
        ("f_cit_age70_hip_fracture", "(ICD-10-CM S72.001A"),
    ],
)
def test_falls_beside_antipsychotic_adjunct(name: str, said: str) -> None:
    text = _detail(_cards(name)[OPTIMIZE])
    assert "**Falls on record:** " in text and said in text, text
    assert "avoid antipsychotics unless safer alternatives are not available" in text


def test_no_falls_no_line() -> None:
    assert "Falls on record" not in _detail(_cards("f_cit_age70_no_falls_control")[OPTIMIZE])


def test_reason_cbt_may_be_psychotherapy() -> None:
    summary = _cards("p_office_visit_reason_cbt")[THERAPY]["summary"]
    assert "1 visit (2026-09-10) that may be psychotherapy: confirm" in summary
    assert "no psychotherapy" in _cards("p_none_control")[THERAPY]["summary"]


def test_minor_without_therapy_starts_one() -> None:
    text = _detail(_cards("y_age15_no_psychotherapy")[OPTIMIZE])
    assert "start or confirm a psychological therapy" in text
    assert "continue the psychological therapy" not in text
    kept = _detail(_cards("y_age15_with_psychotherapy_control")[OPTIMIZE])
    assert "continue the psychological therapy" in kept
