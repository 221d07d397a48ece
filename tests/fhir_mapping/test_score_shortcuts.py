"""The first-sight shortcuts of scores.py (issue 14) read exactly as the readings they replace.

- Merged totals: one walk keeps, for each merged group, the total of the first source in
  (day, instrument, source) order, as the sorted walk it replaces did, whatever order the chart
  lists them in.
- Trial windows: only the scores of a window's last (first) date can be its max (min) by
  score_order; the bisection must pick the very score max / min pick over the whole window,
  the first among equals included.
- A trial's scores are set as dataclasses.replace would set them.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from datetime import date, timedelta

from fhir_mapping.record import (
    Score,
    SourceRef,
    Trial,
)
from fhir_mapping.scores import PHQ9ByDate, read_scores, score_order
from fhir_mapping.trial_scores import with_scores as _with_scores
from tests.fhir_mapping.fhir_resources import assert_valid, phq9_panel, phq9_total
from tests.fhir_mapping.test_scores import _trial as trial_between

AS_OF = date(2025, 1, 1)
D = date(2024, 6, 3)


def test_a_total_recorded_three_times_is_sourced_by_its_first_source_in_any_order() -> None:
    resources = [
        phq9_panel("z", D, total=18, item9_score=2),
        phq9_total("a", D, 18),
        phq9_total("m", D, 18),
        phq9_total("other-day", D + timedelta(days=1), 18),
    ]
    assert_valid(resources)
    expected = (
        Score("PHQ-9", 18, D, 2, SourceRef("Observation", "a")),
        Score("PHQ-9", 18, D + timedelta(days=1), None, SourceRef("Observation", "other-day")),
    )
    for order in itertools.permutations(resources):
        assert read_scores(list(order), as_of=AS_OF) == expected


def _scores(rng: random.Random) -> list[Score]:
    """PHQ-9s crowded on few days, with equal values, items and even sources (ties)."""
    first = date(2024, 1, 1)
    return [
        Score(
            "PHQ-9",
            rng.choice([5, 12, 12, 20]),
            first + timedelta(days=rng.randrange(0, 40, 3)),
            rng.choice([None, 0, 1]),
            rng.choice([None, SourceRef("Observation", rng.choice("abc"))]),
        )
        for _ in range(rng.randrange(0, 30))
    ]


def test_window_by_bisection_picks_the_score_max_and_min_pick() -> None:
    rng = random.Random(14)
    checked = 0
    for _ in range(300):
        phq9 = PHQ9ByDate(_scores(rng))
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(-5, 45))
        end = start + timedelta(days=rng.randrange(-3, 30))
        window = phq9.between(start, end)
        latest = phq9.latest(start, end)
        assert latest is (max(window, key=score_order) if window else None)
        after = phq9.after(start, end)
        earliest = phq9.earliest_after(start, end)
        assert earliest is (min(after, key=score_order) if after else None)
        checked += len(window) > 1 and len({s.date for s in window}) < len(window)
    assert checked > 50  # windows with several scores of one date were compared


def _trial() -> Trial:
    """A trial with sources and notes, which setting its scores must keep."""
    return dataclasses.replace(
        trial_between(date(2024, 3, 1), date(2024, 6, 1)),
        sources=(SourceRef("MedicationRequest", "m"),),
        notes=("a note",),
    )


def test_scores_are_set_on_a_trial_as_dataclasses_replace_sets_them() -> None:
    trial = _trial()
    baseline = Score("PHQ-9", 20, date(2024, 2, 20), None, SourceRef("Observation", "b"))
    later = Score("PHQ-9", 9, date(2024, 5, 20), 0, SourceRef("Observation", "t"))
    for before, during in ((baseline, later), (None, later), (baseline, None)):
        assert _with_scores(trial, before, during) == dataclasses.replace(
            trial, baseline=before, on_treatment=during
        )
    assert _with_scores(trial, None, None) is trial  # nothing to set: the trial as it was
