"""The present dose of a course as lines name it (trial_dates.dose_since): the day it began, the
run of dose segments at it and the weeks taken at it (from the day an add-on went on alone,
Trial.alone_from: fhir_mapping/went_on_alone.py, role 49, as its weeks are counted).
Apart from trial_dates.py (400 lines) because these read the course's dose segments, not its
dates as recorded."""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import DoseSegment, Trial


def dose_began(trial: Trial) -> date | None:
    """The day the course's present dose began (the first of the last run of dose segments at
    that dose, gaps between them included: a refill gap is no dose change), when later than the
    course's start (the day it went on alone, Trial.alone_from); None when the course has had one
    dose, or none is read."""
    run = present_dose_run(trial)
    if len(trial.segments) < 2 or not run:
        return None  # one dose the whole course: no later day it began
    began = run[0].start
    # An add-on gone on alone is said from that day (Trial.alone_from): a dose from then is its
    # dose since then, not one begun later.
    return began if began > (trial.alone_from or trial.start) else None


def present_dose_run(trial: Trial) -> tuple[DoseSegment, ...]:
    """The last run of dose segments at the present dose, in order (`dose_began` reads its
    first); a supply gap splits a run into segments without changing the dose. Empty when no
    segment is read."""
    segments = trial.segments
    if not segments:
        return ()
    last = segments[-1]
    dose = (last.mg_per_day, last.mg_per_day_high, last.as_needed)
    first = len(segments) - 1
    while first > 0:
        before = segments[first - 1]
        if (before.mg_per_day, before.mg_per_day_high, before.as_needed) != dose:
            break
        first -= 1
    return tuple(segments[first:])


def weeks_at_present_dose(trial: Trial) -> tuple[int, bool]:
    """(whole weeks taken at the present dose, whether a supply gap inside that run is left
    out of them): the days its segments cover, as the adherence card counts time on the drug
    (a gap "not counted as time on the drug"), never the calendar from its first day."""
    run = present_dose_run(trial)
    covered = sum((s.end - s.start).days for s in run)
    spanned = (run[-1].end - run[0].start).days if run else 0
    return covered // 7, covered < spanned
