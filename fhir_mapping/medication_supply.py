"""Days of supply of a medication resource: one fill of an order (expectedSupplyDuration, else
its quantity / the daily use), the refills it authorises, a quantity turned into days, and a
dispense's days estimated from its authorising order when it states none."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from math import isfinite
from typing import Any

from fhir_mapping.authorising_order import order_ids
from fhir_mapping.dose import daily_amounts, daily_units, quantity_units
from fhir_mapping.dose_tables import duration_days
from fhir_mapping.drug_table import drug_info
from fhir_mapping.events import MedicationEvent
from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.medication_dates import parse_date
from fhir_mapping.medication_drug import NO_MEDICATIONS, medication_index, read_drug
from fhir_mapping.medication_types import TYPE_READINGS, dosage_lines, not_prescribed
from fhir_mapping.terminology import Component

# No fill or order covers ten years: a longer supply is a data error (read as unknown).
MAX_SUPPLY_DAYS = 3660.0


def order_supply(
    resource: Mapping[str, Any], dosages: Sequence[Mapping[str, Any]], component: Component
) -> float | None:
    """Days ONE fill of an order covers: expectedSupplyDuration, else the ordered quantity divided
    by the daily use. Refills are read apart (`refills_allowed`): refills authorised are not supply
    taken (issue 10; the old "supply x (1 + repeats)" stretched a finished 12-week course with
    unused refills to 6 months and read it as PDC 25-50 %). episodes.py decides what they count."""
    request = resource.get("dispenseRequest")
    if not isinstance(request, JSON_OBJECT):
        return None
    days = duration_days(request.get("expectedSupplyDuration"))
    if days is None:
        days = quantity_days(request.get("quantity"), dosages, component)
    return days


def valid_until(resource: Mapping[str, Any]) -> date | None:
    """dispenseRequest.validityPeriod.end (None when absent or malformed): the last day the
    order authorises a dispense on (unfilled_order.authorised_until)."""
    request = resource.get("dispenseRequest")
    period = request.get("validityPeriod") if isinstance(request, JSON_OBJECT) else None
    # Most orders state no validityPeriod: None answered before the Mapping ABC check (issue 14).
    if period is None or not isinstance(period, JSON_OBJECT):
        return None
    return parse_date(period.get("end"))


def refills_allowed(resource: Mapping[str, Any]) -> int:
    """dispenseRequest.numberOfRepeatsAllowed (0 when absent or malformed)."""
    request = resource.get("dispenseRequest")
    repeats = request.get("numberOfRepeatsAllowed") if isinstance(request, JSON_OBJECT) else None
    if isinstance(repeats, int) and not isinstance(repeats, bool) and 0 < repeats <= 100:
        return repeats
    return 0


def quantity_days(
    quantity: object, dosages: Sequence[Mapping[str, Any]], component: Component
) -> float | None:
    units = quantity_units(quantity, per_ml=component.per_ml)
    per_day = daily_units(dosages, strength_mg=component.strength_mg, per_ml=component.per_ml)
    if units is None or per_day is None:
        return None
    return units / per_day


# --------------------------------------------------------------------------------------------
# Days of supply estimated from the authorising order (review 6 finding 9)
#
# Oracle Health sends MedicationDispenses with a quantity (30 tablets) and no daysSupply, and
# often no sig of their own; the order they fill carries the sig. The dispense's quantity divided
# by the order's daily units ("1 tablet daily") is the usual estimate. The order's sig is read at
# the UPPER end of a range (dose.daily_units): the fill then lasts the shorter time, the safer
# reading for adherence. Only when the units agree: the same ingredient, a count (tablets,
# capsules) or a volume the dispense's quantity is in, and for a dose written in units the same
# product strength (a "1 tablet daily" order of 100 mg tablets says nothing of how long 50 mg
# tablets last). Anything else stays unestimated ("days' supply not stated").

_ESTIMATED_NOTE = "days supply estimated from quantity and the order's dose"
PendingDispense = tuple[Mapping[str, Any], int, tuple[Component, ...]]


def estimate_supplies(
    events: list[MedicationEvent],
    pending: Sequence[PendingDispense],
    resources: Sequence[Mapping[str, Any]],
    medications: Mapping[str, Mapping[str, Any]] | None,
) -> None:
    """Fill in `days_supply` of the pending dispenses' events (their index in `events`, their
    components) from their authorising orders, looked up in one index of the chart's orders."""
    orders: dict[str, Mapping[str, Any]] | None = None
    for dispense, first, components in pending:
        ids = order_ids(dispense)
        if not ids:
            continue
        if orders is None:
            orders = _orders_by_id(resources)
        order = _authorising_order(ids, orders)
        if order is None:
            continue
        if medications is None and order.get("medicationReference") is not None:
            medications = medication_index(resources)
        ordered = read_drug(order, medications or NO_MEDICATIONS)[0]
        dosages = dosage_lines(order.get("dosageInstruction"))
        quantity = dispense.get("quantity")
        index = first
        for component in components:
            if drug_info(component.ingredient) is None:
                continue  # no event was built for it (_events_of)
            event = events[index]
            index += 1
            if event.days_supply is not None:
                continue
            days = _estimated_days(quantity, component, ordered, dosages)
            if days is not None:
                events[index - 1] = replace(
                    event,
                    days_supply=days,
                    notes=(*event.notes, _ESTIMATED_NOTE),
                    supply_estimated=True,
                )


def _orders_by_id(resources: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """The chart's MedicationRequests by id, those that say a drug was prescribed
    (medications.py docstring): built once per chart, only when a dispense needs its order."""
    orders: dict[str, Mapping[str, Any]] = {}
    dropped = TYPE_READINGS["MedicationRequest"].dropped_statuses
    for resource in resources:
        if not isinstance(resource, JSON_OBJECT) or resource.get("resourceType") != (
            "MedicationRequest"
        ):
            continue
        status = resource.get("status")
        if (isinstance(status, str) and status in dropped) or not_prescribed(resource):
            continue
        rid = resource.get("id")
        if isinstance(rid, str) and rid:
            orders.setdefault(rid, resource)
    return orders


def _authorising_order(
    ids: Sequence[str], orders: Mapping[str, Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    """The one order among `orders` the dispense's authorizingPrescription names (its ids:
    authorising_order.order_ids); None when none is found or the references name different
    orders."""
    found: dict[int, Mapping[str, Any]] = {}
    for rid in ids:
        order = orders.get(rid)
        if order is not None:
            found[id(order)] = order
    return next(iter(found.values())) if len(found) == 1 else None


def _estimated_days(
    quantity: object,
    component: Component,
    ordered: Sequence[Component],
    dosages: Sequence[Mapping[str, Any]],
) -> float | None:
    """The dispensed quantity / the order's daily units of the same ingredient (upper end of a
    range), or None when the units do not agree (see above)."""
    same = [c for c in ordered if c.ingredient == component.ingredient]
    if len(same) != 1 or same[0].per_ml != component.per_ml:
        return None
    units = quantity_units(quantity, per_ml=component.per_ml)
    amounts = daily_amounts(dosages)
    if units is None or amounts is None:
        return None
    for amount in amounts:
        if amount.kind == "mass":
            # mg per day / the dispensed product's mg per unit: needs that strength, and a dose in
            # mg of a combination order does not say which ingredient it counts.
            if component.strength_mg is None or len(ordered) > 1:
                return None
        elif component.strength_mg is None or same[0].strength_mg != component.strength_mg:
            return None  # units of a product of another (or an unknown) strength
    per_day = daily_units(dosages, strength_mg=component.strength_mg, per_ml=component.per_ml)
    if per_day is None:
        return None
    days = units / per_day
    return days if isfinite(days) and 0 < days <= MAX_SUPPLY_DAYS else None


# --------------------------------------------------------------------------------------------
# A statement from another organisation (review 11 finding 6)
#
# Epic's Care Everywhere and other record exchanges send a medication another organisation
# prescribed as a MedicationStatement. Its supply was dispensed there, so it is never in this
# chart's pharmacy feed: the days it covers beyond the local fills are "not verified", never a
# supply gap that contradicts adherence (adherence.outside_tail). What marks a statement as
# outside, read from the resource itself (THE RULE):
# - meta.tag or meta.security coded "external" (Epic tags Care Everywhere records so, under its
#   own OID: the code is what is read, whatever the system);
# - informationSource an Organization (a reference "Organization/..." or type Organization): a
#   statement kept here names the patient or a clinician as its source; one naming an
#   organisation was received from it.
# Any other statement is still a report without fills behind it: its days beyond the local
# supply are unverified too (statement_tail), worded "statement only" instead of "outside
# record". So a wrong guess here changes only the words, never what is counted.
_EXTERNAL_CODES = frozenset({"external"})


def outside_source(resource: Mapping[str, Any]) -> str | None:
    """The outside organisation a MedicationStatement came from, as the card names it
    ("Baptist Health (Care Everywhere)"; "another organisation" when unnamed), or None when the
    resource does not say it came from outside (see above)."""
    meta = resource.get("meta")
    tagged = False
    tag_label: str | None = None
    if isinstance(meta, JSON_OBJECT):
        for field in ("tag", "security"):
            marks = meta.get(field)
            for mark in marks if isinstance(marks, list) else ():
                code = mark.get("code") if isinstance(mark, JSON_OBJECT) else None
                if isinstance(code, str) and code.strip().lower() in _EXTERNAL_CODES:
                    tagged = True
                    display = mark.get("display")
                    if isinstance(display, str) and display.strip() and tag_label is None:
                        tag_label = display.strip()
    source = resource.get("informationSource")
    named: str | None = None
    organisation = False
    if isinstance(source, JSON_OBJECT):
        target = source.get("reference")
        kind = source.get("type")
        organisation = (
            isinstance(target, str) and target.split("/")[-2:-1] == ["Organization"]
        ) or kind == "Organization"
        display = source.get("display")
        # The display names the organisation when the reference says it is one, or when a
        # record tagged external names its source by display alone (Care Everywhere); a display
        # beside a Patient or Practitioner reference is a person, not shown as the source.
        if (
            isinstance(display, str)
            and display.strip()
            and (organisation or (tagged and target is None and kind is None))
        ):
            named = display.strip()
    if not (tagged or organisation):
        return None
    return named or tag_label or "another organisation"
