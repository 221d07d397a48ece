"""Rule 2b's start of an order its fills show taken: the day the patient got the drug, not the day
the order was written (review s23 RT finding 1).

An order's authoredOn is the day the prescription was written (FHIR R4 MedicationRequest.authoredOn);
a MedicationDispense's whenHandedOver is the day the product was given to the patient (FHIR R4
MedicationDispense.whenHandedOver; medication_dates.py reads it, whenPrepared only when it is
missing: the day the pharmacy made it up is not the day the patient had it). An escitalopram
order written 75 days before as-of and first picked up 41 days before read as 75 days on the drug,
an adequate failed trial, switch and augment cards, where the record shows at most 5.9 weeks.

So an order whose fills fall in its window (`first_fill_in_window`, the fills rule 2b already
reads) covers time only from its first fill on or after it was written. A renewal or a same-dose
re-order of a drug already taken loses nothing: the earlier fills' own spans cover the days up to
the new order's first fill, so the course neither restarts nor shortens. Without any fill in the
window (no fill feed sent, or none read) the order keeps its own day (rule 2b's one fill from
authoredOn) and the trial says so: its adherence is "unverified" (no fill on record).

The dose an order states counts from the same day (`dose_dated`): a raise written while the
patient still holds the old strength's supply is taken at the new dose from the day the new
supply was handed over at the earliest. Which day the patient began taking the new dose between
the two is not on record; the later one claims fewer weeks at the new (adequate) dose, the
safer reading: an over-counted trial calls a drug failed and moves the patient on (switch,
augment, TMS) on weeks the record does not show, an under-counted one only delays that by the
days between. For the same reason an order that LOWERS the dose keeps its own day: counting the
lower dose from the day it was written claims the fewer weeks at the higher dose.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Protocol

from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.usable_events import _event_key, _EventKey

_ORDER = EventKind.ORDER


class _Spanned(Protocol):
    """What `dose_dated` reads of an event_spans._Span (not imported: that module imports this)."""

    @property
    def event(self) -> MedicationEvent: ...

    @property
    def start(self) -> date: ...

    @property
    def key(self) -> _EventKey: ...


def first_fill_in_window(
    event: MedicationEvent,
    dispense_starts: Sequence[date],
    order_starts: Sequence[date],
    policy: MappingPolicy,
) -> date | None:
    """The first dispense of the drug on or after an order's day, when it falls in the time the
    order's fills could cover (its fills x (1 + refills), else refill_gap_weeks) and before the
    next order of the drug (a dispense after a re-order fills the re-order); else None.
    `dispense_starts` and `order_starts` are sorted (episodes.build_trials)."""
    if event.ward_order:
        return None  # the ward gives it, no pharmacy fills it for home (ward_orders.py)
    if event.days_supply is not None and event.days_supply > 0:
        window = timedelta(days=round(event.days_supply * (1 + event.refills)))
    else:
        window = timedelta(weeks=policy.refill_gap_weeks)
    # The first dispense on or after the order decides: both bounds are upper bounds, so if it
    # falls outside them every later one does too (bisection, not a scan, issue 14).
    index = bisect_left(dispense_starts, event.start)
    if index == len(dispense_starts):
        return None
    first = dispense_starts[index]
    if first > event.start + window:
        return None
    following = bisect_right(order_starts, event.start)
    if following < len(order_starts) and first >= order_starts[following]:
        return None
    return first


def first_fill_after_silence(
    start: date,
    dispense_starts: Sequence[date],
    policy: MappingPolicy,
) -> date:
    """The day an `active` order that states no supply begins to count (rule 2c): its own day,
    or its first fill when that comes more than statement_confirmed_days after it (and before
    a re-order of the drug: see below). Review s22 RR finding 9: a fluoxetine order of
    2024-03-01, first filled on 2026-11-01 at another pharmacy, read "on fluoxetine since
    2024-03-01", 143 weeks at an adequate dose on one 30-day fill. Nothing shows the drug taken
    in the years before the fill; an old order unconfirmed that long is listed, not taken (the
    rule above), so the fill starts the course, the safer reading for adequacy.

    A re-order (renewal) between the order and that fill changes nothing (session 23 item L1-4:
    an order of 2024-03-01, renewed 2025-01-10, both with no supply, first filled 2026-10-20,
    read "on fluoxetine since 2024-03-01", 143.6 weeks adequate). A renewal with no fill is not
    evidence the drug was taken: it is a prescriber's act, often on a refill request or a
    routine review of the medication list, and the pharmacy feed that shows the later fill shows
    none for it. Letting it stand for a fill counted the years before the first fill as weeks
    at an adequate dose, and could make a failed "adequate" trial (and a TRD suggestion) out of
    one month's supply: the safer reading starts the course at the fill for the old order and
    for the renewal alike (the renewal reads this rule for itself; its own day still starts
    its course when its fill comes within the window)."""
    index = bisect_left(dispense_starts, start)
    if index == len(dispense_starts):
        return start
    fill = dispense_starts[index]
    if (fill - start).days <= policy.statement_confirmed_days:
        return start
    return fill


def dose_dated(spans: Sequence[_Spanned]) -> list[MedicationEvent] | None:
    """The course's events for its dose timeline (dose_timeline._timeline), each order whose span
    starts at its first fill dated that day (module docstring), in _event_key order; None when
    no span starts after its event (nearly every course): the events as they are."""
    if all(s.start <= s.event.start for s in spans):
        return None
    events: list[MedicationEvent] = []
    last_mg: float | None = None  # the last dose stated before the event, in key order
    for span in sorted(spans, key=_key_of):
        event = span.event
        mg = event.mg_per_day
        lowers = mg is not None and last_mg is not None and mg < last_mg
        if span.start > event.start and event.kind is _ORDER and not lowers:
            event = dataclasses.replace(event, start=span.start)
        events.append(event)
        if mg is not None:
            last_mg = mg
    events.sort(key=_event_key)
    return events


def ordered_on(spans: Sequence[_Spanned], start: date) -> date | None:
    """The authoredOn of the order whose first fill is the course's `start` (its span moved
    there from the order's own day), else None: the course then starts on its first record's
    own day (Trial.ordered_on). Of several such orders the earliest written."""
    days = [
        s.event.start
        for s in spans
        if s.start == start and s.event.kind is _ORDER and s.event.start < start
    ]
    return min(days) if days else None


def span_order(span: _Spanned) -> tuple[date, _EventKey]:
    """The order a drug's spans are joined in (course_clusters._cluster, _coverage: start order):
    by span start, then the event's key, so an order moved to its first fill sits at that day."""
    return span.start, span.key


def _key_of(span: _Spanned) -> _EventKey:
    return span.key
