"""Fix orders41 (session 34 leftover of orders40 finding 7): a dose LOWERING ordered after the
last fill, no fill at the new dose, as of 2026-12-01.

s01 (orders40's q03): venlafaxine XR 150 mg/day filled monthly to 2026-11-01, 75 mg/day ordered
2026-11-20, no fill at 75. Before: "75 mg/day since 2026-11-20 (1 week)", "raise venlafaxine
75 → 150 mg/day first" with "Raise venlafaxine to 150 mg/day" one click: the lowering presented as
taken and its undoing proposed. Now the record still reads 75 from the order's day (the TCA level
checks rest on it: k19b1, labs32-34 charts unchanged in the golden run), Trial.lower_unfilled
keeps the order, and the cards say "lowered from 150 to 75 mg/day on 2026-11-20, no fill at the
new dose yet", ask which dose is taken before any raise, and the TMS card waits on that.

s02 (left, pinned as it reads): venlafaxine 150 filled 2026-10-01 and 11-01, 37.5 ordered
2026-11-05 unfilled: the weeks at an adequate dose stop at the lowering (3.7 weeks of 37.5
"below the adequate range"), where the fills show 8.7 weeks at 150. Judging the verdict on the
fills counted the trial failed on a PHQ-9 taken after the lowering (a TMS trial "Met" on it), so
it was not done here: the lead decides (report).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.raise_order import LowerOrder
from fhir_mapping.trial import Trial
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "orders41_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_dec = Evaluator(date(2026, 12, 1))
LOWER = "s01_ven150_lower75_awaiting_feed"
SHORT = "s02_ven150_lower37_short_course_feed"


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _text(cards: list[dict[str, str]]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail') or ''}" for c in cards)


def _venlafaxine(name: str) -> tuple[list[dict[str, str]], Trial]:
    cards, record = _dec.cards_and_record(_chart(name))
    (trial,) = [t for t in record.trials if t.ingredient == "venlafaxine"]
    return cards, trial


def test_an_unfilled_lowering_is_said_lowered_not_taken() -> None:
    cards, trial = _venlafaxine(LOWER)
    assert trial.current_mg_per_day == 75  # read from its day, as before (orders40)
    assert trial.lower_unfilled == LowerOrder(date(2026, 11, 20), 75, 150)
    text = _text(cards)
    assert "lowered from 150 to 75 mg/day on 2026-11-20, no fill at the new dose yet" in text
    assert "75 mg/day since 2026-11-20" not in text
    assert "raise venlafaxine 75 → 150" not in text
    assert "Raise venlafaxine to 150" not in text
    assert "confirm the venlafaxine dose taken first" in text
    assert "while the venlafaxine dose is confirmed first" in text


def test_no_raise_is_one_click_over_an_unfilled_lowering() -> None:
    cards, _ = _venlafaxine(LOWER)
    labels = [s["label"] for c in cards for s in c.get("suggestions") or []]
    assert not any(label.startswith("Raise venlafaxine") for label in labels)


def test_left_a_lowering_below_the_minimum_still_ends_the_adequate_weeks() -> None:
    # Pinned as it reads (module docstring): the lead decides the verdict's reading.
    _, trial = _venlafaxine(SHORT)
    assert trial.lower_unfilled == LowerOrder(date(2026, 11, 5), 37.5, 150)
    assert trial.current_mg_per_day == 37.5
    assert trial.adequate_from is None
