"""Fix allergy38 (s31): recheck K28a of the allergy reading, charts as of 2026-12-01.

Sertraline allergy recorded 2023-03-20.

1. A severe entry (anaphylaxis, criticality high, SJS, torsades...) followed by an ENDED
   sertraline course that settles it (60 days unbroken: g4_*, 90 days: g3_*) gave a new
   sertraline order no allergy card. Now a warning "contradicted by later dosing: reconcile the
   allergy list before ordering", and at chart open (h4_*) the switch card names the entry. A
   mild entry settled by a long course stays silent (g4_counsel: its note only counsels).
2. A severe word in a note or a description that does not state this patient's reaction
   (counselling, education, risk, threshold, a test checked for, a normal result, another
   substance) made a nausea entry critical at both hooks: now the ordinary warning, nothing at
   chart open. A severe entry read from a note names it ("Rash (note: anaphylaxis)").
3. "QTc prolongation", "Prolonged QTc", "Hepatotoxicity", "Shortness of breath" are severe
   (UNVERIFIED rows, data/allergy_classes.csv).
4. The running-drug-allergy summary keeps the dose for a longer reaction ("throat tightness").

Charts: tests/services/allergy38_charts/ (K28a reviewer charts, 19 prefetch keys; `_pv` are
patient-view copies).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.reaction_context import not_this_reaction
from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "allergy38_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))
NOT_TOLERATED = "order-not-tolerated"
RUNNING = "running-drug-allergy"
SWITCH = "optimize-switch-augment"
SEVERE_ENDED = [
    "coded_anaph",
    "desc_anaph",
    "note_anaph",
    "sev_only",
    "lip",
    "sjs_sp",
    "torsades",
    "seiz",
    "htn",
    "crit_high",
    "qtc",
]
NOISE = [
    "b_n_counsel",
    "b2_note_risk",
    "b_n_educ_sjs",
    "b2_desc_counsel",
    "b2_note_seizthr",
    "b_n_ekg_qt",
    "b_n_other_sub",
    "b2_note_epipen",
]


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _card(name: str, topic: str) -> Doc | None:
    return _at.by_topic(_chart(name)).get(topic)


@pytest.mark.parametrize("course", ["g3", "g4"])
@pytest.mark.parametrize("name", SEVERE_ENDED)
def test_severe_entry_settled_by_an_ended_course_warns(course: str, name: str) -> None:
    card = _card(f"{course}_{name}", NOT_TOLERATED)
    assert card is not None and card["indicator"] == "warning"
    assert "contradicted by later dosing" in card["summary"]
    assert "reconcile" in card["summary"]


@pytest.mark.parametrize("course", ["g3", "g4"])
def test_mild_entry_settled_stays_silent(course: str) -> None:
    assert _card(f"{course}_counsel", NOT_TOLERATED) is None


@pytest.mark.parametrize("name", [n for n in SEVERE_ENDED if n not in ("qtc", "coded_anaph")])
def test_chart_open_names_the_contradicted_entry(name: str) -> None:
    card = _card(f"h4_{name}", SWITCH)
    assert card is not None
    assert "**Severe allergy contradicted by later dosing:** sertraline" in card["detail"]


def test_chart_open_mild_entry_not_named() -> None:
    card = _card("h4_counsel", SWITCH)
    assert card is not None and "contradicted by later dosing" not in card["detail"]


@pytest.mark.parametrize("name", NOISE)
def test_counselling_and_other_substances_are_no_severe_reaction(name: str) -> None:
    card = _card(name, NOT_TOLERATED)
    assert card is not None and card["indicator"] == "warning"
    assert "2023-03-20" in card["summary"]
    assert _card(f"{name}_pv", RUNNING) is None


def test_severity_from_a_note_is_named() -> None:
    card = _card("g4_note_anaph", NOT_TOLERATED)
    assert card is not None and "(note: anaphylaxis)" in card["summary"].lower()
    card = _card("g4_desc_anaph", NOT_TOLERATED)
    assert card is not None and "rash (anaphylaxis)" in card["summary"].lower()


@pytest.mark.parametrize(
    "name", ["b_s_qtc", "b2_qtc_prolonged", "b2_qt", "b_s_hepatotox", "b_s_sob"]
)
def test_qtc_hepatotoxicity_and_breathing_are_severe(name: str) -> None:
    card = _card(name, NOT_TOLERATED)
    assert card is not None and card["indicator"] == "critical"
    card = _card(f"{name}_pv", RUNNING)
    assert card is not None and card["indicator"] == "critical"


@pytest.mark.parametrize("name", ["b_s_throat", "b_s_serosyn", "b2_qt", "b_s_lip", "b_s_conv"])
def test_running_summary_keeps_the_dose(name: str) -> None:
    card = _card(f"{name}_pv", RUNNING)
    assert card is not None and card["summary"].startswith("Sertraline 100 mg/day running: ")


# Lead's follow-up (session 31): the note rows are narrow; a bare "normal" or "risk" in the
# sentence of a reaction that happened left it unread as severe.
@pytest.mark.parametrize(
    ("text", "word", "excluded"),
    [
        ("anaphylaxis, vitals normal after epi", "anaphylaxis", False),
        ("anaphylaxis - high risk, avoid", "anaphylaxis", False),
        ("anaphylaxis; risk of recurrence discussed", "anaphylaxis", False),
        ("anaphylaxis risk discussed with patient", "anaphylaxis", True),
        ("ekg checked for qt prolongation: qtc 420, normal", "qt prolongation", True),
    ],
)
def test_note_rows_keep_a_reaction_that_happened(text: str, word: str, excluded: bool) -> None:
    start = text.index(word)
    assert not_this_reaction(text, start, start + len(word)) is excluded
