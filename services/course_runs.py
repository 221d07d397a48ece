"""The days a course was dosed without a break, as the allergy readings count them
(services/tolerability.py, services/running_reactions.py): one reading, one place.

The trial builder bridges a course over a supply gap shorter than a new trial's gap (sertraline
filled for 30 days in January and 30 days in April, nothing between, read as one course
2025-01-06 – 2025-05-21). The course's span is not dosing: a re-challenge after an allergy entry
is shown tolerated by the time the drug was taken without a break, and each restart after a gap
is a new exposure, as a new course would be (s30 allergy34 item 2 for a running course; s31
allergy36 item 2 for one that ended: two runs of 30 days read as 135 days tolerated). The
stretches that are no time on the drug are the trial's own (Adherence.off_drug: supply gaps,
documented holds, the ward's held stretches; Trial.before_gap: the first supply gap of a course
judged up to it).
"""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import Trial


def _breaks(trial: Trial) -> list[tuple[date, date]]:
    """The stretches of `trial` with no drug taken (first day without, the day taken up again)."""
    found = [(g.start, g.end) for g in trial.adherence.off_drug]
    if trial.before_gap is not None:
        found.append((trial.before_gap.until, trial.before_gap.resumed))
    return sorted(found)


def taken_up(trial: Trial, since: date) -> date:
    """The day from which `trial` has run without a break since `since`: `since` (or the
    course's start, if later), or the day its supply was taken up again after a gap after it
    (Trial.before_gap, Adherence.supply_gaps). Three years without a dispense and 17 days back
    on the drug is a re-challenge of 17 days, as a new course would be (s30 allergy34 item 2:
    a 2023 rash entry, the 2023 request still active, supply again from 2026-11-14)."""
    start = max(since, trial.start)
    resumed = [g.end for g in trial.adherence.supply_gaps if g.end > start]
    if trial.before_gap is not None and trial.before_gap.resumed > start:
        resumed.append(trial.before_gap.resumed)
    return max(resumed, default=start)


def ran_on_since(trial: Trial, since: date) -> int:
    """Days `trial` has run without a break since `since` (`taken_up`; a running course's end is
    the as-of day): the span of the request across a dispensing gap is not dosing."""
    return max((trial.end - taken_up(trial, since)).days, 0)


def broken(trial: Trial) -> bool:
    """Whether the course was bridged over a stretch with no drug taken (`_breaks`): the drug
    taken up again before the course's end. A course whose last supply ran out before its end,
    never taken up again, is not bridged (course31's b4: one 30-day fill of citalopram, the
    order stopped 70 days on); whether those days count is left as it was."""
    return any(trial.start < back < trial.end for _, back in _breaks(trial))


def longest_run(trial: Trial) -> int:
    """The most days `trial` was taken without a break (its span cut at every `_breaks`
    stretch): 30 for 30 days in January and 30 in April bridged as one course, not 135."""
    best, start = 0, trial.start
    for off, back in _breaks(trial):
        if off > start:
            best = max(best, (min(off, trial.end) - start).days)
        start = max(start, back)
    return max(best, (trial.end - start).days)
