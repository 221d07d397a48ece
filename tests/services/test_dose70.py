"""Session 39 fix dose70 (review K61b findings 1 and 3, UNSAFE). Charts in dose70_charts/ built
with the reviewer's builder (all 19 prefetch keys; a stopped earlier drug, then the order under
test from 2026-06-01), as of 2026-12-01.

Before the fix (1a7fca03):
- Finding 1: Epic copies the order's boundsPeriod (2026-06-01..2027-06-01) onto each numbered
  line of a split dose, and its end was read as the end of sequence 1: sertraline 50 mg every
  morning + 100 mg at bedtime read as steps, "raise sertraline 50 -> 100 mg/day" one click for a
  patient on 150; 25 + 25 read "25 mg/day is below the adequate range". The same period on every
  line now ends none of them, numbered or not (dose_steps._shared_period).
- Finding 3: numbered scheduled + as-needed lines read as steps: "75 mg daily" then "additional
  75 mg as needed" read "ordered as needed (not a daily dose: not a trial)", the as-needed line
  first read 75 (the PRN dropped), trazodone "50 mg at bedtime" + "50 mg as needed" read 50 mg
  as needed. An as-needed line beside scheduled ones is part of one day's doses (scheduled ..
  scheduled + as needed), as unnumbered lines were read (dose_steps._numbered_one_day).
Controls: the split dose with no end, real steps with their own boundsPeriod end, unnumbered
scheduled + as-needed lines, and two as-needed lines alone.
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
_FOLDER = Path(__file__).parent / "dose70_charts"
_chart = chart_files.loader(_FOLDER)
_at = Evaluator(date(2026, 12, 1))

FIXED = {
    "a1_sert_50am_100hs_shared_period_end": "finding 1",
    "a2_sert_25am_25hs_shared_period_end": "finding 1",
    "b1_ven_75_daily_then_75_prn": "finding 3",
    "b2_ven_75_prn_line_first": "finding 3",
    "b3_trazodone_50hs_plus_50_prn": "finding 3",
}
CONTROLS = {
    "c1_sert_50am_100hs_no_end": "split dose, no end: one day's doses",
    "c2_sert_steps_own_period_end": "steps: sequence 1 ends on its own date",
    "c3_sert_am_hs_steps_own_period_end": "steps at their own times of day, own dates",
    "c5_ven_prn_unnumbered": "unnumbered scheduled + as needed",
    "c6_ven_prn_only_two_lines": "as needed only: not a trial",
}


def _read(name: str, ingredient: str) -> tuple[str, Trial]:
    cards, record = _at.by_topic_and_record(_chart(name))
    (trial,) = [t for t in record.trials if t.ingredient == ingredient]
    return str(cards[OPTIMIZE]["summary"]), trial


def _doses(trial: Trial) -> list[tuple[date, float | None, float | None]]:
    return [(s.start, s.mg_per_day, s.mg_per_day_high) for s in trial.segments]


@pytest.mark.parametrize(
    ("name", "ingredient", "doses", "summary"),
    [
        (
            "a1_sert_50am_100hs_shared_period_end",
            "sertraline",
            [(date(2026, 6, 1), 150.0, None)],
            "raise sertraline 150 → 200 mg/day first",
        ),
        (
            "a2_sert_25am_25hs_shared_period_end",
            "sertraline",
            [(date(2026, 6, 1), 50.0, None)],
            "raise sertraline 50 → 100 mg/day first",
        ),
        (
            "b1_ven_75_daily_then_75_prn",
            "venlafaxine",
            [(date(2026, 6, 1), 75.0, 150.0)],
            "raise venlafaxine 75-150 → 225 mg/day first",
        ),
        (
            "b2_ven_75_prn_line_first",
            "venlafaxine",
            [(date(2026, 6, 1), 75.0, 150.0)],
            "raise venlafaxine 75-150 → 225 mg/day first",
        ),
        # Controls, as before the fix.
        (
            "c1_sert_50am_100hs_no_end",
            "sertraline",
            [(date(2026, 6, 1), 150.0, None)],
            "raise sertraline 150 → 200 mg/day first",
        ),
        (
            "c2_sert_steps_own_period_end",
            "sertraline",
            [(date(2026, 6, 1), 50.0, None), (date(2026, 6, 15), 100.0, None)],
            "raise sertraline 100 → 150 mg/day first",
        ),
        (
            "c3_sert_am_hs_steps_own_period_end",
            "sertraline",
            [(date(2026, 6, 1), 50.0, None), (date(2026, 6, 15), 100.0, None)],
            "raise sertraline 100 → 150 mg/day first",
        ),
        (
            "c5_ven_prn_unnumbered",
            "venlafaxine",
            [(date(2026, 6, 1), 75.0, 150.0)],
            "raise venlafaxine 75-150 → 225 mg/day first",
        ),
    ],
)
def test_the_day_dose_of_numbered_lines(
    name: str, ingredient: str, doses: list[tuple[date, float, float | None]], summary: str
) -> None:
    said, trial = _read(name, ingredient)
    assert _doses(trial) == doses, _doses(trial)
    assert summary in said, said
    assert "as needed" not in said, said


def test_a_scheduled_trazodone_dose_with_an_as_needed_extra_is_daily() -> None:
    """Trazodone 50 mg at bedtime + 50 mg as needed: 50-100 mg/day taken daily, not "as needed"."""
    _said, trial = _read("b3_trazodone_50hs_plus_50_prn", "trazodone")
    assert _doses(trial) == [(date(2026, 6, 1), 50.0, 100.0)], _doses(trial)
    assert not any(s.as_needed for s in trial.segments)


def test_two_as_needed_lines_alone_are_still_no_trial() -> None:
    said, trial = _read("c6_ven_prn_only_two_lines", "venlafaxine")
    assert "ordered as needed (not a daily dose: not a trial)" in said, said
    assert all(s.as_needed for s in trial.segments)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)
