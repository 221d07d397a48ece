"""The days a titration's supply lasts by its sig's steps, against the days the record states
(session 42 fix span72, review K69a finding 5).

An order "Take 1 tablet daily for 2 weeks, then 2 tablets daily" of sertraline 25 mg, 90 tablets,
filled with daysSupply 60: the tablets last 14 days at 1 a day and 38 at 2 a day, 52 days, yet the
stated 60 days ended the course on day 60 and gave 6.6 weeks at the adequate step (an adequate
trial counted toward TMS) where the tablets give 5.4 ("possibly adequate - review"). A pharmacy
system often states a titration's days at the starting rate, or rounds them to a standard
supply; the steps written in the sig are the prescriber's arithmetic of the same tablets.

THE RULE: when an order's sig is read as dose steps up (sig_steps.py: every step's mg known and
every step but the last of stated length) and a stated supply (the order's
expectedSupplyDuration, the first fill's daysSupply) is longer than the days the quantity lasts
by those steps, the shorter is read. Why the shorter: a course read too short is at worst an
adequate trial not counted toward TMS (the clinician is asked to review it); a course read too
long counts an inadequate trial as failed and may offer TMS early. Only the order's FIRST fill
is measured so: a refill is taken at the last step, which the stated days already assume. A
supply is only ever shortened here, never lengthened. A taper to a stop is left as it is (its
steps end the course themselves: taper.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from math import isfinite
from typing import Any

from fhir_mapping.authorising_order import the_order
from fhir_mapping.dose import quantity_units
from fhir_mapping.dose_sig import Taper
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.medication_drug import NO_MEDICATIONS, medication_index, read_drug
from fhir_mapping.terminology import Component

__all__ = ["capped_first_fills", "capped_order", "step_days"]

_ORDER = EventKind.ORDER
_DISPENSE = EventKind.DISPENSE


def step_days(total_mg: float, taper: Taper) -> float | None:
    """The days `total_mg` lasts taken by the steps of `taper`, the last step going on until
    the supply runs out; None when a step's dose or an earlier step's days are not known."""
    if not isfinite(total_mg) or total_mg <= 0 or len(taper.steps) < 2:
        return None
    days = 0.0
    left = total_mg
    for number, step in enumerate(taper.steps, start=1):
        mg = step.mg_per_day
        if mg is None or mg <= 0:
            return None
        last = number == len(taper.steps)
        if last or step.days is None:
            if not last:
                return None  # a step of unstated length before another: no arithmetic
            return days + left / mg
        used = mg * step.days
        if left <= used:
            return days + left / mg
        days += step.days
        left -= used
    return None  # not reached: the last step returns


def _titration(event: MedicationEvent) -> Taper | None:
    """The event's dose steps when they are a titration that goes on (not a taper to a stop)."""
    taper = event.taper
    if taper is None or taper.stops or len(taper.steps) < 2:
        return None
    return taper


def _capped(event: MedicationEvent, days: float | None, what: str) -> MedicationEvent:
    stated = event.days_supply
    if days is None or stated is None or not days < stated - 0.5:
        return event
    note = (
        f"{event.source}: {what} {stated:g} days, but the sig's dose steps use the quantity in "
        f"{days:.0f} days: the shorter read"
    )
    return replace(event, days_supply=days, notes=(*event.notes, note))


def capped_order(
    events: list[MedicationEvent], resource: Mapping[str, Any], components: Sequence[Component]
) -> list[MedicationEvent]:
    """An order's events (one drug) with its supply cut to the days its ordered quantity lasts by
    its sig's steps when those are fewer (module docstring); else `events` as they are."""
    if len(events) != 1 or len(components) != 1 or events[0].kind is not _ORDER:
        return events
    taper = _titration(events[0])
    strength = components[0].strength_mg
    request = resource.get("dispenseRequest")
    if taper is None or strength is None or not isinstance(request, JSON_OBJECT):
        return events
    units = quantity_units(request.get("quantity"), per_ml=components[0].per_ml)
    if units is None:
        return events
    return [_capped(events[0], step_days(units * strength, taper), "supply stated as")]


def capped_first_fills(
    events: list[MedicationEvent],
    resources: Sequence[Mapping[str, Any]],
    medications: Mapping[str, Mapping[str, Any]] | None,
) -> list[MedicationEvent]:
    """`events` with the first fill of each titration order (an order event with dose steps that
    go on) cut to the days its quantity lasts by the order's steps, when fewer than its
    daysSupply (module docstring). One look at the events when no order is a titration."""
    titrations = {
        (e.source.id, e.ingredient): t
        for e in events
        if e.kind is _ORDER and (t := _titration(e)) is not None
    }
    if not titrations:
        return events
    ordered = {rid for rid, _ in titrations}
    # The fill events by their dispense's id and drug, to find each resource's below.
    by_id: dict[tuple[str, str], MedicationEvent] = {}
    for event in events:
        if event.kind is _DISPENSE:
            by_id.setdefault((event.source.id, event.ingredient), event)
    fills: dict[tuple[str, str], tuple[MedicationEvent, float]] = {}
    for resource in resources:
        if not isinstance(resource, JSON_OBJECT) or resource.get("resourceType") != (
            "MedicationDispense"
        ):
            continue
        oid = the_order(resource)
        if oid is None or oid not in ordered:
            continue
        rid = resource.get("id")
        if medications is None and resource.get("medicationReference") is not None:
            medications = medication_index(resources)
        components = read_drug(resource, medications or NO_MEDICATIONS)[0]
        if len(components) != 1 or components[0].strength_mg is None:
            continue
        fill = by_id.get((str(rid), components[0].ingredient))
        units = quantity_units(resource.get("quantity"), per_ml=components[0].per_ml)
        key = (oid, components[0].ingredient)
        if fill is None or units is None or key not in titrations:
            continue
        earlier = fills.get(key)
        if earlier is None or fill.start < earlier[0].start:  # the order's first fill
            fills[key] = (fill, units * components[0].strength_mg)
    if not fills:
        return events
    cut = {
        id(event): _capped(event, step_days(total, titrations[key]), "daysSupply")
        for key, (event, total) in fills.items()
    }
    return [cut.get(id(event), event) for event in events]
