"""Review K61b s10b (meds57): two prescribers' ACTIVE orders of the same running drug
(fhir_mapping/same_drug_prescribers.py, services/rules/optimize/two_orders.py).

A PCP's sertraline 100 mg order of 2026-05-01 and a psychiatrist's sertraline 150 mg order of
2026-07-01, both `active`, neither ended: the optimise card offered "Raise sertraline to 200
mg/day" as one click; if the patient takes both, that is 250 mg/day, above the 200 maximum. The
raise is held as text and the card asks for the dose taken ("sertraline 100 mg/day by Physician
Family Medicine, MD (2026-05-01) still active beside 150 mg/day by Psychiatry Attending, MD
(2026-07-01)"). Controls: one prescriber's own second order; the old PCP order left open (its fill
ended in July, the psychiatrist's fills run). Also meds55 finding 2: the summary, not only the
detail, says escitalopram is to confirm beside another prescriber's open order.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "meds57_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
OPTIMISE = "optimize-switch-augment"
RAISE = "Raise sertraline"
HELD_ACT = "confirm the sertraline dose taken (two prescribers' orders)"

FIXED = {
    "k61b_s10b_two_prescribers_current": "fixed: the review's chart, raise to 200 one click",
    "pcp_repeats_run_psychiatrist_filled": "fixed: the PCP order's repeats run, raise one click",
    "pcp_and_psychiatrist_both_filled": "fixed: both filled, read as a lowering to 100 mg/day",
    "escitalopram_open_order_summary": "fixed: meds55's chart, summary silent on escitalopram",
}
CONTROLS = {
    "same_prescriber_two_orders": "control: one prescriber's own dose step keeps the raise",
    "old_pcp_order_left_open": "control: the old PCP order's fill ended, the later's run",
}
_TWO = sorted(set(FIXED) - {"escitalopram_open_order_summary"})


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


def _labels(card: dict[str, object]) -> list[str]:
    return [str(s["label"]) for s in card.get("suggestions", [])]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", _TWO)
def test_raise_held_beside_two_prescribers_orders(name: str) -> None:
    card = _cards(name)[OPTIMISE]
    assert not any(label.startswith(RAISE) for label in _labels(card)), card["summary"]
    assert card["summary"].endswith(HELD_ACT) or f"{HELD_ACT}, then" in card["summary"]
    detail = card["detail"]
    assert " still active beside 150 mg/day by " in detail
    assert "250 mg/day if both are taken: confirm the dose taken before raising it" in detail
    assert "not offered as a ready-to-accept order" in detail
    assert "Raise it first if tolerated" not in detail
    assert "Data not read" not in detail


def test_requesters_named_by_display() -> None:
    detail = _cards("pcp_repeats_run_psychiatrist_filled")[OPTIMISE]["detail"]
    assert (
        "sertraline 100 mg/day by Physician Family Medicine, MD (2026-05-01) still active beside "
        "150 mg/day by Psychiatry Attending, MD (2026-07-01)"
    ) in detail


def test_requesters_by_reference_only() -> None:
    detail = _cards("k61b_s10b_two_prescribers_current")[OPTIMISE]["detail"]
    assert (
        "sertraline 100 mg/day by one prescriber (2026-05-01) still active beside 150 mg/day by "
        "another prescriber (2026-07-01)"
    ) in detail


def test_both_filled_no_longer_read_as_a_lowering() -> None:
    summary = _cards("pcp_and_psychiatrist_both_filled")[OPTIMISE]["summary"]
    assert "lowered to 100" not in summary


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_controls_keep_the_raise(name: str) -> None:
    card = _cards(name)[OPTIMISE]
    assert _labels(card)[0] == "Raise sertraline to 200 mg/day (dose first, CANMAT 2023 para 187)"
    assert "still active beside" not in card["detail"]
    assert "two prescribers" not in card["summary"]


def test_open_order_named_in_the_summary() -> None:
    card = _cards("escitalopram_open_order_summary")[OPTIMISE]
    assert card["summary"] == (
        "2 adequate trials failed (escitalopram, venlafaxine): augment or switch class; "
        "confirm escitalopram still taken first"
    )
    assert "escitalopram may still be running" in card["detail"]
