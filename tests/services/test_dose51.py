"""Session 34 fix dose51 (review K38b findings 1 and 2): sig arithmetic. The reviewer's charts
in dose51_charts/ (all 19 prefetch keys, built from neg37_charts/e_Hx_SI_Plan_none.json; trial 1
2026-04-10 -> 2026-07-31 is the shape under test, trial 2 venlafaxine XR ongoing), as of
2026-12-01; the D* charts are order-sign requests with a draft.

Before the fix (8eaa012f):
- Finding 1 (UNSAFE): a mixed number in a free-text sig was read as its fraction. "Take 1 1/2
  tablets by mouth 2 times daily" of bupropion SR 200 mg (600 mg/day) read as 200 mg/day: no
  SR-ceiling (seizure risk) card at order-sign; "one and one-half capsules" of sertraline 200 mg
  and "1 1/2 tablets twice daily" of 100 mg (300 mg/day) no ceiling card; a chart's "1 1/2 tabs"
  of sertraline 100 read as 50 mg/day.
- Finding 2 (WRONG): "1-2 tablets daily" of sertraline 25 mg, fills of 60 per 30 days: the first
  fill read as the order's range (25-50), the later ones as 50 mg/day, so the trial was
  "adequate, failed" and counted toward TMS though the record shows 25-50 mg/day throughout.
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

ABOVE = "order-dose-above-range"
TMS = "tms-referral"
_chart = chart_files.loader(Path(__file__).parent / "dose51_charts")
_at = Evaluator(date(2026, 12, 1))


def _read(name: str) -> tuple[dict[str, Any], tuple[Trial, ...]]:
    doc = _chart(name)
    chart_files.check_chart(doc)
    cards, record = _at.by_topic_and_record(doc)
    return cards, record.trials


def _trial(trials: tuple[Trial, ...], ingredient: str) -> Trial:
    (trial,) = [t for t in trials if t.ingredient == ingredient]
    return trial


# --- finding 1: a mixed number is its value ----------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "D5_draft_bupSR200_1half_bid",  # the finding: "1 1/2 tablets ... 2 times daily"
        "D5b_draft_bupSR200_1p5_bid",  # control: "1.5 tablets"
        "D5c_draft_bupSR200_1half_bid_dq",  # control: structured doseQuantity 1.5
    ],
)
def test_bupropion_sr_one_and_a_half_twice_daily_is_above_the_sr_maximum(name: str) -> None:
    cards, _ = _read(name)
    card = cards[ABOVE]
    assert card["summary"].startswith("Bupropion SR 600 mg/day is above the SR maximum of 400"), (
        card["summary"]
    )


@pytest.mark.parametrize(
    "name", ["D8_draft_sert200_1half_text", "D8b_draft_sert100_1half_bid_text"]
)
def test_sertraline_one_and_a_half_in_words_or_digits_is_300(name: str) -> None:
    cards, _ = _read(name)
    assert cards[ABOVE]["summary"].startswith("Sertraline 300 mg/day is above the usual maximum")


def test_a_chart_order_of_1_1_2_tabs_of_100_is_150_from_its_start() -> None:
    _, trials = _read("07_split_text_only")
    doses = [(s.start.isoformat(), s.mg_per_day) for s in _trial(trials, "sertraline").segments]
    assert doses == [("2026-04-10", 50.0), ("2026-04-24", 150.0)], doses


def test_a_sig_only_order_of_1_1_2_tablets_is_150() -> None:
    _, trials = _read("31_one_and_half_no_fills")
    assert _trial(trials, "sertraline").segments[0].mg_per_day == 150.0


@pytest.mark.parametrize("name", ["06_split_half_then_1p5", "16_epic_total_mg"])
def test_controls_read_as_before(name: str) -> None:
    """doseQuantity 0.5 then 1.5 (50, then 150); Epic "Take 2 tablets (100 mg total)" (100)."""
    _, trials = _read(name)
    doses = [s.mg_per_day for s in _trial(trials, "sertraline").segments]
    assert doses == ([50.0, 150.0] if name.startswith("06") else [100.0]), doses


# --- finding 2: a fill inside an order's range is the range ------------------------------------


def test_fills_of_a_1_to_2_tablet_range_read_as_the_range_not_its_top() -> None:
    cards, trials = _read("08_range_1to2_25mg")
    trial = _trial(trials, "sertraline")
    ranges = [(s.mg_per_day, s.mg_per_day_high) for s in trial.segments]
    assert ranges == [(25.0, 50.0)], ranges
    assert trial.weeks_at_adequate_dose == 0.0
    assert trial.verdict.value != "adequate"
    assert TMS not in cards  # one adequate failed trial left (venlafaxine): no TMS
    assert "sertraline" not in cards["optimize-switch-augment"]["summary"]


def test_a_range_whose_low_end_is_adequate_stays_adequate() -> None:
    """sertraline 50 mg "1 to 2 tablets", fills of 60 per 30 days: 50-100 throughout (no
    "100 mg/day" from the second fill on), adequate on its low end."""
    cards, trials = _read("09_range_text_only_50mg")
    trial = _trial(trials, "sertraline")
    ranges = [(s.mg_per_day, s.mg_per_day_high) for s in trial.segments]
    assert ranges == [(50.0, 100.0)], ranges
    assert trial.verdict.value == "adequate"
    assert TMS in cards
