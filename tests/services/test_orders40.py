"""Fix orders40 (review K41a findings 6, 7): an order changing the dose that no fill at the new
dose shows taken, as of 2026-12-01.

6. Venlafaxine 150 mg/day filled monthly; 225 mg/day ordered 2026-11-20; the next fill, on
   2026-11-25, at the OLD strength (150 mg x 30 / 30 days). Read "Venlafaxine raised to 225 mg/day
   on 2026-11-25, PHQ-9 worse since ... side effects of the higher dose", as if the fill were the
   raise: 225 claimed taken on no evidence. Now the dose taken stays 150 (the fills show it), the
   order is Trial.raise_unfilled with that fill named, and the card says the fill since the order
   covers 150. Control: the same fill at 225 (the raise is taken from it).
7. (Not changed: recorded here.) A LOWER dose ordered after the last fill (75 mg/day ordered
   2026-11-20, the last fill 150 on 2026-11-01) reads 75 from the order's own day, and the card
   "raise venlafaxine 75 -> 150 first". Reading it as unfilled (the raise rule) lost the TCA-level
   order checks' warnings of a raise back toward a toxic dose after a lowering (k19b1, labs32-34
   charts): a lowering is taken from the tablets at hand at once. These charts pin the reading.

Charts: tests/services/orders40_charts/ (K41a's scratch charts, built from orders39's p01; all 19
prefetch keys). orders39's charts and tests are the raise-after-the-last-fill controls.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.raise_order import RaiseOrder
from fhir_mapping.trial import Trial
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "orders40_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_dec = Evaluator(date(2026, 12, 1))
OLD_FILL = "q01_ven150_raise225_old_strength_fill"
NEW_FILL = "q02_ven150_raise225_new_strength_fill"
LOWER = "q03_ven150_lower75_awaiting_feed"
LOWER_NO_FEED = "q04_ven150_lower75_orders_only"
LOWER_FILLED = "q05_ven150_lower75_filled_feed"
RAISED = "Venlafaxine raised to 225 mg/day on"


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _text(cards: list[dict[str, str]]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail') or ''}" for c in cards)


def _venlafaxine(name: str) -> tuple[list[dict[str, str]], Trial]:
    cards, record = _dec.cards_and_record(_chart(name))
    (trial,) = [t for t in record.trials if t.ingredient == "venlafaxine"]
    return cards, trial


def test_a_fill_at_the_old_strength_after_a_raise_is_no_fill_of_it() -> None:
    cards, trial = _venlafaxine(OLD_FILL)
    assert trial.current_mg_per_day == 150
    assert trial.raise_unfilled == RaiseOrder(date(2026, 11, 20), 225, date(2026, 11, 25))
    text = _text(cards)
    assert RAISED not in text
    assert "side effects of the higher dose" not in text
    assert "venlafaxine 225 mg/day ordered 2026-11-20, filled at the old dose since" in text
    assert (
        "A raise to 225 mg/day was ordered 2026-11-20; the fill since it (2026-11-25) covers "
        "150 mg/day, none at 225 yet: the dose taken stays 150 mg/day" in text
    )
    assert "Raise venlafaxine to 225" not in text


def test_a_fill_at_the_new_strength_is_the_raise() -> None:
    cards, trial = _venlafaxine(NEW_FILL)
    assert trial.current_mg_per_day == 225
    assert trial.raise_unfilled is None
    assert any(c["summary"].startswith(f"{RAISED} 2026-11-25") for c in cards)


def test_a_lower_dose_is_read_from_its_own_day_fill_or_none() -> None:
    # first_fill.dose_dated: a lowering keeps its day (fewer weeks claimed at the higher dose).
    _, trial = _venlafaxine(LOWER)
    assert trial.current_mg_per_day == 75
    assert trial.raise_unfilled is None


def test_a_lower_dose_filled_reads_as_before() -> None:
    cards, trial = _venlafaxine(LOWER_FILLED)
    assert trial.current_mg_per_day == 75
    assert trial.raise_unfilled is None
    assert "75 mg/day since 2026-11-20" in _text(cards)


def test_with_no_fill_feed_the_lower_order_reads_as_today() -> None:
    _, trial = _venlafaxine(LOWER_NO_FEED)
    assert trial.current_mg_per_day == 75
    assert trial.raise_unfilled is None
