"""Review K61b finding 8 (meds55): two prescribers' orders of one drug are separate records
(fhir_mapping/other_prescriber.py).

A PCP's escitalopram 10 mg order of 2026-02-01 (`active`, 90 days, 3 repeats) and a
psychiatrist's escitalopram 20 mg order stopped 2026-07-31: the psychiatrist's stop ended the
course, so venlafaxine read as the one drug running and its raise was the first one-click. The stop
ends the psychiatrist's order, not the PCP's: escitalopram may still be running ("an active order
by Physician Family Medicine, MD dated 2026-02-01"), and the raise waits for the answer
(optimize/dose_first.rooms). Controls: the same prescriber's own stop; orders whose fills say
more (the adherence card already asks whether escitalopram is still taken).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "meds55_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
OPTIMISE = "optimize-switch-augment"
RAISE = "Raise venlafaxine"

FIXED = {
    "pcp_open_order_psychiatrist_stop": "fixed: venlafaxine raise offered beside the PCP's order",
    "k61b_s10_no_display": "fixed: the review's chart, requesters by reference only",
}
CONTROLS = {
    "same_prescriber_stop": "control: one prescriber's order ended by their own later stop",
    "pcp_order_fills_stopped_2024": "control: a PCP order whose fills stopped in 2024",
    "pcp_renewal_filled_psychiatrist_stop": "control: its fill ran out: the adherence card asks",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


def _labels(card: dict[str, object]) -> list[str]:
    return [str(s["label"]) for s in card.get("suggestions", [])]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(FIXED))
def test_open_order_by_another_prescriber_may_be_running(name: str) -> None:
    card = _cards(name)[OPTIMISE]
    assert not any(label.startswith(RAISE) for label in _labels(card)), card["summary"]
    assert "raise venlafaxine" not in card["summary"]
    assert "escitalopram may still be running: an active order by " in card["detail"]
    assert "dated 2026-02-01, not ended by " in card["detail"]
    assert "stop of 2026-07-31" in card["detail"]
    assert "Data not read" not in card["detail"]


def test_requester_display_named() -> None:
    detail = _cards("pcp_open_order_psychiatrist_stop")[OPTIMISE]["detail"]
    assert "an active order by Physician Family Medicine, MD dated 2026-02-01" in detail
    assert "not ended by Psychiatry Attending, MD's stop of 2026-07-31" in detail


def test_same_prescriber_stop_keeps_the_raise() -> None:
    card = _cards("same_prescriber_stop")[OPTIMISE]
    assert any(label.startswith(RAISE) for label in _labels(card))
    assert "may still be running" not in card["detail"]


@pytest.mark.parametrize(
    "name", ["pcp_order_fills_stopped_2024", "pcp_renewal_filled_psychiatrist_stop"]
)
def test_fills_say_more(name: str) -> None:
    cards = _cards(name)
    assert "may still be running" not in str(cards)
    assert cards["adherence-review"]["summary"].startswith("escitalopram: no supply since")
