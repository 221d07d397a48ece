"""A course's dose over time: its dose timeline and the DoseSegments cut from it (rule 4 of
episodes.py).

`_timeline` turns a course's events (in `_event_key` order) into one dose per day with events
(same_day_dose.py), a day whose events state no dose keeping the dose before it (one whose dose is
to confirm has none: meds45); `_segments` cuts the covered time at each dose change. Apart from
the spans and clusters: how long the drug was taken and at what dose are decided independently,
and meet only in the Trial (trial_record.py).

A dose taken only as needed (MedicationEvent.as_needed) is no daily dose: on the timeline it is
an `_AsNeeded` dose, and its segments say so (DoseSegment.as_needed), so that its days never count
as weeks at an adequate dose (adequacy.py) and no card writes it as mg/day. A day's events that
state nothing about it (a dispense without a sig) keep the last stated reading, as a day without
a dose keeps the last dose; a day with a scheduled and an as-needed event reads the scheduled one.

An order's (or statement's) reading outranks a fill's: a pharmacy label copies the sig without
its "as needed" often enough (the dispense's dosageInstruction with `asNeededBoolean: false`, or
none), and a fill on the day of an as-needed order, or after it, turned the order's days into a
daily dose that could count as an adequate trial. Only a scheduled order or statement makes an
as-needed order's days daily; fills decide alone only where no order or statement says it is
taken as needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.fill_dose import day_in_range, fill_in_range, stated_range
from fhir_mapping.record import DoseSegment
from fhir_mapping.same_day_dose import _day_dose, _Dose, _dose_of

_DISPENSE = EventKind.DISPENSE  # a module constant: see same_day_dose.py (issue 14)


@dataclass(frozen=True, slots=True)
class _AsNeeded:
    """A dose taken only as needed: its reading (per administration, at most once a day) and the
    most it allows a day (maxDosePerPeriod), None when not stated. Equal readings are one dose."""

    dose: _Dose | tuple[None, float]  # (None, upper): a dose to confirm (meds45)
    max_mg: float | None


# A dose on the timeline: a daily one (same_day_dose._Dose) or an as-needed one.
_TimelineDose = _Dose | _AsNeeded


def _segment(start: date, end: date, dose: _TimelineDose) -> DoseSegment:
    if isinstance(dose, _AsNeeded):
        low, high = dose.dose if isinstance(dose.dose, tuple) else (dose.dose, None)
        return DoseSegment(start, end, low, high, True, dose.max_mg)
    if isinstance(dose, tuple):
        return DoseSegment(start, end, dose[0], dose[1])
    return DoseSegment(start, end, dose)


def _as_needed_dose(
    day: Sequence[MedicationEvent], as_needed: bool, ordered: bool = False
) -> tuple[_TimelineDose, bool, bool]:
    """(the dose of one day's events, whether the course is now taken as needed, whether an
    order or statement says so). `as_needed` and `ordered` are the reading so far: events that
    state none (None) keep it; a scheduled order or statement of the day makes the day
    scheduled, read from the events that are not as needed; a scheduled fill does so only when
    no order or statement has said the course is taken as needed (module docstring)."""
    orders = [e.as_needed for e in day if e.kind is not _DISPENSE and e.as_needed is not None]
    if orders:
        as_needed = ordered = all(orders)
    elif not (as_needed and ordered):
        fills = [e.as_needed for e in day if e.as_needed is not None]
        if fills:
            as_needed, ordered = all(fills), False
    if not as_needed:
        scheduled = [e for e in day if not e.as_needed]
        return (
            (_dose_of(scheduled[0]) if len(scheduled) == 1 else _day_dose(scheduled)),
            False,
            False,
        )
    prn = [e for e in day if e.as_needed] or list(day)
    known = next((e for e in prn if e.mg_per_day is not None), prn[0])
    high = known.mg_per_day_high
    if known.mg_per_day is None and high is not None:
        # A dose to confirm (its record disagrees with itself, meds45 / review K51a finding 3):
        # "up to 75 mg as needed", never one reading stated as the dose.
        return _AsNeeded((None, high), known.as_needed_max_mg), True, ordered
    return _AsNeeded(_dose_of(known), known.as_needed_max_mg), True, ordered


def _timeline(events: Sequence[MedicationEvent]) -> list[tuple[date, _TimelineDose]]:
    """The dose timeline of events already in _event_key order (as `_trial` holds them): one
    dose per day with events (_day_dose); a day whose events state no dose keeps the dose before
    it, a day whose dose is to confirm (`_to_confirm`) has none (meds45). Each day is read whole
    (review 6 finding 2: reading the day's second fill as a change of dose drew 150 -> 75 -> 150
    -> 75 for a patient on 150 + 75 mg).

    A day's events are neighbours in key order (it sorts by start first), so each day is the run
    of events up to the next start. A day with one event (nearly every day of a long course of
    fills) has that event's dose, which is what _day_dose answers for it: it is read directly,
    without building a list for the day (issue 14; tests/fhir_mapping/test_speed7_shortcuts.py
    pins this to the reading of each day through _day_dose)."""
    timeline: list[tuple[date, _TimelineDose]] = []
    count = len(events)
    index = 0
    as_needed = False  # the course's last stated reading (module docstring)
    ordered = False  # ... and whether an order or statement stated it
    ranged: tuple[float, float] | None = None  # the latest order's dose range (fill_dose.py)
    while index < count:
        event = events[index]
        start = event.start
        following = index + 1
        while following < count and events[following].start == start:
            following += 1
        one_event = following == index + 1
        dose: _TimelineDose
        if as_needed or event.as_needed or not one_event:
            dose, as_needed, ordered = _as_needed_dose(events[index:following], as_needed, ordered)
            if isinstance(dose, tuple):
                dose = day_in_range(events[index:following], dose)  # fill_dose.day_in_range
            if (
                isinstance(dose, _AsNeeded)
                and dose.dose is None
                and timeline
                and isinstance(timeline[-1][1], _AsNeeded)
            ):
                dose = None  # no dose stated: the as-needed dose before it holds
        else:
            # A fill inside the order's range reads as the range (fill_dose.fill_in_range).
            dose = fill_in_range(event, ranged) or _dose_of(event)
        for stated in events[index:following]:
            if stated.kind is not _DISPENSE and stated.mg_per_day is not None:
                ranged = stated_range(stated)
        if dose is None:
            if not timeline:
                timeline.append((start, None))  # no dose known yet: the course starts unknown
            elif timeline[-1][1] is not None and _to_confirm(events, index, following):
                # meds45 (review K51a finding 1): a step whose dose is to confirm proves no dose
                # (product_conflict.py). It used to keep the dose before it, its weeks counted
                # there: venlafaxine 75 -> 150 -> "25 or 225 mg" read 150 mg/day to the end, a
                # failed trial, TMS offered.
                timeline.append((start, None))
        elif not timeline or timeline[-1][1] != dose:
            timeline.append((start, dose))
        index = following
    return timeline


def _to_confirm(events: Sequence[MedicationEvent], index: int, following: int) -> bool:
    """Whether a scheduled event of the day states a dose to confirm: no lower end and an upper
    one (product_conflict.with_stated_dose, taper._to_confirm), as against one stating none (a
    dispense without a sig, which keeps the dose before it)."""
    for event in events[index:following]:
        if event.mg_per_day is None and event.mg_per_day_high is not None and not event.as_needed:
            return True
    return False


def _dose_on(timeline: Sequence[tuple[date, _TimelineDose]], day: date) -> _TimelineDose:
    dose: _TimelineDose = timeline[0][1] if timeline else None
    for start, mg in timeline:
        if start > day:
            break
        dose = mg
    return dose


def _segments(
    coverage: Sequence[tuple[date, date]], timeline: Sequence[tuple[date, _TimelineDose]]
) -> tuple[DoseSegment, ...]:
    """The covered time cut at each dose change, the dose of each piece as _dose_on reads it; a
    piece that continues the previous one at the same dose extends it.

    One walk over both (the coverage is sorted and disjoint, the timeline's dates ascend and are
    unique), and each DoseSegment is built once, not again at every extension (issue 14)."""
    pieces: list[list[Any]] = []  # [start, end, dose]
    count = len(timeline)
    dose: _TimelineDose = timeline[0][1] if timeline else None  # _dose_on before the first date
    index = 0  # timeline[:index] start on or before the current cut
    for start, end in coverage:
        while index < count and timeline[index][0] <= start:
            dose = timeline[index][1]
            index += 1
        cut = start
        while True:
            # The next cut: the next dose change inside (start, end), else the end.
            following = timeline[index][0] if index < count and timeline[index][0] < end else end
            last = pieces[-1] if pieces else None
            if last is not None and last[1] == cut and last[2] == dose:
                last[1], last[2] = following, dose
            else:
                pieces.append([cut, following, dose])
            if following == end:
                break
            cut, dose = following, timeline[index][1]
            index += 1
    return tuple([_segment(a, b, mg) for a, b, mg in pieces])


def with_todays_dose(
    segments: tuple[DoseSegment, ...],
    timeline: Sequence[tuple[date, _TimelineDose]],
    as_of: date,
) -> tuple[DoseSegment, ...]:
    """The segments of a course running on `as_of`, ending with the dose taken from that day
    (review s20 RA findings 1, 2): the one rule for which record sets today's dose.

    A dose change written on as-of (an order authored today, a fill of the new strength handed
    over today) is today's dose, and an order whose stated end is as-of is not, when another
    takes over that day. The covered time ends at as-of (a course's end is the day it is read),
    so a change on that day cut no segment, and the card read yesterday's dose: "raise sertraline
    100 -> 150" on the day 150 was ordered and dispensed, and "150 mg/day, raise to 200" the day
    150 was stopped for side effects and 100 ordered. Such a change ends the course with a
    segment of no length starting on as-of, as a course begun on as-of has one
    (trial_record._trial): no week is counted at it (adequacy reads lengths), and every reader of
    the latest segment (Trial.current_mg_per_day) reads the dose from today."""
    if not segments or not timeline or segments[-1].end != as_of:
        return segments
    day, dose = timeline[-1]
    last = segments[-1]
    if day != as_of or dose is None or last.start == as_of:
        return segments
    today = _segment(as_of, as_of, dose)
    same = (today.mg_per_day, today.mg_per_day_high, today.as_needed) == (
        last.mg_per_day,
        last.mg_per_day_high,
        last.as_needed,
    )
    return segments if same else (*segments, today)
