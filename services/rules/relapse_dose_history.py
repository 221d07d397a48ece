"""What a relapsed course's dose history shows since its remission (relapse.py's card; recheck 11
finding 3): a raise made at the relapse (`Raise`: the optimisation "raise the dose first" would
ask for, already made) or such a raise lowered again (`Lowered`: recheck 2 finding 7, chart L5).

Apart from the card because it reads only the course's DoseSegments and the PHQ-9 totals; what
the card then says of them is relapse_dose_step.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.record import DoseSegment, Score, Trial
from services.dose_raises import latest_raise
from services.rules.relapse_courses import Relapse


@dataclass(frozen=True, slots=True)
class Raise:
    """The running dose, raised after the last PHQ-9 of the remission: the optimisation a
    "raise the dose first" would ask for, already made."""

    segment: DoseSegment  # the first segment at the raised dose
    before: DoseSegment  # the segment it was raised from
    baseline: Score  # the latest PHQ-9 on or before the raise
    latest: Score  # the latest PHQ-9


def _raise(trial: Trial, relapse: Relapse, phq9: tuple[Score, ...]) -> Raise | None:
    """The latest raise of a course's daily dose (services/dose_raises.latest_raise: one reading
    of a raise for every card) when it began after the remission's last PHQ-9 (at or after the
    relapse), else None."""
    found = latest_raise(trial)
    if found is None or found.segment.start <= relapse.remission[-1].date:
        return None
    raised = found.segment
    on_or_before = [s for s in phq9 if s.date <= raised.start]
    return Raise(raised, found.before, on_or_before[-1], relapse.since[-1])


@dataclass(frozen=True, slots=True)
class Lowered:
    """A dose raised after the last PHQ-9 of the remission and then lowered again (recheck 2
    finding 7, chart L5: sertraline 100 -> 150 mg on 2025-01-06, back to 100 mg on 2025-04-07):
    the raise was tried, so "raise the dose first" would ask for it again without asking why it
    was undone."""

    raised: DoseSegment  # the first segment at the raised dose
    before: DoseSegment  # the segment it was raised from
    lowered: DoseSegment  # the first segment of the running (lower) dose
    baseline: Score  # the latest PHQ-9 on or before the raise
    on_it: tuple[Score, ...]  # the PHQ-9 taken on the raised dose (to the day it was lowered)


def _runs(trial: Trial) -> list[DoseSegment]:
    """The first segment of each run of segments at the same daily dose, oldest first (a course
    split by a gap keeps its dose)."""
    runs: list[DoseSegment] = []
    for segment in trial.segments:
        if not runs or (segment.mg_per_day, segment.mg_per_day_high, segment.as_needed) != (
            runs[-1].mg_per_day,
            runs[-1].mg_per_day_high,
            runs[-1].as_needed,
        ):
            runs.append(segment)
    return runs


def _lowered(trial: Trial, relapse: Relapse, phq9: tuple[Score, ...]) -> Lowered | None:
    """The running dose when it is below the one before it and that one was a raise made after
    the remission's last PHQ-9 (at the relapse), else None. A range is read at its ends: lowered
    when the running dose's upper end is below the raised dose's lower end; raised as `_raise`
    reads it. An as-needed or unknown dose is no change the record can show."""
    runs = _runs(trial)
    if len(runs) < 3:
        return None
    before, raised, lowered = runs[-3], runs[-2], runs[-1]
    if any(s.as_needed or s.mg_per_day is None for s in (before, raised, lowered)):
        return None
    high, low, upper = raised.mg_per_day, lowered.mg_per_day_upper, before.mg_per_day_upper
    if high is None or low is None or upper is None or low >= high or high <= upper:
        return None
    if raised.start <= relapse.remission[-1].date:
        return None  # raised during the remission: no change made at the relapse
    on_or_before = [s for s in phq9 if s.date <= raised.start]
    on_it = tuple([s for s in phq9 if raised.start < s.date <= lowered.start])
    return Lowered(raised, before, lowered, on_or_before[-1], on_it)
