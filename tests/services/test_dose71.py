"""Session 39 fix dose71 (review K62a finding 3, a dose70 regression; K61b minor finding 3).
Charts in dose71_charts/ copied from dose70's a1 chart (all 19 prefetch keys; a stopped earlier
drug, then sertraline from 2026-06-01 with the order's boundsPeriod 2026-06-01..2027-06-01 on
each numbered line), only the two lines' text changed, as of 2026-12-01.

Before the fix (522662cc):
- a1-a3, a5: a titration written in words ("Week 1: ... 50 mg every morning" + "Week 2 onward:
  ... 100 mg at bedtime"; "Days 1-7:" / "Day 8 on:"; "for week 1" + "Increase to ... starting
  week 2"; the same lines unnumbered) was added up as one day's doses: 150 mg/day, "raise
  sertraline 150 -> 200" for a patient on 100. Only "then" or "for N days" marked steps; now
  the step words of data/dose_step_words.csv do (dose_steps._numbered_one_day, _text_steps).
- a4 (K61b minor 3): "50 mg every morning for 14 days" + "100 mg at bedtime" were steps, but the
  shared period was read as step 1's end: 50 mg all year, "raise 50 -> 100" for a patient on
  100. Steps sharing the order's period now last the days their text says
  (medication_dates._shared_spans): 50 for 14 days, then 100.
Controls: the split dose with no step words (150), "then" with no length given (stays 50: step 1
has no end, the lower dose, the safer error), and "30 days supply" (no course day: 150).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.trial import Trial
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

OPTIMIZE = "optimize-switch-augment"
_FOLDER = Path(__file__).parent / "dose71_charts"
_chart = chart_files.loader(_FOLDER)
_at = Evaluator(date(2026, 12, 1))

FIXED = {
    "a1_sert_week1_50am_week2_onward_100hs": "K62a finding 3",
    "a2_sert_days1_7_50am_day8_on_100hs": "K62a finding 3",
    "a3_sert_50am_week1_increase_to_100hs_week2": "K62a finding 3",
    "a4_sert_50am_14_days_then_100hs_numbered": "K61b minor finding 3",
    "a5_sert_week1_week2_onward_unnumbered": "K62a finding 3, unnumbered lines",
}
CONTROLS = {
    "c1_sert_50am_100hs_split_dose": "split dose, no step words: one day's doses",
    "c2_sert_50am_then_100hs_no_length": "'then' with no length: step 1 goes on, the lower dose",
    "c3_sert_50am_100hs_30_day_supply": "'30 days supply' names no course day",
}

_WEEK_STEPS = [(date(2026, 6, 1), 50.0, None), (date(2026, 6, 8), 100.0, None)]
_ON_100 = "raise sertraline 100 → 150 mg/day first"


def _read(name: str) -> tuple[str, Trial]:
    cards, record = _at.by_topic_and_record(_chart(name))
    (trial,) = [t for t in record.trials if t.ingredient == "sertraline"]
    return str(cards[OPTIMIZE]["summary"]), trial


def _doses(trial: Trial) -> list[tuple[date, float | None, float | None]]:
    return [(s.start, s.mg_per_day, s.mg_per_day_high) for s in trial.segments]


@pytest.mark.parametrize(
    ("name", "doses", "summary"),
    [
        ("a1_sert_week1_50am_week2_onward_100hs", _WEEK_STEPS, _ON_100),
        ("a2_sert_days1_7_50am_day8_on_100hs", _WEEK_STEPS, _ON_100),
        ("a3_sert_50am_week1_increase_to_100hs_week2", _WEEK_STEPS, _ON_100),
        ("a5_sert_week1_week2_onward_unnumbered", _WEEK_STEPS, _ON_100),
        (
            "a4_sert_50am_14_days_then_100hs_numbered",
            [(date(2026, 6, 1), 50.0, None), (date(2026, 6, 15), 100.0, None)],
            _ON_100,
        ),
        # Controls, as before the fix.
        (
            "c1_sert_50am_100hs_split_dose",
            [(date(2026, 6, 1), 150.0, None)],
            "raise sertraline 150 → 200 mg/day first",
        ),
        (
            "c2_sert_50am_then_100hs_no_length",
            [(date(2026, 6, 1), 50.0, None)],
            "raise sertraline 50 → 100 mg/day first",
        ),
        (
            "c3_sert_50am_100hs_30_day_supply",
            [(date(2026, 6, 1), 150.0, None)],
            "raise sertraline 150 → 200 mg/day first",
        ),
    ],
)
def test_a_titration_in_words_is_steps_not_one_days_dose(
    name: str, doses: list[tuple[date, float, float | None]], summary: str
) -> None:
    said, trial = _read(name)
    assert _doses(trial) == doses, _doses(trial)
    assert summary in said, said


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)
