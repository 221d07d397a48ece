"""A dose raise ordered on a filled course that no fill at the new dose shows taken yet
(orders39, orders37/38 leftover).

Venlafaxine 150 mg/day filled monthly from 2026-05 (the last fill 2026-11-01, its supply running
to 2026-12-01), a new Epic order of 225 mg/day authored 2026-11-20, `active`, no fill at 225 while
the fills of 150 run: the dose timeline read the order's day as the day 225 was taken, and the
cards said "Venlafaxine raised to 225 mg/day on 2026-11-20, PHQ-9 worse since: assess ... side
effects of the higher dose", its weeks counted at 225. The fills are the record of what is taken:
the patient holds 150 mg capsules, and no record shows a 225 mg supply yet. On a course with fills
of its own (the chart carries a fill feed: unfilled_order.fill_feed), an order raising the dose
dated after the course's latest fill is read as what it is, an order awaiting its first fill: the
dose taken stays the filled one (its weeks, adequacy and the raise cards stay at 150) until a fill
at the new dose, and the course keeps the order's day and dose (Trial.raise_unfilled) so the cards
can say "225 mg/day ordered 2026-11-20, no fill yet".

A course with no fill of its own is read as before: on a chart that sends no dispense at all
(Synthea, Oracle shapes with orders only) the order is all the record has (unfilled_order.py,
orders33), and an order-only course on a fill feed is unfilled_order.py's (Trial.awaiting_fill).
orders40 (review K41a finding 6): the order is judged on its own day (authoredOn, before
first_fill.dose_dated moves it to a later fill), against the fills on or after it. A fill after
the 225 order at the OLD strength (150 mg x 30 / 30 days on 2026-11-25) is no fill of it: it was
read as the raise ("raised to 225 mg/day on 2026-11-25 ... side effects of the higher dose"),
adequacy at 225 claimed on no evidence; now the dose stays 150 and RaiseOrder.old_fill names that
fill. Fills on one day are summed (a 150 and a 75 fill handed over together are the 225 raise); a
fill with no stated dose may be the new dose, and the order then reads as before
(first_fill.dose_dated dates it from that fill).

Only raises. An order LOWERING the dose keeps its own day (first_fill.dose_dated): it can be taken
from the tablets at hand, and after a toxic level or side effects it is the dose the patient was
told to take at once; the TCA-level order checks (order_checks/tca_level_lowered.py, k19b1 and
labs32-34 charts) warn of a raise back above it on that reading, and read as unfilled they lost
those warnings (tried in orders40, K41a finding 7). A ward's order is the stay's dose
(ward_orders.py), an as-needed order no daily dose: neither is such a raise.

orders41: that lowering, when no fill at its dose shows it taken (venlafaxine XR 225 filled,
150 ordered 2026-11-20, none at 150 since), still counts from its own day (its weeks, verdict and
the TCA level checks as before), but the course keeps it (Trial.lower_unfilled: day, new dose,
the filled dose, a fill since at the old dose) so that a card stating the dose says "lowered from
225 to 150 mg/day on 2026-11-20, no fill at the new dose yet" (services/lowered_dose.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any

from fhir_mapping.dose_timeline import _dose_on, _segment, _segments, _timeline, with_todays_dose
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.first_fill import _Spanned, dose_dated
from fhir_mapping.raise_order import LowerOrder, RaiseOrder
from fhir_mapping.taper import taper_timeline
from fhir_mapping.trial_parts import DoseSegment
from fhir_mapping.ward_orders import after_the_ward

_ORDER = EventKind.ORDER
_DISPENSE = EventKind.DISPENSE
_TAPER = attrgetter("taper")
_WARD_ORDER = attrgetter("ward_order")


def _day_doses(fills: Sequence[MedicationEvent]) -> dict[date, float | None]:
    """Each fill day's mg/day, same-day fills summed (a 150 and a 75 mg fill handed over together
    are the 225 raise: orders39's i2 chart); None when a fill of the day states no dose."""
    days: dict[date, float | None] = {}
    for fill in fills:
        mg, held = fill.mg_per_day, days.get(fill.start, 0.0)
        days[fill.start] = None if mg is None or held is None else held + mg
    return days


def _raises(event: MedicationEvent, days: dict[date, float | None]) -> bool:
    """An order raising the dose the fills before it show, with no fill on or after its day at
    the new dose (orders40: a fill after it at the old dose is no fill of it). A fill with no
    stated dose may be the new dose: the order then reads as before."""
    ordered = event.mg_per_day
    if event.kind is not _ORDER or event.ward_order or event.as_needed or ordered is None:
        return False
    before = [day for day in days if day < event.start]
    if not before:
        return False
    filled = days[max(before)]
    if filled is None or filled == ordered:
        return False
    since = [days[day] for day in days if day >= event.start]
    return ordered > filled and all(mg is not None and mg < ordered for mg in since)


def before_unfilled_raise(
    events: Sequence[MedicationEvent],
) -> tuple[Sequence[MedicationEvent], RaiseOrder | None]:
    """`events` (in _event_key order) less the orders raising the dose that no fill shows taken
    (module docstring), and the latest such order's (day, mg/day, its fills at the old dose);
    `events` and None when there is none (nearly every course: no fill, or none after it)."""
    fills = [e for e in events if e.kind is _DISPENSE]
    if not fills:
        return events, None
    days = _day_doses(fills)
    raising = [e for e in events if _raises(e, days)]
    if not raising:
        return events, None
    latest = raising[-1]
    assert latest.mg_per_day is not None  # _raises
    since = [day for day in days if day >= latest.start]
    found = RaiseOrder(latest.start, latest.mg_per_day, max(since) if since else None)
    return [e for e in events if e not in raising], found


def unfilled_lowering(events: Sequence[MedicationEvent]) -> LowerOrder | None:
    """The course's latest dose order when it LOWERS the dose its latest fill before it shows and
    no fill on or after its day is at the new dose (module docstring, orders41), else None. A
    taper, a ward's or an as-needed order is no such lowering (each has its own reading)."""
    orders = [e for e in events if e.kind is _ORDER and e.mg_per_day is not None]
    if not orders:
        return None
    latest = orders[-1]
    ordered = latest.mg_per_day
    if latest.ward_order or latest.as_needed or latest.taper or ordered is None:
        return None
    days = _day_doses([e for e in events if e.kind is _DISPENSE])
    before = [day for day in days if day < latest.start]
    if not before:
        return None
    filled = days[max(before)]
    since = [day for day in days if day >= latest.start]
    # meds45: an order's range reaching the filled dose ("1-2 capsules" of 37.5 beside fills of
    # 75 mg/day) allows it: no lowering, whatever its lower end (the dose adequacy reads).
    upper = latest.mg_per_day_upper
    if filled is None or upper is None or filled <= upper:
        return None
    if not all((mg := days[day]) is not None and mg > upper for day in since):
        return None
    return LowerOrder(latest.start, ordered, filled, max(since) if since else None)


@dataclass(frozen=True, slots=True)
class CourseDoses:
    """A course's dose timeline (dose_timeline._timeline), its unfilled raise and lowering."""

    timeline: list[tuple[date, Any]]
    raised: RaiseOrder | None
    lowered: LowerOrder | None


def _dated(
    spans: Sequence[_Spanned], kept: Sequence[MedicationEvent], events: Sequence[MedicationEvent]
) -> list[tuple[date, Any]]:
    dosed = dose_dated(spans) or kept
    timeline = _timeline(dosed)
    if any(map(_TAPER, events)):  # a Taper is truthy, None is not: at C speed (issue 14)
        timeline = taper_timeline(timeline, events)  # review 10 finding 11: its dose steps
    if any(map(_WARD_ORDER, events)):
        timeline = after_the_ward(timeline, events)  # session 26 LA: the stay's dose ends with it
    return timeline


def course_timeline(spans: Sequence[_Spanned], events: Sequence[MedicationEvent]) -> CourseDoses:
    """The course's dose timeline and its unfilled raise (`before_unfilled_raise`) and lowering
    (`unfilled_lowering`), for trial_record._trial: an order's dose dated from its first fill
    (first_fill.dose_dated), a raise no fill shows taken left out, the steps of its tapers, the
    dose before a finished ward order."""
    # Read on the orders' own days (authoredOn), before dose_dated moves an order to a later
    # fill: a fill after the order at the old dose is no fill of it (orders40).
    kept, raised = before_unfilled_raise(events)
    if raised is not None:
        held = {id(e) for e in kept}
        spans = [s for s in spans if id(s.event) in held]
    timeline = _dated(spans, kept, events)
    lowered = unfilled_lowering(kept) if raised is None else None
    return CourseDoses(timeline, raised, lowered)


def course_segments(
    coverage: Sequence[tuple[date, date]],
    timeline: list[tuple[date, Any]],
    start: date,
    ongoing: bool,
    as_of: date,
) -> tuple[DoseSegment, ...]:
    """The course's dose segments over its covered days (dose_timeline._segments), one at its
    start's dose when none; a running course's last one at as-of's dose (with_todays_dose). Read
    apart from trial_record.py (400 lines)."""
    segments = _segments(coverage, timeline) or (_segment(start, start, _dose_on(timeline, start)),)
    return with_todays_dose(segments, timeline, as_of) if ongoing else segments
