"""Fix orders34 (recheck K29a, s31): holes in the unfilled-order rule (unfilled_order.py).

1. UNSAFE: a late fill made an unfilled order a long adequate trial. `authorised_until` gave up
   once any dispense of the drug was dated on or after the order, while `first_fill_in_window`
   took only a fill inside the order's window, so `_span` ran the order to as-of uncapped: an
   order of 2025-01-01 with 30 days authorised and one 30-day fill of 2025-11-01 read
   2025-01-01 -> 2025-12-01, 47.7 weeks adequate, "1 adequate trial failed" (p1c); orders of
   2023 filled in 2025 read 135 weeks (p1, p1b: the fill names the order); beside a filled
   sertraline course, "2 adequate trials failed" (p10; control p10b has no late fill). The
   supply cap now yields only to a fill in the window: a fill outside it (no renewal between)
   starts the course, the order running from it as a filled order does, the time before it not
   counted (as first_fill_after_silence reads an order stating no supply). Reading the order as
   its own stretch before the fill instead ended the active order there, and a sumatriptan
   order with monthly fills outside its window no longer read "running" beside a phenelzine
   draft (s23_leftovers: the critical card went).
2. UNSAFE: a renewal after a ~20-week gap with no supply authorised counted the gap: order A of
   2024-10-01 (90 days), renewal B of 2025-05-20, no dispense, read 36.0 weeks adequate on
   2025-06-10 (p2b; with B filled, p2). An earlier order's span now ends at its authorised end
   when a later order or fill of the drug follows, and the gap is judged as a filled course's
   supply gap (order_gaps.py): refill gap, adherence poor, not adequate, as the filled control
   p3 (PDC 42 %).
3. WRONG: two orders a fill feed shows never filled read "1 adequate trial failed, venlafaxine
   to confirm" (p8, a PHQ-9 inside the renewal's supply): such a course is listed, never judged
   a trial (Trial.feed_unfilled), as the single-order case p9 already read.
4. MINOR: p8's note said "not confirmed since 2025-05-20" of order A (the renewal's day): it says
   "renewed 2025-05-20, no fill".

Charts: tests/services/orders34_charts/ (the reviewer's, all 19 prefetch keys).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.record import AdherenceStatus, Verdict
from fhir_mapping.trial import Trial
from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "orders34_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_dec = Evaluator(date(2026, 12, 1))
_jun = Evaluator(date(2025, 6, 10))
_oct = Evaluator(date(2025, 10, 1))
VEN = "venlafaxine"


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _run(evaluator: Evaluator, name: str) -> tuple[list[Doc], tuple[Trial, ...]]:
    cards, record = evaluator.cards_and_record(_chart(name))
    return cards, tuple(t for t in record.trials if t.ingredient == VEN)


def _summaries(cards: list[Doc]) -> str:
    return "\n".join(c["summary"] for c in cards)


# --- 1: a fill outside the order's window -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fill"),
    [
        ("p1c_order2025_fill_10mo_later", date(2025, 11, 1)),
        ("p1_order2023_fill2025", date(2025, 9, 1)),
        ("p1b_order2023_fill2025_auth", date(2025, 9, 1)),
    ],
)
def test_a_late_fill_starts_the_course_the_time_before_it_not_counted(
    name: str, fill: date
) -> None:
    cards, (trial,) = _run(_dec, name)
    assert trial.start == fill  # the order runs from its first fill (first_fill_after_silence)
    assert trial.weeks_at_adequate_dose < 5  # one 30-day fill (47.7 and 135.0 before)
    assert trial.verdict is not Verdict.ADEQUATE and not trial.failed
    assert "adequate trial failed" not in _summaries(cards)
    assert any(f"counted from its first fill, {fill.isoformat()}" in n for n in trial.notes)


def test_beside_a_failed_sertraline_only_sertraline_counts() -> None:
    name = "p10_tms_sertraline_filled_venlafaxine_order_filled_10mo_later"
    cards, record = _dec.cards_and_record(_chart(name))
    assert [t.ingredient for t in record.trials if t.failed] == ["sertraline"]
    assert "2 adequate trials failed" not in _summaries(cards)


def test_control_without_the_late_fill_unchanged() -> None:
    cards, record = _dec.cards_and_record(_chart("p10b_control_no_late_fill"))
    assert [t.ingredient for t in record.trials if t.failed] == ["sertraline"]
    assert "order of 2025-07-01 still active, never filled or renewed" in _summaries(cards)


# --- 2: a renewal after a gap with no supply authorised ---------------------------------------


@pytest.mark.parametrize("name", ["p2b_same_no_feed", "p2_unfilled_order_then_filled_renewal"])
def test_the_gap_before_a_renewal_is_a_refill_gap(name: str) -> None:
    cards, (trial,) = _run(_jun, name)
    assert trial.verdict is not Verdict.ADEQUATE and not trial.failed
    assert trial.adherence.status is AdherenceStatus.POOR
    gaps = [(g.start, g.end) for g in trial.adherence.refill_gaps]
    assert gaps == [(date(2024, 12, 30), date(2025, 5, 20))]
    assert trial.weeks_at_adequate_dose < 17  # 36.0 before: the gap counted
    assert "adequate trial failed" not in _summaries(cards)
    # span74: p2b's gap is between orders, no fill of it on record (p2's renewal was filled).
    gaps_words = "gaps between its orders" if name == "p2b_same_no_feed" else "refill gaps"
    assert f"venlafaxine {gaps_words}" in _summaries(cards)


def test_filled_control_reads_as_before() -> None:
    cards, (trial,) = _run(_jun, "p3_filled_control_20wk_gap")
    assert trial.adherence.status is AdherenceStatus.POOR
    assert "venlafaxine PDC 42 %" in _summaries(cards)


# --- 3, 4: two orders a fill feed shows never filled ------------------------------------------


def test_orders_never_filled_with_a_feed_are_listed_never_failed() -> None:
    cards, (trial,) = _run(_oct, "p8_two_orders_unfilled_lisinopril_feed")
    # span74: a lisinopril feed says nothing of venlafaxine: read as p2b (orders-only), no failure.
    assert not trial.feed_unfilled and not trial.failed
    text = _summaries(cards)
    assert "adequate trial failed" not in text
    assert "venlafaxine: no supply since 2025-08-18" in text and "refill gaps" not in text


def test_the_renewed_order_says_renewed_not_unconfirmed_since_the_renewal() -> None:
    _, (trial,) = _run(_oct, "p8_two_orders_unfilled_lisinopril_feed")
    first = [n for n in trial.notes if "order of 2024-10-01" in n]
    assert first and "renewed 2025-05-20, no fill on record;" in first[0]  # span74: orders-only
    assert not any(
        "not confirmed since 2025-05-20; counted to 2024-12-30" in n for n in trial.notes
    )


def test_single_never_filled_order_control() -> None:
    cards, _ = _run(_dec, "p9_ro2_escitalopram_never_filled_feed")
    text = _summaries(cards)
    assert "escitalopram: order of 2025-05-05 still active, never filled or renewed" in text
