"""Session 42 note, left open 1 (fix span73: fhir_mapping/feed_coverage.py).

span70 read an order never dispensed as "not shown taken" (no trial) whenever the chart's feed
carries any pathway drug's fill. Real feeds are partial (Epic's dispense history starts when the
pharmacy joined; Surescripts covers about 1-2 years): an order written before the feed's first
fill was dropped as a trial. Each chart is span70's k00-based chart (venlafaxine filled monthly
from 2026-07-31, a failed adequate trial), with a sertraline order never dispensed.
- b01 (FIXED): sertraline stopped, 2026-01-05 to 2026-06-20, before the feed's first fill: was
  "not shown taken", 1 trial, no TMS; now counted as an orders-only chart counts it, the TMS card
  saying why ("no fill of it on record; the fills on record start 2026-07-31").
Controls: the feed running before the order (an earlier fluoxetine fill, c01/c05/c06: span70's
findings 1 and 2 still no trial; c02: unfilled_order.py's older rule, still listed), orders only
(c03: counted, "Adherence not verified"), a statin-only feed (c04: counted, as before).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "span73_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_TMS = "tms-referral"
_OPTIMIZE = "optimize-switch-augment"
_WORDS = "sertraline: no fill of it on record; the fills on record start 2026-07-31: confirm it was taken"

FIXED = {"b01_before_feed_stopped_bounds": "order before the feed's first fill: counted, worded"}

CONTROLS = {
    "c01_after_feed_stopped_bounds": "feed running before the order: not shown taken (span70)",
    "c02_after_feed_active_supply": "feed running: active order listed never filled (orders35)",
    "c03_orders_only_stopped_bounds": "orders only: counted, adherence not verified",
    "c04_statin_feed_stopped_bounds": "statin-only feed: counted, as before",
    "c05_after_feed_x04_active_bounds90": "span70 finding 1 with the feed running: no trial",
    "c06_after_feed_s11_stopped_no_end": "span70 finding 2 with the feed running: no trial",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


def test_order_before_feed_counts_and_says_why() -> None:
    cards = _cards("b01_before_feed_stopped_bounds")
    summary = cards[_TMS]["summary"]
    assert summary.startswith("2 adequate trials failed (sertraline, venlafaxine)"), summary
    assert _WORDS in cards[_TMS]["detail"]
    assert "Not shown taken" not in cards[_OPTIMIZE]["detail"]


@pytest.mark.parametrize(
    "name",
    [
        "c01_after_feed_stopped_bounds",
        "c02_after_feed_active_supply",
        "c05_after_feed_x04_active_bounds90",
        "c06_after_feed_s11_stopped_no_end",
    ],
)
def test_order_after_feed_began_is_no_trial(name: str) -> None:
    cards = _cards(name)
    assert _TMS not in cards, (name, cards[_TMS]["summary"])
    assert cards[_OPTIMIZE]["summary"].startswith("1 adequate trial failed (venlafaxine)"), name


def test_orders_only_chart_unchanged() -> None:
    cards = _cards("c03_orders_only_stopped_bounds")
    assert cards[_TMS]["summary"].startswith("2 adequate trials failed (sertraline, venlafaxine)")
    detail = cards[_TMS]["detail"]
    assert "Adherence not verified by dispensing data for sertraline, venlafaxine" in detail
    assert "fills on record start" not in detail


def test_statin_only_feed_counts_the_order() -> None:
    # A statin's fills say nothing of an antidepressant's (f3e13878): sertraline counts.
    cards = _cards("c04_statin_feed_stopped_bounds")
    # span74: venlafaxine's unfilled orders beside a statin feed count too (orders-only).
    assert cards[_OPTIMIZE]["summary"].startswith("2 adequate trials failed (sertraline, venlaf")
    assert "fills on record start" not in str(cards)
