"""Fix orders35 (recheck K30b, s32): a long unfilled order on a chart with a fill feed, and the
words of an order-only failed trial on a chart with none (unfilled_order.py).

1. UNSAFE: an Epic venlafaxine order of 2026-06-01, 28 days x 12 repeats (about a year
   authorised), no venlafaxine dispense while the feed carries lisinopril monthly (s3g; s3e: the
   feed carries only old sertraline fills) read 26 weeks adequate, failed, "2 adequate trials
   failed (sertraline, venlafaxine) ... consider TMS referral": the listing waited for the
   authorised supply's end. With a fill feed such an order is never judged a trial; once the feed
   has had one fill's time plus supply_gap_days with no fill it is listed ("never filled"), as
   the 30 x 5 control s3f, and before that it reads "ordered 2026-06-01, no fill yet".
2. WRONG: on a chart that sends no dispense at all (s3d) the same order counts over its
   authorised supply (session-31 rule) and failed; it is now marked Trial.no_fill_feed inside
   that supply too, its note saying it rests on orders alone (summary wording held back).

Charts: tests/services/orders35_charts/ (the reviewer's, all 19 prefetch keys).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.trial import Trial
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "orders35_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_dec = Evaluator(date(2026, 12, 1))
VEN = "venlafaxine"
LIVE = "s3g_epic_12x28_unfilled_live_lisinopril_feed"
OLD_FEED = "s3e_epic_12x28_order_jun_feed"
CONTROL = "s3f_epic_30x5_order_jun_feed"
NO_FEED = "s3d_epic_12x28_no_feed_at_all"


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _run(evaluator: Evaluator, name: str) -> tuple[str, Trial]:
    cards, record = evaluator.cards_and_record(_chart(name))
    (trial,) = (t for t in record.trials if t.ingredient == VEN)
    return "\n".join(c["summary"] for c in cards), trial


@pytest.mark.parametrize("name", [LIVE, OLD_FEED, CONTROL])
def test_an_unfilled_order_on_a_fill_feed_is_listed_never_failed(name: str) -> None:
    summaries, trial = _run(_dec, name)
    assert trial.feed_unfilled and trial.listed and not trial.failed
    assert "venlafaxine: order of 2026-06-01 still active, never filled or renewed" in summaries
    assert "1 adequate trial failed (sertraline): switch to a non-SSRI mechanism" in summaries
    assert "2 adequate trials failed" not in summaries
    assert "TMS" not in summaries


@pytest.mark.parametrize("name", [LIVE, OLD_FEED])
def test_listed_one_fill_on_before_its_authorised_supply_ends(name: str) -> None:
    _, trial = _run(_dec, name)
    assert any(
        "counted to 2026-06-29 (one fill's supply; the fill feed shows none)" in n
        for n in trial.notes
    )


def test_the_control_counts_to_one_fill_too() -> None:
    # orders36 (recheck K32a finding 4, orders35's doubt 1): 30 x 5 authorised to 2026-11-28,
    # run out by as-of, read to that end (25.7 weeks) while 28 x 12 read one fill: one rule now.
    _, trial = _run(_dec, CONTROL)
    assert any("counted to 2026-07-01 (one fill's supply; the fill feed" in n for n in trial.notes)


@pytest.mark.parametrize(("day", "listed"), [(date(2026, 7, 15), False), (date(2026, 7, 29), True)])
def test_awaiting_its_fill_until_one_fill_and_the_gap(day: date, listed: bool) -> None:
    # 2026-06-01 + 28 days = 2026-06-29; + supply_gap_days (30) = 2026-07-29.
    summaries, trial = _run(Evaluator(day), LIVE)
    assert trial.listed is listed
    assert trial.feed_unfilled and not trial.failed
    assert (trial.awaiting_fill == date(2026, 6, 1)) is not listed
    assert "trials failed (sertraline, venlafaxine)" not in summaries
    assert trial.ongoing  # still in view of the safety checks


def test_no_feed_counts_the_order_and_notes_it_rests_on_orders_alone() -> None:
    # The session-31 rule stands (no feed: counted over its authorised supply); the trial is
    # marked Trial.no_fill_feed and its note says so. Saying it in the summaries is held back
    # (see the branch report: it pushed other points out of many summaries).
    _, trial = _run(_dec, NO_FEED)
    assert trial.failed and trial.no_fill_feed and not trial.feed_unfilled
    assert any(
        "order only, no fill on record: counted over the supply it" in n for n in trial.notes
    )
