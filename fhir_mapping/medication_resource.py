"""One medication resource whose drug is recognised, read to its events (issue 3, 10, 15): its
status, its dates, and the gap it is left out with when they do not give a course.

Apart from the walk of a chart's resources (medications.py: what is dropped, deferred, read as a
repeat fill, or a gap before its drug is even read), because this is the reading of one resource
that walk hands on: a status that says the use is not known (status_to_confirm.py), missing or
backwards dates, a start after as-of, then its events (medication_event.py), a taper and a
stated dose to confirm; a fill without days of supply is set aside for the supply estimate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from fhir_mapping import unknown_order
from fhir_mapping.combination_products import product_of
from fhir_mapping.events import MedicationEvent
from fhir_mapping.fhir_fields import string
from fhir_mapping.gaps import REVERSED_PERIOD, future_gap, resource_gap, undated_drug
from fhir_mapping.medication_dates import dates_of, reversed_period
from fhir_mapping.medication_event import events_of
from fhir_mapping.medication_supply import PendingDispense
from fhir_mapping.medication_types import (
    DISPENSE,
    ORDER,
    STATEMENT,
    TAKEN_NOW,
    TypeReading,
    dosage_lines,
)
from fhir_mapping.policy import UNKNOWN_WINDOWS, UnknownWindows
from fhir_mapping.product_conflict import with_stated_dose
from fhir_mapping.record import DataGap, SetAside
from fhir_mapping.status_to_confirm import STATUS_TO_CONFIRM, ended_long_ago, status_unknown
from fhir_mapping.status_to_confirm import stated as unknown_stated
from fhir_mapping.taper import with_taper
from fhir_mapping.terminology import Component
from fhir_mapping.titration_supply import capped_order


def read_resource(
    resource: Mapping[str, Any],
    reading: TypeReading,
    components: tuple[Component, ...],
    medication: Mapping[str, Any] | None,
    as_of: date,
    events: list[MedicationEvent],
    gaps: list[DataGap],
    pending: list[PendingDispense],
    conditions: Callable[[], Mapping[str, Mapping[str, Any]]],
    unknown: UnknownWindows = UNKNOWN_WINDOWS,
    filled: Callable[[str], bool] = lambda _rid: False,
) -> None:
    """Add the events of one resource whose drug is recognised to `events` (or its gap to
    `gaps`, or it to `pending` when it is a dispense without days of supply). `conditions`
    gives the chart's Conditions by id, for a reasonReference; `filled(id)` whether a completed
    fill of the chart names the order of that id (unknown_order.filled_orders)."""
    # Its status says the use of the drug is not known (fix 20 item 1): no course, and its drugs
    # possibly running for the safety checks (status_to_confirm.py); unless its stated period
    # ended long ago (review s27 RA finding 5): then the past course it states, read below.
    # A clinic order read `unknown` whose supply with repeats may still last is read so too
    # (unknown_order.py, review K60a findings 3, 4: a phenelzine order so read raised no MAOI
    # card); the card names how far its supply reaches.
    # A listed or patient-reported order is already read so (status_to_confirm.py), worded as
    # before: a medication-list entry, no supply a pharmacy fills.
    listed = status_unknown(resource, reading.kind)
    # An order stating no supply is bounded only by a completed fill naming it (fix meds54).
    has_fill = reading.kind is ORDER and filled(string(resource.get("id")) or "")
    order_unknown = not listed and unknown_order.maybe_running(
        resource, reading.kind, as_of, unknown, has_fill
    )
    # One stating no supply and named by no fill, past unknown.order_days: read as ended, named
    # in the data-gap line only, no course made up for it (fix maoi56; unknown_order.py).
    ended = not listed and unknown_order.read_ended(
        resource, reading.kind, as_of, unknown.order_days, has_fill
    )
    if (
        order_unknown
        or ended
        or (listed and not ended_long_ago(resource, as_of, unknown.ended_days))
    ):
        drugs = tuple(c.ingredient for c in components)
        domain = undated_drug(drugs)[1]
        found = resource_gap(
            resource,
            STATUS_TO_CONFIRM,
            domain,
            taken_now=drugs,
            stated=unknown_stated(resource)
            + (unknown_order.reach_said(resource, as_of, has_fill) if order_unknown else ""),
        )
        if ended:
            # Its why says the order's day and status: the stated words would repeat them.
            said = SetAside(drugs, unknown_order.ended_said(resource))
            found = [replace(g, taken_now=(), set_aside=said, stated="") for g in found]
        gaps.extend(found)
        return
    # The combination product it names, read here once (Contrave's bupropion is never a trial:
    # combination_products.py), with the strength the product table gives its component.
    product, components = product_of(components)
    dosages = dosage_lines(resource.get(reading.dosage_field))
    # A partial start reads as its latest day up to as-of (review 10 finding 5: dates_of).
    start, end, written = dates_of(resource, reading.kind, dosages, as_of)
    # A statement whose period ends before it starts (review 15 M2): its dates are unreadable,
    # not a course of 0 weeks; named with both dates so the clinician can correct them.
    backwards = reversed_period(resource) if reading.kind is STATEMENT else None
    if start is None or backwards is not None:
        # Still taken, by its status: the safety checks must see it (DataGap.taken_now).
        now = string(resource.get("status")) in TAKEN_NOW.get(reading.kind, ())
        # Worded and placed by what the drug is to this service (review 9 finding 11: an OTC
        # ibuprofen read because lithium is on the chart is no antidepressant or adjunct).
        reason, domain = undated_drug(c.ingredient for c in components)
        stated = ""
        if backwards is not None:
            reason = REVERSED_PERIOD
            stated = f"start {backwards[0]}, end {backwards[1]}"
        gaps.extend(
            resource_gap(
                resource,
                reason,
                domain,
                taken_now=tuple(c.ingredient for c in components) if now else (),
                stated=stated,
            )
        )
        return
    if start > as_of:
        # Dated after today (review 15 M3): not read, and named, never dropped in silence.
        gaps.extend(future_gap(resource, start, undated_drug(c.ingredient for c in components)[1]))
        return
    # A partial date (review 10 finding 5), where it comes from, the patient's report and the
    # stated reasons are read with the event, not copied onto it afterwards (READ12 finding 3).
    new = events_of(
        resource,
        reading,
        (components, medication),
        (start, end),
        dosages,
        product,
        written,
        conditions,
    )
    if dosages:  # "... then stop" (review 10 finding 11); lines to confirm, a dispense's too
        new = with_taper(new, dosages, components)
        if new and new[0].taper is not None and reading.kind is ORDER:
            new = capped_order(new, resource, components)  # titration's tablets (span72)
    # The dose its code's strength gives against the one its name or sig states (review 18a W1).
    new = with_stated_dose(new, resource, medication, dosages, components)
    events.extend(new)
    # A dispense without days of supply (Oracle Health): estimated after the loop from its
    # authorising order, which may come later in the chart. A dispense stating daysSupply
    # (the common case) costs one comparison here (issue 14).
    if reading.kind is DISPENSE and new and new[0].days_supply is None:
        pending.append((resource, len(events) - len(new), components))
