"""Session 39 fix data66: never-silent leftovers.

- Item 1: an order whose Medication is contained but not referenced (FHIR dom-3: medicationReference
  missing, "#med2" for a contained "med1", or "Medication/<id>" not sent): its drug stays unread,
  and the gap line now names the pathway drug the unreferenced Medication holds ("a contained
  Medication, not referenced by it, names sertraline"). Valid R4 (referenced "#med1"), a concept
  beside an unreferenced Medication, and a display naming the drug are read as before.
- Item 2: item 9 sent as asked-declined / not-asked: the optimise and TMS cards said "could not be
  read ... check it in the chart"; they now say declined / not asked, as the suicide-risk card does.
- Item 3 (gaps.subject from DataGap.feed_kind): covered by the existing pregnancy-feed tests.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "data66_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
OPT, TMS = "optimize-switch-augment", chart_files.TMS

UNREFERENCED = {
    "order_contained_no_reference": "fixed",
    "order_contained_wrong_hash": "fixed",
    "order_contained_as_external": "fixed",
}
READ = {
    "order_contained_referenced": "control",
    "order_concept_and_contained": "control",
    "order_contained_display": "control",
}
ABSENT = {"i9_declined": "declined", "i9_not_asked": "not asked"}
UNREAD_CONTROL = {"i9_no_value": "control"}

_NAMED = "a contained Medication, not referenced by it, names sertraline"


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, UNREFERENCED, READ, ABSENT, UNREAD_CONTROL)


def _text(cards: dict[str, dict[str, str]]) -> str:
    return "\n".join(c["summary"] + "\n" + c.get("detail", "") for c in cards.values())


@pytest.mark.parametrize("name", sorted(UNREFERENCED))
def test_unreferenced_contained_drug_is_named_unread(name: str) -> None:
    cards = _cards(name)
    text = _text(cards)
    assert _NAMED in text, name
    assert "medication records could not be read" in text
    # Never read as the order's drug: one failed trial (venlafaxine), no TMS card.
    assert "1 adequate trial failed (venlafaxine)" in cards[OPT]["summary"]


@pytest.mark.parametrize("name", sorted(READ))
def test_valid_or_readable_orders_read_as_before(name: str) -> None:
    cards = _cards(name)
    # span73 (fhir_mapping/feed_coverage.py): these stopped sertraline orders, never filled,
    # come before the feed's first fill (venlafaxine's, 2026-07-31): counted as on an
    # orders-only chart, the drug read from the contained Medication, as before span71.
    assert "2 adequate trials failed (sertraline, venlafaxine)" in cards[OPT]["summary"]
    assert "Not shown taken:** sertraline" not in cards[OPT]["detail"]
    assert _NAMED not in _text(cards)
    assert chart_files.RISK not in cards, name


@pytest.mark.parametrize("name", sorted(ABSENT))
def test_absent_item9_said_so_on_optimise_and_tms(name: str) -> None:
    said = ABSENT[name]
    cards = _cards(name)
    assert cards[chart_files.RISK]["indicator"] == "warning"
    assert f"ask PHQ-9 item 9 ({said}) first" in cards[OPT]["summary"]
    assert f"PHQ-9 item 9 {said}:" in cards[OPT]["detail"]
    assert "could not be read: check it in the chart" not in cards[OPT]["detail"]
    assert "ask item 9 first" in cards[TMS]["summary"]
    assert f"item 9 was {said}" in cards[TMS]["detail"]
    assert "self-harm answer on record could not be read" not in cards[TMS]["detail"]


def test_unreadable_item9_keeps_its_wording() -> None:
    cards = _cards("i9_no_value")
    assert "could not be read: check it in the chart" in cards[OPT]["detail"]
    assert "self-harm answer on record could not be read" in cards[TMS]["detail"]
