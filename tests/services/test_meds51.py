"""Session 38 meds51 (review K59b finding 5): an order's status missing read otherwise than
`unknown`.

The TMS fixture with no fills: every sertraline MedicationRequest with its status left out
counted sertraline as a failed adequate trial ("2 adequate trials failed", TMS referral offered)
under a gap saying "read as unknown", while the same orders sending `unknown` were "not shown
taken ... not counted as a trial" (1 failed, no TMS card). Now one rule
(fhir_mapping/medication_statuses.status_read): a status missing or not in the R4 value set
("Active") is read as `unknown` by every reader, the safer reading for the TMS decision (an
order alone shows no drug taken, REFERENCE §0 item 3), and the gap says the order was not counted.
A phenelzine statement with no status beside escitalopram read as a course stopped 2025-05-31
("12 days of washout left", an inadequate trial); now "may be running", as with `unknown`.

The charts with no status are kept as the EHR sends them (not valid R4B: status is required);
the folder check validates them with the status put back.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "meds51_charts"
_load = chart_files.loader(_FOLDER)
_at = Evaluator(date(2026, 12, 1)).by_topic
_statement_at = Evaluator(date(2025, 6, 2)).by_topic


# Not chart_files.topic_reader: it checks the chart first, and a chart with no status is no
# valid R4B (test_every_chart_is_named_and_valid checks each with the status put back).
def _cards(name: str) -> dict[str, Any]:
    return _at(_load(name))


def _statement_cards(name: str) -> dict[str, Any]:
    return _statement_at(_load(name))


_TMS = "tms-referral"
_OSA = "optimize-switch-augment"

# Failed before: "2 adequate trials failed (sertraline, venlafaxine)", TMS offered.
NOT_COUNTED = {
    "ser_orders_status_missing": "fixed",
    "ser_orders_status_capitalised_Active": "fixed",
}
# Controls: `unknown` as before (not counted); a status that states the order stays counted.
CONTROLS_NOT_COUNTED = {"ser_orders_status_unknown": "control"}
COUNTED = {
    "ser_orders_status_active": "control",
    "ser_orders_status_completed": "control",
    "ser_orders_status_stopped": "control",
}
STATEMENTS = {
    "phenelzine_statement_status_missing": "fixed",
    "phenelzine_statement_status_unknown": "control",
}


def _text(cards: dict[str, Any]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards.values())


@pytest.mark.parametrize("name", sorted(NOT_COUNTED | CONTROLS_NOT_COUNTED))
def test_an_order_of_unread_status_is_no_trial_and_no_tms(name: str) -> None:
    cards = _cards(name)
    assert _TMS not in cards, cards[_TMS]["summary"]
    assert cards[_OSA]["summary"].startswith("1 adequate trial failed (venlafaxine)")
    text = _text(cards)
    assert "**Not shown taken:** sertraline 200 mg/day: ordered or planned 2026-04-10" in text
    assert "not counted as a trial until then" in text


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("ser_orders_status_missing", "status missing"),
        ("ser_orders_status_capitalised_Active", "status 'Active'"),
    ],
)
def test_the_gap_says_the_order_was_not_counted(name: str, said: str) -> None:
    text = _text(_cards(name))
    assert (
        "medication record whose status is missing or not recognised, read as unknown: "
        "an order so read is not counted as a trial on its own" in text
    )
    assert f"the order of 2026-04-10 ({said})" in text


@pytest.mark.parametrize("name", sorted(COUNTED))
def test_an_order_of_stated_status_still_counts(name: str) -> None:
    cards = _cards(name)
    assert cards[_OSA]["summary"].startswith("2 adequate trials failed (sertraline, venlafaxine)")
    assert _TMS in cards
    assert "read as unknown" not in _text(cards)


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_a_statement_of_unread_status_may_be_running(name: str) -> None:
    cards = _statement_cards(name)
    card = cards["maoi-combination"]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Phenelzine (MAOI) may be running with escitalopram")
    assert "adherence-review" not in cards  # no phenelzine trial "duration not recorded"
    said = "status missing, read as unknown" if "missing" in name else "status unknown"
    assert f"the statement, {said}, recorded 2025-05-26" in _text(cards)


def test_every_chart_is_named_and_valid() -> None:
    names = {p.stem for p in _FOLDER.glob("*.json")}
    tables = (NOT_COUNTED, CONTROLS_NOT_COUNTED, COUNTED, STATEMENTS)
    assert names == set().union(*tables)
    for name in sorted(names):
        doc = copy.deepcopy(_load(name))
        for resource in chart_files.prefetch_resources(doc):
            if resource["resourceType"].startswith("Medication"):
                resource.setdefault("status", "unknown")  # valid but for the status left out
        chart_files.check_chart(doc)
