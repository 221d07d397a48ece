"""Session 41 opt63: treatment cards that contradicted another card or skipped a known interaction.

- Finding 1 (WRONG): the TMS card's "raise lithium to its target level first" did not read
  optimize/ruled_against.py: at eGFR 25 (the lithium label's "not recommended" band) it still asked
  for the raise beside the optimise card's "review lithium, no raise". It now names the review
  (optimize/first_steps.py, rules/tms_dose_held.py).
- Finding 2 (decided, no line): aripiprazole and brexpiprazole beside paroxetine (a strong CYP2D6
  inhibitor) get no half-dose line: the Abilify label halves the dose with strong CYP2D6 inhibitors
  "except when used as adjunctive treatment with antidepressants" (highlights, 2.6), which is the
  only use the adjunct list suggests (services/data/README.md, drug_interactions row). Beside
  tamoxifen the paroxetine-tamoxifen card stays.
- Finding 3 (decided): an escitalopram raise beside an unread QTc is held as citalopram's is (its own
  QTc rows; pinned here, already so before), a sertraline raise is not (rules/unread_qtc_hold.py).
- Finding 4 (WRONG): "FHx bipolar (mother), pt also anxious, manic" read as the mother's bipolar
  only: "manic" was no bipolar term (fhir_mapping/data/diagnosis_terms.csv). "mother manic" stays
  the family's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "opt63_charts"
# The lithium charts (cards43's v13c) are dated for 2026-12-01, the others (opt62, hold59) 2025-06-01;
# the self-harm base chart of the bipolar ones (neg37) for 2026-12-01.
_late = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_early = chart_files.topic_reader(_FOLDER, date(2025, 6, 1))

TMS = "tms-referral"
OPTIMISE = "optimize-switch-augment"
REVIEW = "diagnosis-review"

FIXED = {
    "f1_lithium_low_egfr25_tms": "TMS card: review lithium, no raise",
    "f4_FHx_bipolar_mother_pt_also_anxious_manic": "bipolar review",
    "f4b_manic_this_week": "bipolar review",
}

CONTROLS = {
    "f2a_paroxetine20_aripiprazole_line": "adjunct list: no half-dose line (label: adjunct exempt)",
    "f2b_paroxetine20_tamoxifen_aripiprazole_line": "the same, tamoxifen caution kept",
    "c1_lithium_low_egfr_normal_tms": "raise lithium to its target level first",
    "f3a_qtc_unread_escitalopram10": "escitalopram raise held (passed before: pinned)",
    "c3_qtc_unread_sertraline50": "sertraline raise one click; no CYP2D6 line",
    "c4_mother_manic": "the mother's: no review",
    "c4b_FHx_bipolar_mother_pt_also_anxious": "the mother's: no review",
}


def _text(card: dict[str, Any]) -> str:
    return f"{card['summary']}\n{card['detail']}"


def _labels(card: dict[str, Any]) -> list[str]:
    return [s["label"] for s in card.get("suggestions", [])]


def test_tms_card_names_the_review_of_a_lithium_ruled_against() -> None:
    found = _late("f1_lithium_low_egfr25_tms")
    tms = found[TMS]
    said = _text(tms)
    assert "raise lithium" not in said, tms["summary"]
    assert "review lithium, no raise first, then consider TMS referral" in tms["summary"]
    assert "while lithium is reviewed first:** not recommended at eGFR 25" in tms["detail"]
    assert "raises lithium first" not in said
    # The optimise card beside it says the same (opt62).
    assert "review lithium, no raise" in found[OPTIMISE]["summary"]


def test_control_lithium_low_with_normal_kidneys_keeps_the_raise() -> None:
    tms = _late("c1_lithium_low_egfr_normal_tms")[TMS]
    assert "raise lithium to its target level first" in tms["summary"]
    assert "the optimise card raises lithium first" in tms["detail"]


@pytest.mark.parametrize(
    "name", ["f2a_paroxetine20_aripiprazole_line", "f2b_paroxetine20_tamoxifen_aripiprazole_line"]
)
def test_adjunct_list_gives_no_half_dose_line_beside_paroxetine(name: str) -> None:
    # The Abilify label exempts adjunctive use with antidepressants from its CYP2D6 half dose.
    card = _early(name)[OPTIMISE]
    augment = next(s for s in card["detail"].split("\n\n") if s.startswith("**Augment:**"))
    assert "aripiprazole" in augment
    assert "CYP2D6" not in augment
    assert "half the usual" not in augment


def test_tamoxifen_caution_stays_beside_the_new_line() -> None:
    found = _early("f2b_paroxetine20_tamoxifen_aripiprazole_line")
    interaction = found["drug-interaction"]
    assert "Tamoxifen and paroxetine both running: may weaken tamoxifen" in interaction["summary"]
    assert "No raise: tamoxifen is running" in found[OPTIMISE]["detail"]


def test_escitalopram_raise_is_held_beside_an_unread_qtc() -> None:
    card = _early("f3a_qtc_unread_escitalopram10")[OPTIMISE]
    assert "escitalopram raise held (QTc result not read, check it first)" in card["summary"]
    assert not any(label.startswith("Raise escitalopram") for label in _labels(card))


def test_control_sertraline_raise_stays_one_click_beside_an_unread_qtc() -> None:
    card = _early("c3_qtc_unread_sertraline50")[OPTIMISE]
    assert "Raise sertraline to 100 mg/day (dose first, CANMAT 2023 para 187)" in _labels(card)
    assert "QTc" not in card["summary"]
    # Sertraline is no strong CYP2D6 inhibitor: no half-dose line for the adjuncts.
    assert "strong CYP2D6" not in card["detail"]


@pytest.mark.parametrize(
    "name", ["f4_FHx_bipolar_mother_pt_also_anxious_manic", "f4b_manic_this_week"]
)
def test_a_current_manic_word_asks_for_the_bipolar_review(name: str) -> None:
    found = _late(name)
    assert "bipolar disorder on record" in found[REVIEW]["summary"]
    assert TMS not in found


@pytest.mark.parametrize("name", ["c4_mother_manic", "c4b_FHx_bipolar_mother_pt_also_anxious"])
def test_control_a_relatives_mania_stays_the_familys(name: str) -> None:
    found = _late(name)
    assert REVIEW not in found
    assert TMS in found


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)
