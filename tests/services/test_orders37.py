"""Fix orders37 (orders leftovers of session 32): an Epic order awaiting its first fill on a chart
with a live fill feed (unfilled_order.py: Trial.awaiting_fill, Trial.feed_unfilled).

1. A venlafaxine 37.5 mg order of 2026-10-15 (30 days x 3), no venlafaxine dispense while the
   feed carries lisinopril monthly, read on 2026-12-01 (47 days: past the titration grace, inside
   one fill's time + supply_gap_days) "Venlafaxine 37.5 mg/day is below the adequate range
   (75-225): raise the dose before judging response ... for 6.7 weeks so far": dose advice on a
   course no fill shows taken. The card now says it awaits its first fill (check it was
   collected), no raise (optimize/awaiting_fill.py). At 225 mg/day the same order read "switch
   to a non-SSRI mechanism or augment (aripiprazole ...)" beside it; now the same awaiting line.
2. Such an order is neither an adequate nor a failed trial and feeds no count (a PHQ-9 of 20
   after six weeks of its dose): the failed count, Maudsley's and the TMS card stay at
   sertraline alone, at patient-view and at order-sign (a desvenlafaxine draft: no "its class
   failed" card; the duplicate card says the venlafaxine order has no fill yet, not "is
   running"). Controls: the same charts with no dispense at all (no fill feed) read the order as
   before (orders33: counted over the supply it authorises, dose advice, a failed trial).

Charts: tests/services/orders37_charts/ (built from orders36's Epic charts, all 19 prefetch keys),
as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.trial import Trial
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "orders37_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_dec = Evaluator(date(2026, 12, 1))
VEN37 = "p01_ven37_awaiting_first_fill_feed"
VEN225 = "p02_ven225_awaiting_first_fill_feed"
VEN37_NO_FEED = "p03_ven37_order_no_feed"
VEN225_NO_FEED = "p04_ven225_order_no_feed"
AWAITING = (
    "**Awaiting its first fill:** venlafaxine {dose} mg/day ordered 2026-10-15, no fill on the "
    "chart's fill feed in 47 days: check it was collected"
)


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _run(name: str) -> tuple[list[dict[str, str]], Trial]:
    cards, record = _dec.cards_and_record(_chart(name))
    (trial,) = (t for t in record.trials if t.ingredient == "venlafaxine")
    return cards, trial


def _text(cards: list[dict[str, str]]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail') or ''}" for c in cards)


@pytest.mark.parametrize(("name", "dose"), [(VEN37, "37.5"), (VEN225, "225")])
def test_an_order_awaiting_its_first_fill_gets_no_dose_advice(name: str, dose: str) -> None:
    cards, trial = _run(name)
    assert trial.awaiting_fill == date(2026, 10, 15) and trial.feed_unfilled
    assert not trial.listed and not trial.failed
    text = _text(cards)
    summaries = [c["summary"] for c in cards]
    assert (
        "Venlafaxine ordered 2026-10-15, no fill yet: check it was collected before judging "
        "its dose" in summaries
    )
    assert AWAITING.format(dose=dose) in text
    assert "below the adequate range" not in text
    assert "raise the dose" not in text
    assert "Raise venlafaxine" not in text
    assert "so far" not in text
    assert "not measured" not in text
    # The ordered venlafaxine is the step already taken: no switch or adjunct proposed on it.
    assert not any("switch to a non-SSRI" in s for s in summaries)
    assert not any(s.get("suggestions") for s in cards if "Venlafaxine ordered" in s["summary"])


def test_the_awaiting_order_is_no_trial_in_any_count() -> None:
    # PHQ-9 20 on 2026-11-28, six weeks after the 225 mg/day order: a course read taken would
    # be a failed trial (the no-feed control below is), a second one for TMS.
    cards, trial = _run(VEN225)
    assert not trial.failed
    text = _text(cards)
    assert "Failed antidepressants 1 (1 failed" in text
    assert "2 adequate trials failed" not in text
    assert "TMS" not in "\n".join(c["summary"] for c in cards)


def test_at_order_sign_the_awaiting_order_is_not_a_failed_class() -> None:
    cards = _dec.cards(_chart(f"{VEN225}.order-sign"), "order-sign")
    summaries = [c["summary"] for c in cards]
    assert summaries == [
        "Desvenlafaxine ordered while venlafaxine (SNRI) is ordered (2026-10-15, no fill yet): "
        "two SNRIs; plan the switch"
    ]
    assert "venlafaxine 225 mg/day since 2026-10-15 (ordered, no fill yet)" in _text(cards)
    assert "failed" not in _text(cards)


def test_no_feed_controls_keep_the_order_only_reading() -> None:
    # No dispense at all: the order is all the record has, counted over its authorised supply
    # (orders33/35), its dose advised and its failure counted as before.
    cards, trial = _run(VEN37_NO_FEED)
    assert trial.no_fill_feed and not trial.feed_unfilled and trial.awaiting_fill is None
    assert (
        "Venlafaxine 37.5 mg/day is below the adequate range (75-225): raise the dose before "
        "judging response" in [c["summary"] for c in cards]
    )
    cards, trial = _run(VEN225_NO_FEED)
    assert trial.failed and trial.no_fill_feed and not trial.feed_unfilled
    assert "Awaiting" not in _text(cards)
    signed = _dec.cards(_chart(f"{VEN225_NO_FEED}.order-sign"), "order-sign")
    assert [c["summary"] for c in signed] == [
        "Two SNRIs (venlafaxine still running); desvenlafaxine: its class (SNRI) failed an "
        "adequate trial"
    ]


@pytest.mark.parametrize(
    ("day", "summary"),
    [
        # Inside the titration grace: left to run as any new course, no card of it (as before).
        (date(2026, 10, 22), None),
        # One fill (2026-11-14) + supply_gap_days on: listed "never filled" (orders35/36).
        (date(2026, 12, 20), "venlafaxine: order of 2026-10-15 still active, never filled"),
    ],
)
def test_before_and_after_the_awaiting_window(day: date, summary: str | None) -> None:
    cards, _ = Evaluator(day).cards_and_record(_chart(VEN37))
    text = _text(cards)
    assert "Awaiting its first fill" not in text
    assert "raise the dose" not in text
    assert "so far" not in text
    if summary is not None:
        assert any(c["summary"].startswith(summary) for c in cards)
