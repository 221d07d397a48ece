"""Continuous runs at an adequate dose: what `adequacy.judge` counts as weeks at an adequate dose.

An adequate trial is a therapeutic dose HELD for >= 6 weeks (REFERENCE.md 0.2 / 1.x; the MTI's
"duration in weeks on a dose >= the minimum"). Weeks added up across a cut below the minimum are
not such a trial (review K69a finding 3: sertraline 100 mg 4 weeks, 25 mg 6 weeks, 100 mg 2 weeks
was "6 weeks at an adequate dose", a failed trial, TMS "Met"). So the weeks that count are the
longest run of days at >= the minimum, and a run is broken by:
- a known daily dose below the minimum, or one taken only as needed (no daily dose at all);
- a stretch with no supply of at least MappingPolicy.supply_gap_days between two segments: the
  project's one fill-gap policy (review 6 finding 1: such a stretch is not time on the drug; a
  shorter one is a late refill, time still on the drug, and the run goes on, uncounted). Not on
  a dispense feed read only in part (`gap_days` None: refills_unread.py PARTIAL): the stretch
  may be only the fills not read (adeq71: "interrupted by 8.6 weeks with no supply" beside "refill
  data incomplete"); uncounted, it breaks nothing. Such a course is never counted as failed on
  the runs joined: to stay >= 6 weeks apart and short of a run each, a 30-day stretch leaves
  the PDC below 80 %, so adherence is "not known (refill data incomplete)".
A dose raise between two adequate doses (50 -> 100 mg) is one run. Time at an unknown dose does
not count and does not break a run (it may have been adequate: judge's DOSE_UNKNOWN says so).
Days of a taper to a stop (`cuts`) neither count nor break: the run ends with the course.

When the runs together reach the minimum weeks but none alone does, the course is not an adequate
trial and not a failed one: `interrupted_note` words it "possibly adequate (4 + 2 weeks at >= 50
mg/day, interrupted by 6 weeks at 25 mg/day): confirm", the safer reading before a switch or a
TMS referral counts it (the clinician may know the cut was brief or a recording error).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from fhir_mapping.trial_parts import DoseSegment, TaperSpan


@dataclass(frozen=True, slots=True)
class Runs:
    """The runs of one course: adequate days of each run in date order, and what broke them
    (a below-minimum dose's mg, or None for a stretch with no supply, with its days)."""

    days: tuple[int, ...]
    breaks: tuple[tuple[float | None, int], ...]

    @property
    def longest(self) -> int:
        return max(self.days, default=0)

    @property
    def total(self) -> int:
        return sum(self.days)


def _counted(segment: DoseSegment, cuts: Sequence[TaperSpan]) -> int:
    days = (segment.end - segment.start).days
    return days - sum(span.days_of(segment.start, segment.end) for span in cuts)


def _walk(
    segments: Sequence[DoseSegment],
    minimum: float,
    cuts: Sequence[TaperSpan],
    gap_days: int | None,
) -> list[tuple[DoseSegment, int, bool]]:
    """(segment, its counted days, whether a new run starts before it) of each adequate segment."""
    walked: list[tuple[DoseSegment, int, bool]] = []
    broken = True
    last_end: date | None = None
    for segment in segments:
        days = _counted(segment, cuts)
        if (
            gap_days is not None
            and last_end is not None
            and (segment.start - last_end).days >= gap_days
        ):
            broken = True
        last_end = max(last_end, segment.end) if last_end is not None else segment.end
        if days <= 0:
            continue
        mg = segment.mg_per_day
        if mg is None and not segment.as_needed:
            continue  # unknown dose: neither counted nor breaking
        if mg is None or segment.as_needed or mg < minimum:
            broken = True
            continue
        walked.append((segment, days, broken))
        broken = False
    return walked


def adequate_runs(
    segments: Sequence[DoseSegment],
    minimum: float,
    cuts: Sequence[TaperSpan],
    gap_days: int | None,
) -> Runs:
    """The course's runs at an adequate dose (module docstring)."""
    runs: list[int] = []
    breaks: list[tuple[float | None, int]] = []
    walked = _walk(segments, minimum, cuts, gap_days)
    for _, days, new_run in walked:
        if new_run or not runs:
            runs.append(days)
        else:
            runs[-1] += days
    if len(runs) > 1:
        first, last = walked[0][0].start, walked[-1][0].end
        for segment in segments:
            if segment.end <= first or segment.start >= last:
                continue
            mg = segment.mg_per_day
            days = _counted(segment, cuts)
            if days > 0 and mg is not None and (segment.as_needed or mg < minimum):
                breaks.append((mg, days))
        for before, after in zip(segments, segments[1:], strict=False):
            gap = (after.start - before.end).days
            if gap_days is None or gap < gap_days:
                continue
            if first <= before.end and after.start <= last:
                breaks.append((None, gap))
    return Runs(tuple(runs), tuple(breaks))


def run_reached(
    segments: Sequence[DoseSegment],
    minimum: float,
    needed: int,
    gap_days: int | None,
    cuts: Sequence[TaperSpan] = (),
) -> date | None:
    """The day a run at an adequate dose reached `needed` days (adequacy.adequate_from), else
    None."""
    counted = 0
    for segment, days, new_run in _walk(segments, minimum, cuts, gap_days):
        if new_run:
            counted = 0
        if counted + days >= needed:
            return segment.start + timedelta(days=needed - counted)
        counted += days
    return None


# The words of the note `interrupted_note` writes; `interrupted_in` finds it again.
_OPEN = " possibly adequate ("
_CLOSE = "): confirm"


def _weeks(days: int) -> str:
    return f"{round(days / 7, 1):g}"


def interrupted_note(ingredient: str, runs: Runs, minimum: float) -> str:
    """ "sertraline possibly adequate (4 + 2 weeks at >= 50 mg/day, interrupted by 6 weeks at
    25 mg/day): confirm": a course whose runs reach the minimum weeks only added up."""
    parts = " + ".join(_weeks(d) for d in runs.days)
    broke = ", ".join(
        f"{_weeks(days)} weeks with no supply"
        if mg is None
        else f"{_weeks(days)} weeks at {mg:g} mg/day"
        for mg, days in runs.breaks
    )
    by = f", interrupted by {broke}" if broke else ", interrupted"
    return f"{ingredient}{_OPEN}{parts} weeks at >= {minimum:g} mg/day{by}{_CLOSE}"


def interrupted_in(ingredient: str, notes: Sequence[str]) -> str | None:
    """ "possibly adequate (...): confirm" when `interrupted_note` is among a course's notes,
    else None (services/trial_verdict_text.py words the too-short reason with it)."""
    prefix = f"{ingredient}{_OPEN}"
    for note in notes:
        if note.startswith(prefix) and note.endswith(_CLOSE):
            return note[len(ingredient) + 1 :]
    return None
