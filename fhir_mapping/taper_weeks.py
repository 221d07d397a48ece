"""Weeks of a taper are no weeks at an adequate dose (session 26 LA item 2).

A drug being stopped is stepped down first: venlafaxine 150 mg/day for 4 weeks, then 75 for two
weeks and 37.5 for one, then stopped. Every week at or above the minimum counted toward the
6 weeks of an adequate trial (adequacy.py), 75 mg/day included (the bottom of the CANMAT
range), so 4 weeks at 150 and 2 weeks of the taper read "adequate", a failed trial, one toward
TMS. The taper is the way off the drug once it has been judged, not time it was tried at: its
weeks count toward the course's length, never toward its weeks at an adequate dose.

`taper_cut` finds the day the course's doses start stepping off the drug: the first step down of
the run of doses that never rise again up to the course's end (its trailing run), when
- a record of the course takes the drug down to a stop (a taper sig, Trial.taper_from:
  "then 1/2 tab daily for 1 week then stop"): from its first step down on or after that record,
  however long the steps last: the record says they lead off the drug; or
- the course has ended, or its records state its end within `policy.cross_taper_weeks`
  (Trial.ends_soon), and the first step down came no more than `cross_taper_weeks` before that
  end (a lower order or fill, an order with a stop date after a step down). A taper to a stop
  usually runs over 2 to 4 weeks (the NHS Specialist Pharmacy Service figure the cross-taper
  window rests on, README `mapping.cross_taper_weeks`): a lower dose kept longer than that before
  the end is a dose the drug was taken at, and its weeks count as any.

A course still running with no taper sig and no stated end is not cut: a lower dose that goes
on is the dose now tried. Why the safer reading: an over-counted trial calls a drug failed and
moves the patient on (switch, augment, TMS) on weeks the record does not show at a treating
dose; an under-counted one only keeps the trial "too short" until the record shows more.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from fhir_mapping.record import DoseSegment


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


def taper_cut(
    segments: Sequence[DoseSegment],
    taper_from: date | None,
    ends_on: date | None,
    weeks: float,
) -> date | None:
    """The day from which the course's doses are steps off the drug (module docstring), None
    when none are. `taper_from`: the first day of a record whose sig tapers to a stop
    (Trial.taper_from); `ends_on`: the course's end when it has ended or its records state one
    soon (Trial.ends_soon), None for a course running on; `weeks`: policy.cross_taper_weeks."""
    if len(segments) < 2:
        return None
    run = _trailing_run(segments)
    downs = [
        later.start
        for earlier, later in zip(run, run[1:], strict=False)
        if later.mg_per_day is not None
        and earlier.mg_per_day is not None
        and later.mg_per_day < earlier.mg_per_day
    ]
    if not downs:
        return None
    cuts: list[date] = []
    if taper_from is not None and taper_from >= run[0].start:
        cuts.extend([day for day in downs if day >= taper_from][:1])
    if ends_on is not None and ends_on - downs[0] <= timedelta(weeks=weeks):
        cuts.append(downs[0])
    return min(cuts, default=None)


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
