"""Weeks of a taper are no weeks at an adequate dose (session 26 LA item 2).

A drug being stopped is stepped down first: venlafaxine 150 mg/day for 4 weeks, then 75 for two
weeks and 37.5 for one, then stopped. Every week at or above the minimum counted toward the
6 weeks of an adequate trial (adequacy.py), 75 mg/day included (the bottom of the CANMAT
range), so 4 weeks at 150 and 2 weeks of the taper read "adequate", a failed trial, one toward
TMS. The taper is the way off the drug once it has been judged, not time it was tried at: its
weeks count toward the course's length, never toward its weeks at an adequate dose.

`taper_cut` finds the days the course's doses step off the drug:
- a record of the course takes the drug down to a stop (a taper sig: Trial.taper_spans,
  "then 1/2 tab daily for 1 week then stop"): from the first step down on or after that record
  (the record says the steps lead off the drug), up to the day a later record went on at a
  steady dose (TaperSpan.end; s26 RK1 finding 2: "75 mg for 14 days, then stop" and then 75 mg
  filled for 7 months cut those 7 months), else to the course's end, however long the steps
  last. A taper running to the end must lie in the course's trailing run of doses that never
  rise again (a dose raised after it is the drug tried again); or
- the course has ended, or its records state its end within `policy.cross_taper_weeks`
  (Trial.ends_soon), and its trailing run steps down to the bottom of the adequate range or
  below (the drug's minimum adequate dose) no more than `cross_taper_weeks` before that end: from
  that step to the end. A taper to a stop usually runs over 2 to 4 weeks (the NHS Specialist
  Pharmacy Service figure the cross-taper window rests on, README `mapping.cross_taper_weeks`):
  a lower dose kept longer than that before the end is a dose the drug was taken at.

Why the step to the minimum, not the first step down of the run (s26 RK1 finding 7): a step
down that stays above the minimum is still a treating dose (venlafaxine 300 reduced to 150 for
nausea for 3 weeks, then 75 for a week, then stopped: the 3 weeks at 150 count); the step to the
bottom of the range is where the dose leaves the range the drug is judged in, and a course that
comes down to it and stops within the window is being taken off (venlafaxine 150, then 75 for 2
weeks, then 37.5 for 1, then stopped: the 2 weeks at 75 stay uncounted, session 26 LA item 2).
Not the last step below the minimum: that would count the 75 mg weeks of that taper, and its 4
weeks at 150 would read as an adequate, failed trial. A sig's taper is cut from its first step
down whatever the dose: the record says the steps lead off the drug.

A course still running with no taper sig and no stated end is not cut: a lower dose that goes
on is the dose now tried. Why the safer reading: an over-counted trial calls a drug failed and
moves the patient on (switch, augment, TMS) on weeks the record does not show at a treating
dose; an under-counted one only keeps the trial "too short" until the record shows more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from fhir_mapping.record import DoseSegment, TaperSpan


def _trailing_run(segments: Sequence[DoseSegment]) -> Sequence[DoseSegment]:
    """The last segments whose daily doses are known and never rise, up to the last."""
    first = len(segments) - 1
    while first > 0:
        earlier, later = segments[first - 1], segments[first]
        if (
            earlier.as_needed
            or later.as_needed
            or earlier.mg_per_day is None
            or later.mg_per_day is None
            or earlier.mg_per_day < later.mg_per_day
        ):
            break
        first -= 1
    return segments[first:]


def _downs(segments: Sequence[DoseSegment]) -> list[DoseSegment]:
    """The segments that start a step down from the one before (both doses known)."""
    return [
        later
        for earlier, later in zip(segments, segments[1:], strict=False)
        if later.mg_per_day is not None
        and earlier.mg_per_day is not None
        and later.mg_per_day < earlier.mg_per_day
    ]


def _merged(spans: list[TaperSpan]) -> tuple[TaperSpan, ...]:
    """`spans` in order, overlapping ones joined (no day counted twice)."""
    out: list[TaperSpan] = []
    for span in sorted(spans, key=lambda s: s.start):
        last = out[-1] if out else None
        if last is not None and (last.end is None or span.start <= last.end):
            end = None if last.end is None or span.end is None else max(last.end, span.end)
            out[-1] = TaperSpan(last.start, end)
        else:
            out.append(span)
    return tuple(out)


def taper_cut(
    segments: Sequence[DoseSegment],
    minimum: float | None,
    tapers: Sequence[TaperSpan],
    ends_on: date | None,
    weeks: float,
) -> tuple[TaperSpan, ...]:
    """The days from which the course's doses are steps off the drug (module docstring), ()
    when none are. `minimum`: the drug's minimum adequate dose (None: not known, then any step
    down of the trailing run); `tapers`: the spans records said were a taper to a stop
    (Trial.taper_spans); `ends_on`: the course's end when it has ended or its records state one
    soon (Trial.ends_soon), None for a course running on; `weeks`: policy.cross_taper_weeks."""
    if len(segments) < 2:
        return ()
    run = _trailing_run(segments)
    cuts: list[TaperSpan] = []
    for taper in tapers:
        if taper.end is None and taper.start < run[0].start:
            continue  # a dose raised after the taper record: the drug tried again
        steps = _downs(segments if taper.end is not None else run)
        first = next((s.start for s in steps if taper.covers(s.start)), None)
        if first is not None:
            cuts.append(TaperSpan(first, taper.end))
    if ends_on is not None:
        to_bottom = [
            s.start
            for s in _downs(run)
            if minimum is None or (s.mg_per_day is not None and s.mg_per_day <= minimum)
        ]
        if to_bottom and ends_on - to_bottom[0] <= timedelta(weeks=weeks):
            cuts.append(TaperSpan(to_bottom[0]))
    return _merged(cuts)


def course_cut(
    segments: Sequence[DoseSegment],
    minimum: float | None,
    tapers: Sequence[TaperSpan],
    ongoing: bool,
    ends_soon: date | None,
    weeks: float,
) -> tuple[TaperSpan, ...]:
    """`taper_cut` of a course: the end it is judged against is its last segment's end once it
    has ended, else its stated end soon (Trial.ends_soon), else none. The one cut the course's
    weeks at an adequate dose leave out (adequacy.judge) and the timeline draws as taper steps
    (Trial.taper_cut, Trial.tapered_throughout; s26 TT item 1: a bar the card did not count read
    "adequate dose")."""
    ends_on = (segments[-1].end if segments else None) if not ongoing else ends_soon
    return taper_cut(segments, minimum, tapers, ends_on, weeks)


# The words of the note `taper_note` writes; `taper_cut_in` finds it again (one place for both).
_NOTE = " stepped down to a stop from "
_NOTE_END = " of the taper not counted as weeks at an adequate dose"


def taper_note(ingredient: str, cut: date, weeks: str) -> str:
    """The course's note when its taper's weeks at an adequate dose were not counted: "venlafaxine
    stepped down to a stop from 2026-03-30: 2 weeks of the taper not counted as weeks at an
    adequate dose"."""
    return f"{ingredient}{_NOTE}{cut.isoformat()}: {weeks} weeks{_NOTE_END}"


def taper_cut_in(ingredient: str, notes: Sequence[str]) -> date | None:
    """The day `taper_note` named in a course's notes, None when none did: the cards say the
    weeks were not counted from it (services/trial_verdict_text.py)."""
    prefix = f"{ingredient}{_NOTE}"
    for note in notes:
        if note.startswith(prefix) and note.endswith(_NOTE_END):
            return date.fromisoformat(note[len(prefix) : len(prefix) + 10])
    return None


def not_counting_taper(
    ingredient: str, notes: Sequence[str], day: Callable[[date], str] = date.isoformat
) -> str | None:
    """ "not counting the taper from 2026-04-06": what the cards' weeks and the packet's weeks
    cell say of the taper `taper_note` left out (s26 TT item 2: the packet showed the reduced
    weeks with no word why), `day` writing the date as the surface does; None: nothing left out."""
    cut = taper_cut_in(ingredient, notes)
    return None if cut is None else f"not counting the taper from {day(cut)}"
