"""Session 42 review K69a findings 1, 2 and 6 (fix span70: fhir_mapping/feed_unfilled.py).

Each chart is k00_baseline_noSI with its sertraline course replaced; the venlafaxine course beside
it, filled monthly, is a failed adequate trial, so whether sertraline counts decides TMS.
- Finding 1 (UNSAFE): a sertraline order with a stated end (boundsPeriod), never dispensed while
  the chart's fill feed carries venlafaxine and lisinopril, read 12.9-16 weeks adequate, failed,
  TMS "Met": rule 2a (event_spans._span) returned before the never-filled check.
- Finding 2 (UNSAFE): a stopped or completed order stating no end, never filled, had its
  refills bridge the time to the switch: 16 weeks adequate, failed, TMS "Met".
- Finding 6 (WRONG): a never-filled active order joined the failed trial it overlapped
  ("sertraline + venlafaxine together") and took the SSRI class off the switch list.
Controls: the same course filled (s00, x01: two failed trials, TMS offered) and the order on
hold (already "not shown taken"). span71: the same orders on a chart sending orders only (o04,
o11, o15: every dispense taken out, no fill feed) read as before, the order being all the record
has; and a closed order never filled keeps its span for the washout checks (guarded by
test_maoi56's c_phenelzine_order_stopped_10_days_ago_sertraline_sign, which 89545bb9 broke).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "span70_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_TMS = "tms-referral"
_OPTIMIZE = "optimize-switch-augment"

# Never dispensed on a chart with a fill feed: sertraline is no failed trial, no TMS referral.
FIXED: dict[str, str] = {}  # span74: t11_nofill_nobounds_active is before the feed (below)

# span73 (fhir_mapping/feed_coverage.py): these orders (2026-04-10) come before the feed's first
# fill (venlafaxine, 2026-07-31), so the feed does not show it was carrying fills then: each is
# read as on an orders-only chart (o04, o11, o15), counted, its card saying why. span70's
# findings 1 and 2 on a feed running before the order: tests/services/test_span73.py (c01, c05,
# c06).
BEFORE_FEED = {
    "x04_active_bounds90_nofill": "finding 1, before the feed",
    "t15_nofill_active": "finding 1, before the feed",
    "t15_nofill_stopped": "finding 1, before the feed",
    "t15_nofill_completed": "finding 1, before the feed",
    "s11_stopped_no_end": "finding 2, before the feed",
    "t11_nofill_nobounds_stopped": "finding 2, before the feed",
    "t11_nofill_nobounds_completed": "finding 2, before the feed",
    "s13b_completed_same_day_nofill": "finding 2, before the feed",
    "s15_no_fills": "finding 2, before the feed",
    # span74: unfilled_order.py's older rule dates the feed alike (feed_coverage.on_feed).
    "t11_nofill_nobounds_active": "finding 6, before the feed",
}

CONTROLS = {
    "s00_control": "filled monthly: two failed trials, TMS",
    "x01_completed_sameday_bounds_fills": "filled, bounds: two failed trials, TMS",
    "t15_nofill_on-hold": "on hold, never filled: not shown taken, as before",
    "o04_orders_only_active_bounds90": "orders only, no fill feed: counted as before",
    "o11_orders_only_stopped_no_end": "orders only, no fill feed: counted as before",
    "o15_orders_only_stopped_bounds": "orders only, no fill feed: counted as before",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, BEFORE_FEED, CONTROLS)


@pytest.mark.parametrize("name", sorted(BEFORE_FEED))
def test_order_before_the_feed_reads_as_orders_only(name: str) -> None:
    cards = _cards(name)
    assert "sertraline" in cards[_TMS]["summary"], (name, cards[_TMS]["summary"])
    assert (
        "sertraline: no fill of it on record; the fills on record start 2026-07-31: confirm it "
        "was taken"
    ) in cards[_TMS]["detail"], name
    # span74: t11 active gives the TMS card in place of the optimise card.
    assert "together" not in cards.get(_OPTIMIZE, {}).get("detail", ""), name


# span74: FIXED's never-filled-on-the-feed reading is test_span73's c01/c05/c06 (feed running).
@pytest.mark.parametrize("name", ["s00_control", "x01_completed_sameday_bounds_fills"])
def test_filled_order_counts(name: str) -> None:
    cards = _cards(name)
    assert cards[_TMS]["summary"].startswith("2 adequate trials failed (sertraline, venlafaxine)")


def test_on_hold_unchanged() -> None:
    cards = _cards("t15_nofill_on-hold")
    assert _TMS not in cards
    assert "Not shown taken:** sertraline" in cards[_OPTIMIZE]["detail"]


@pytest.mark.parametrize(
    "name",
    ["o04_orders_only_active_bounds90", "o11_orders_only_stopped_no_end", "o15_orders_only_stopped_bounds"],
)  # fmt: skip
def test_orders_only_chart_reads_as_before(name: str) -> None:
    # No fill feed at all: nothing shows a fill was expected, so the order still counts.
    cards = _cards(name)
    assert "sertraline" in cards[_TMS]["summary"], (name, cards[_TMS]["summary"])
    assert "Not shown taken" not in cards[_OPTIMIZE]["detail"], name
