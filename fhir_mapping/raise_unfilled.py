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
Only raises: an order lowering the dose (after side effects) can be taken from the tablets at
hand, and a fill on the order's own day or after it is the new dose's first fill (the order then
reads as before: first_fill.dose_dated dates its dose from that fill). A ward's order is the
stay's dose (ward_orders.py), an as-needed order no daily dose: neither is such a raise.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from operator import attrgetter
from typing import Any

from fhir_mapping.dose_timeline import _timeline
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.first_fill import _Spanned, dose_dated
from fhir_mapping.raise_order import RaiseOrder
from fhir_mapping.taper import taper_timeline
from fhir_mapping.ward_orders import after_the_ward

_ORDER = EventKind.ORDER
_DISPENSE = EventKind.DISPENSE
_TAPER = attrgetter("taper")
_WARD_ORDER = attrgetter("ward_order")


def _raises(event: MedicationEvent, last_fill: MedicationEvent) -> bool:
    filled = last_fill.mg_per_day
    return (
        event.kind is _ORDER
        and event.start > last_fill.start
        and not event.ward_order
        and not event.as_needed
        and event.mg_per_day is not None
        and filled is not None
        and event.mg_per_day > filled
    )


def before_unfilled_raise(
    events: Sequence[MedicationEvent],
) -> tuple[Sequence[MedicationEvent], RaiseOrder | None]:
    """`events` (in _event_key order) less the orders raising the dose after the course's latest
    fill (module docstring), and the latest such order's (day, mg/day); `events` and None when
    there is none (nearly every course: no fill, or no order after the latest)."""
    fills = [e for e in events if e.kind is _DISPENSE]
    if not fills:
        return events, None
    last_fill = max(fills, key=lambda e: e.start)
    raising = [e for e in events if _raises(e, last_fill)]
    if not raising:
        return events, None
    latest = raising[-1]
    assert latest.mg_per_day is not None  # _raises
    return [e for e in events if e not in raising], RaiseOrder(latest.start, latest.mg_per_day)


def course_timeline(
    spans: Sequence[_Spanned], events: Sequence[MedicationEvent]
) -> tuple[list[tuple[date, Any]], RaiseOrder | None]:
    """The course's dose timeline (dose_timeline._timeline) and its unfilled raise
    (`before_unfilled_raise`), for trial_record._trial: an order's dose dated from its first fill
    (first_fill.dose_dated), a raise no fill shows taken left out, the steps of its tapers, the
    dose before a finished ward order."""
    dosed, raised = before_unfilled_raise(dose_dated(spans) or events)
    timeline = _timeline(dosed)
    if any(map(_TAPER, events)):  # a Taper is truthy, None is not: at C speed (issue 14)
        timeline = taper_timeline(timeline, events)  # review 10 finding 11: its dose steps
    if any(map(_WARD_ORDER, events)):
        timeline = after_the_ward(timeline, events)  # session 26 LA: the stay's dose ends with it
    return timeline, raised
