"""Fix span74: unfilled_order.py's older never-filled rule (orders33-36) dates the fill feed as
span73 does (fhir_mapping/feed_coverage.py `on_feed`, `covers`).

It read ANY dispense (a lisinopril fill), whatever its date, as a feed showing an `active` order
stating its supply never filled: "never filled or renewed", no trial, TMS withheld. Each chart is
span73's c02 (venlafaxine filled monthly from 2026-07-31; sertraline 100 mg active, 30 days x 3
refills, never dispensed) as of 2026-12-01.
- a01 (FIXED): sertraline ordered 2026-03-01, no fill of anything before 2026-07-31: was "never
  filled or renewed"; now read as on an orders-only chart, counted over its authorised supply, the
  card saying "no fill of it on record; the fills on record start 2026-07-31".
- a02 (FIXED): the same with a lisinopril fill of 2025-11-03 (the feed of another drug alone).
Controls: c01 a fluoxetine fill of 2025-11-03 (a pathway drug's fill before the order: the feed
was running; still "never filled or renewed", no trial); c02 the order of 2026-08-05, after
venlafaxine's fills began (still not counted).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "span74_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_ADHERENCE = "adherence-review"
_OPTIMIZE = "optimize-switch-augment"
_NEVER = "never filled or renewed"

FIXED = {
    "a01_before_feed_active_30x3": "order before the feed's first fill: counted, worded",
    "a02_lisinopril_fill_before_order_30x3": "a lisinopril feed: orders-only, counted",
}

CONTROLS = {
    "c01_pathway_fill_before_order_30x3": "a pathway fill before the order: never filled",
    "c02_order_after_feed_began_30x3": "ordered after the feed began: never filled",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


@pytest.mark.parametrize("name", sorted(FIXED))
def test_order_before_the_pathway_feed_is_read_as_orders_only(name: str) -> None:
    cards = _cards(name)
    text = str(cards)
    assert _NEVER not in text, name
    summary = cards[_ADHERENCE]["summary"]
    assert summary.startswith("sertraline: no supply since 2026-06-29"), (name, summary)
    assert "1 adequate trial failed" in summary, (name, summary)
    assert (
        # a02: "the antidepressant and adjunct fills on record start" (lisinopril's began earlier)
        "fills on record start 2026-07-31" in cards[_ADHERENCE]["detail"]
    ), name


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_order_after_the_pathway_feed_began_is_still_not_counted(name: str) -> None:
    cards = _cards(name)
    assert f"still active, {_NEVER} since" in cards[_ADHERENCE]["detail"], name
    assert "fills on record start" not in str(cards), name
    assert "sertraline" not in cards.get(_OPTIMIZE, {}).get("summary", ""), name
