"""Session 34 fix dose53 (review K41a findings 1, 2, 5: regressions of fix dose51). The
reviewer's charts in dose53_charts/ (all 19 prefetch keys; sertraline 2026-04-10 -> 2026-07-31,
then the course under test from 2026-05-01, fills of 30 days), as of 2026-12-01.

Before the fix (1ee57f71):
- Findings 1, 2: a fill in the MIDDLE of an order's dose range read as the whole range, top
  included. Venlafaxine 75 mg "1-3 capsules" filled 60 per 30 days (150 mg/day) read 75-225: no
  dose-first step, "augment or switch class", and a one-click TMS referral; "1-4 capsules" read
  75-300, "above the usual maximum of 225". The fills supply no more than 150 mg/day.
- Finding 5: "Take 1 1/2 hrs before bedtime" read as 1.5 tablets (the mixed number joined, then
  read as a bare count after "take"): a venlafaxine 150 order read as 225 mg/day.

THE READING (fill_dose.fill_in_range): the order's range cut at the fill's dose, 75-150 here, not
the fill's 150 alone. dose51's decision stands (a fill sized for a range's top shows what MAY be
taken, so "1-2 tablets" of sertraline 25 filled at 50 stays 25-50 and is judged on its low end);
a fill in the middle is the same evidence, for a smaller range: the patient may take 1 or 2 of
the capsules supplied, never the third. The card names the range ("raise venlafaxine 75-150 ->
225 mg/day first") and the raise to the maximum stays first (CANMAT 2023 para 187).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.trial import Trial
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

OPTIMIZE = "optimize-switch-augment"
TMS = "tms-referral"
ABOVE = "running-dose-above-range-max"
_chart = chart_files.loader(Path(__file__).parent / "dose53_charts")
_at = Evaluator(date(2026, 12, 1))


def _read(name: str) -> tuple[dict[str, Any], Trial]:
    doc = _chart(name)
    chart_files.check_chart(doc)
    cards, record = _at.by_topic_and_record(doc)
    (trial,) = [t for t in record.trials if t.start == date(2026, 5, 1)]
    return cards, trial


def _ranges(trial: Trial) -> list[tuple[float | None, float | None]]:
    return [(s.mg_per_day, s.mg_per_day_high) for s in trial.segments]


def _one_click(card: dict[str, Any]) -> list[str]:
    return [s["label"] for s in card.get("suggestions", []) if s["label"].startswith("Refer")]


@pytest.mark.parametrize(
    ("name", "ranged", "summary"),
    [
        # finding 1: "1-3 capsules" of 75 mg, fills of 150 mg/day
        ("h4_ven75_1to3_mid", (75.0, 150.0), "raise venlafaxine 75-150 → 225 mg/day first"),
        # finding 2: "1-4 capsules" (top 300, above the maximum), fills of 150 mg/day
        ("m1_ven75_1to4_mid", (75.0, 150.0), "raise venlafaxine 75-150 → 225 mg/day first"),
        # fluoxetine 20 mg "1-3 capsules", fills of 40 mg/day
        ("m3_fluox20_1to3_mid", (20.0, 40.0), "raise fluoxetine 20-40 → 60 mg/day first"),
    ],
)
def test_a_fill_in_the_middle_of_a_range_cuts_it_at_the_fill(
    name: str, ranged: tuple[float, float], summary: str
) -> None:
    cards, trial = _read(name)
    # From the order's own day (its first fill is the same 60 per 30 days), never the top.
    assert _ranges(trial) == [ranged], _ranges(trial)
    assert summary in cards[OPTIMIZE]["summary"], cards[OPTIMIZE]["summary"]
    assert ABOVE not in cards
    assert not _one_click(cards[TMS]), cards[TMS].get("suggestions")


def test_a_fill_at_the_top_of_a_range_reads_the_range_as_dose51_did() -> None:
    """ "1-2 capsules" filled at 150 (the top): 75-150, as before; the raise to 225 first."""
    cards, trial = _read("h2_ven75_1to2_top")
    assert _ranges(trial) == [(75.0, 150.0)]
    assert "raise venlafaxine 75-150 → 225 mg/day first" in cards[OPTIMIZE]["summary"]


def test_a_fill_at_the_top_of_a_range_up_to_the_maximum_is_the_range() -> None:
    """ "1-3 capsules" filled at 225 (the top and the maximum): 75-225, no raise left."""
    cards, trial = _read("h5_ven75_1to3_top")
    assert _ranges(trial)[-1] == (75.0, 225.0)
    assert "raise" not in cards[OPTIMIZE]["summary"]


def test_a_fill_at_the_low_end_keeps_its_own_reading() -> None:
    """ "1-3 capsules" filled at 75 (the low end): 75 mg/day from the fills, raise to 150."""
    cards, trial = _read("h3_ven75_1to3_low")
    assert _ranges(trial)[-1] == (75.0, None)
    assert "raise venlafaxine 75 → 150 mg/day first" in cards[OPTIMIZE]["summary"]


@pytest.mark.parametrize("name", ["f_hrs_nodq", "e_hrs_dq"])
def test_a_mixed_number_of_hours_is_no_dose(name: str) -> None:
    """Finding 5: "Take 1 1/2 hrs before bedtime" of venlafaxine 150 (f: sig text only; e: with
    doseQuantity 1) is 150 mg/day from the order's start, as before dose51."""
    cards, trial = _read(name)
    assert _ranges(trial) == [(150.0, None)], _ranges(trial)
    assert "venlafaxine 150 mg/day since 2026-05-01 (30 weeks)" in cards[OPTIMIZE]["detail"]
