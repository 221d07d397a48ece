"""Fix meds45: medication-dose readings that changed the trial count (review K51a, session 36).

- Finding 1 (UNSAFE): a dose "to confirm" on the LAST dose step carried the step before it.
  Venlafaxine 75 -> 150 -> an order and fills coded 313582 (venlafaxine 25 mg tablet) but named
  "24 HR venlafaxine 225 MG" (a1; a2 the reverse): the last step read 150 mg/day, 13.9 weeks
  adequate, failed, TMS offered. A step whose dose is to confirm proves no dose
  (dose_timeline._to_confirm): 4 weeks proven, "venlafaxine dose to confirm, up to 225 mg/day",
  no TMS. a4: the same through unsequenced dosage lines (taper._to_confirm) after clear steps.
  a3 (control): every step to confirm, as before.
- Finding 2 (UNSAFE): fills without a sig whose quantity over their days (75 mg/day) contradicts
  the order they fill ("1 capsule daily" of 37.5 mg) read 75 on fill-only days, a failed trial
  and "a lowering from 75 to 37.5 mg/day, no fill yet" (b1). Now the dose is to confirm, both
  readings named (fill_order_dose.py). Controls: an order with no sig (b2) and a later order of
  75 (b4) keep the fills' 75 mg/day; "1-2 capsules" (b3) reads its range, and no longer as a
  lowering (raise_unfilled.unfilled_lowering reads an order's upper end).
- Finding 3 (WRONG): an as-needed record whose code (25 mg) and name (75 mg) disagree stated
  "25 mg as needed" as fact (c1): now "up to 75 mg as needed (dose to confirm: ...)".
- Finding 4 (WRONG): "Symbyax 6-25 mg capsule" in text only read fluoxetine "dose not recorded"
  (d1); the pair is read as the one RxNorm SCD whose strengths it is (combination_strengths.py),
  fluoxetine 25 mg as the coded 403969 reads. d2 (control): "6-30 mg" is no product's pair.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "meds45_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2025, 5, 20))

ADHERENCE = "adherence-review"
OPTIMISE = "optimize-switch-augment"

FIXED = {
    "a1_conflict_last_step_25_vs_225": "fixed",
    "a2_conflict_last_step_name_37_5": "fixed",
    "a4_unsequenced_lines_last_step": "fixed",
    "b1_fill_qty_double_no_sig": "fixed",
    "b3_fill_qty_double_order_1_2_caps": "fixed",
    "c1_asneeded_code25_name75": "fixed",
    "d1_symbyax_text": "fixed",
}
CONTROLS = {
    "a3_conflict_all_steps_control": "control",
    "b2_fill_qty_double_order_no_sig_control": "control",
    "b4_fill_qty_double_later_order_75_control": "control",
    "d2_symbyax_text_no_such_strength_control": "control",
}


def test_every_chart_is_an_ehr_chart() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


def _text(cards: dict[str, Any]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail') or ''}" for c in cards.values())


@pytest.mark.parametrize(
    ("name", "upper"),
    [
        ("a1_conflict_last_step_25_vs_225", 225),
        ("a2_conflict_last_step_name_37_5", 225),
        ("a3_conflict_all_steps_control", 225),
        ("a4_unsequenced_lines_last_step", 450),
    ],
)
def test_a_last_step_to_confirm_proves_no_dose(name: str, upper: int) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, cards[chart_files.TMS]["summary"]
    assert (
        f"1 trial not adequate (venlafaxine dose to confirm, up to {upper} mg/day)"
        in cards[ADHERENCE]["summary"]
    )
    assert cards[OPTIMISE]["summary"].startswith("1 adequate trial failed (sertraline)")


def test_fills_contradicting_their_order_are_a_dose_to_confirm() -> None:
    cards = _cards("b1_fill_qty_double_no_sig")
    assert chart_files.TMS not in cards
    assert (
        "1 trial not adequate (venlafaxine dose to confirm, up to 75 mg/day)"
        in cards[ADHERENCE]["summary"]
    )
    text = _text(cards)
    assert "the fill's quantity over its days gives 75 mg/day, its order 37.5 mg/day" in text
    assert "lowering" not in text and "lowered" not in text
    assert "no fill" not in text


@pytest.mark.parametrize(
    "name",
    ["b2_fill_qty_double_order_no_sig_control", "b4_fill_qty_double_later_order_75_control"],
)
def test_fills_an_order_allows_keep_their_dose(name: str) -> None:
    cards = _cards(name)
    assert cards[OPTIMISE]["summary"].startswith(
        "2 adequate trials failed (sertraline, venlafaxine): raise venlafaxine 75 → 150"
    )
    assert "dose to confirm" not in _text(cards)
    assert chart_files.TMS in cards


def test_fills_inside_an_order_range_are_no_lowering() -> None:
    cards = _cards("b3_fill_qty_double_order_1_2_caps")
    text = _text(cards)
    assert "lowered" not in text and "no fill yet" not in text
    assert cards[OPTIMISE]["summary"].startswith(
        "Venlafaxine 37.5-75 mg/day is below the adequate range"
    )
    assert chart_files.TMS not in cards


def test_an_as_needed_record_disagreeing_with_itself_names_both_readings() -> None:
    cards = _cards("c1_asneeded_code25_name75")
    text = _text(cards)
    assert "25 mg as needed is below" not in text
    assert (
        "venlafaxine up to 75 mg as needed (dose to confirm: the code's strength (venlafaxine "
        "25 MG Oral Tablet) gives 25 mg/day, the name (24 HR venlafaxine 75 MG Extended Release "
        "Oral Capsule) 75 mg/day)" in text
    )
    assert chart_files.TMS not in cards


def test_a_combination_brand_in_text_reads_its_written_strengths() -> None:
    cards = _cards("d1_symbyax_text")
    assert ADHERENCE not in cards
    assert cards[OPTIMISE]["summary"].startswith(
        "2 adequate trials failed (sertraline, fluoxetine)"
    )
    control = _cards("d2_symbyax_text_no_such_strength_control")
    assert "1 trial not adequate (fluoxetine dose not recorded)" in control[ADHERENCE]["summary"]
