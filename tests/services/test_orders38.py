"""Fix orders38 (recheck K35b findings 6 and 8: orders37's follow-ups), as of 2026-12-01.

6. Venlafaxine 225 mg/day filled monthly 2025-08 to 2026-01 (an adequate trial, failed: PHQ-9
   19), re-ordered 2026-10-15 with no fill while the feed carries lisinopril monthly: the optimise
   card read "Venlafaxine ordered 2026-10-15, no fill yet: check it was collected ... no switch or
   augmentation until then" in place of "2 adequate trials failed (sertraline, venlafaxine):
   augment ... or switch class" (orders37's awaiting line held the pathway's step). The awaiting
   line now holds back only the dose advice for its own order: a re-order of a drug that failed
   an adequate trial holds nothing, the failed-trials advice leads, and the line names the failed
   trial (re-ordering it is worth reconsidering). Inside the titration grace, where
   courses.not_yet_judged held any new course, the same.
8. A tramadol draft beside a venlafaxine 37.5 mg order awaiting its first fill: the summary said
   "(prescribed, no fill yet)", the detail "venlafaxine 37.5 mg/day, running since 2026-10-15";
   now "venlafaxine 37.5 mg/day, ordered 2026-10-15, no fill yet".

Controls: orders37's charts (tests/services/test_orders37.py): an order of a drug with no failed
trial (the switch already chosen) still holds the switch and augment options.

Charts: tests/services/orders38_charts/ (K35b's probes, built from orders37's Epic charts, all 19
prefetch keys). p03 (a 150 -> 225 mg/day raise ordered 2026-11-20, no fill at 225) is finding 9,
fixed by orders39.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "orders38_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_dec = Evaluator(date(2026, 12, 1))
REORDERED = "p01_ven_failed_reordered_awaiting_feed"
TRAMADOL = "p02_ven37_awaiting_feed.order-sign"
RAISE = "p03_ven150_raise225_awaiting_feed"
FAILED_STEP = (
    "2 adequate trials failed (sertraline, venlafaxine): augment (aripiprazole or "
    "brexpiprazole) or switch class"
)


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _text(cards: list[dict[str, str]]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail') or ''}" for c in cards)


def test_a_reorder_of_a_failed_drug_keeps_the_failed_trials_advice() -> None:
    cards, record = _dec.cards_and_record(_chart(REORDERED))
    now = [t for t in record.trials if t.ingredient == "venlafaxine" and t.ongoing]
    assert [t.awaiting_fill for t in now] == [date(2026, 10, 15)]
    summaries = [c["summary"] for c in cards]
    assert FAILED_STEP in summaries
    (card,) = [c for c in cards if c["summary"] == FAILED_STEP]
    detail = card["detail"]
    assert (
        "**Awaiting its first fill:** venlafaxine 225 mg/day ordered 2026-10-15, no fill on the "
        "chart's fill feed in 47 days: check it was collected" in detail
    )
    assert (
        "Venlafaxine failed an adequate trial before (225 mg/day, 2025-08-01 to 2026-01-31): "
        "re-ordering a drug that failed an adequate trial is worth reconsidering." in detail
    )
    # The awaiting line holds back its own dose advice only, never the pathway's step.
    assert "no switch or augmentation until then" not in detail
    assert "**Augment:**" in detail and "**Switch:**" in detail
    assert card.get("suggestions")  # the adjuncts offered as before orders37
    assert not any(s.startswith("Venlafaxine ordered 2026-10-15") for s in summaries)
    assert "Raise venlafaxine" not in _text(cards)


def test_inside_the_grace_a_reorder_of_a_failed_drug_holds_nothing_either() -> None:
    # 2026-10-22: a week after the re-order, where any new course waits (not_yet_judged).
    cards = Evaluator(date(2026, 10, 22)).cards(_chart(REORDERED))
    (card,) = [c for c in cards if c["summary"].startswith(FAILED_STEP.split(":")[0])]
    assert (
        "**Re-ordered:** venlafaxine 225 mg/day ordered 2026-10-15, no fill yet. Venlafaxine "
        "failed an adequate trial before (225 mg/day, 2025-08-01 to 2026-01-31): re-ordering a "
        "drug that failed an adequate trial is worth reconsidering." in card["detail"]
    )
    assert "check it was collected" not in card["detail"]  # a week: too early to ask
    assert "Not judged yet" not in card["detail"]


def test_the_tramadol_card_says_the_awaiting_order_is_ordered_not_running() -> None:
    cards = _dec.cards(_chart(TRAMADOL), "order-sign")
    (card,) = [c for c in cards if c["summary"].startswith("Tramadol ordered with venlafaxine")]
    assert "(prescribed, no fill yet)" in card["summary"]
    assert "venlafaxine 37.5 mg/day, ordered 2026-10-15, no fill yet." in card["detail"]
    assert "running" not in card["detail"]


def test_a_raise_awaiting_its_fill_is_not_read_taken() -> None:
    # Finding 9, fixed by orders39 (tests/services/test_orders39.py): the 225 mg/day raise has
    # no fill, so the dose taken stays 150 and the card says the raise awaits its first fill.
    cards = _dec.cards(_chart(RAISE))
    assert not any(c["summary"].startswith("Venlafaxine raised to 225 mg/day") for c in cards)
    assert any(
        "venlafaxine 225 mg/day ordered 2026-11-20, no fill yet" in c["summary"] for c in cards
    )
