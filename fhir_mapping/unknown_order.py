"""A clinic order whose status says nothing of whether it runs, read as possibly running while its
supply with repeats may still last (review K60a findings 3, 4, meds52).

A MedicationRequest read `unknown` (sent so, missing, or a string its value set does not define:
medication_statuses.status_read) was kept only as exposure history ending with ONE fill's supply
(medication_types.not_shown_taken). So a phenelzine order of 2026-10-01, 90 tablets for 30 days
and 2 repeats, status `unknown` or missing, raised no MAOI card beside a sertraline draft on
2026-12-01 (the same order `active`: critical, "confirm it is not taken"), and one of 2026-10-20
read "stopped ... not before 2026-12-03" though nothing says it stopped. The status does not say
the order ended, and its repeats cover it to 2026-12-30: the safer reading is the one a statement
`unknown` gets (status_to_confirm.py): to confirm, its drug possibly running for every safety
check ("may be running"), the card naming how far its supply reaches. It is no trial either way
(REFERENCE §0 item 3: adherence cannot be read from an order alone), so the TMS decision is as
before. Once that supply (plus MappingPolicy.unknown_ended_days, as a statement's stated end) is
long past, it is read as before: exposure history, no trial.

Fix meds54: an order read `unknown` that states no supply (no expectedSupplyDuration, no
validityPeriod end) and that no completed fill names has nothing to bound it: its "reach" was its
own day, so 35 days (unknown_ended_days) after it was written it became a course of the 30 days
counted for an order stating no duration (rule 2d): "4.3 weeks" of a drug nobody recorded
taking, and a phenelzine order of 2026-10-01 so read gave no MAOI card beside a sertraline
draft on 2026-12-01. Nothing records how long it was taken, nor that it stopped: it stays a
record to confirm ("no supply or fill on record: how long it was taken is not known"), its drug
possibly running, as a statement `unknown` stating no end does (status_to_confirm.py). A
completed fill naming it is evidence of taking and bounds it: the fills make the course (rule
as before, medication_types.not_shown_taken).

Fix maoi56 (review K62a finding 7): so read at any age, a phenelzine order of 2019, status
`unknown`, no supply on record, gave the critical MAOI card beside a sertraline draft in 2026.
Such an order has no end for unknown_ended_days to count from, so MappingPolicy.unknown_order_days
(70) counts from its own day: within it the order stays to confirm, past it it is read as ended
("order 2019-03-01, status unknown, no supply on record: read as ended" in the data-gap line),
its drug not running for any check, and still no course. Why 70 and not 35: nothing says how
long the drug was taken after the order, and an MAOI (or fluoxetine before one) still acts for
its washout after the last dose (14 days after phenelzine, 35 after fluoxetine: maoi_washout.csv).
So the window the drug may have been taken in (35, unknown_ended_days' default) plus the longest
washout (35): an order of 49 days keeps the MAOI card, the safer reading while the drug may act.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from fhir_mapping.authorising_order import order_ids
from fhir_mapping.dose_tables import duration_days
from fhir_mapping.events import EventKind
from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.medication_dates import parse_date
from fhir_mapping.medication_statuses import UNKNOWN, status_read
from fhir_mapping.medication_supply import refills_allowed, valid_until
from fhir_mapping.policy import UnknownWindows


def supply_reach(resource: Mapping[str, Any]) -> date | None:
    """The last day the order's supply may last: its day plus one fill's expectedSupplyDuration
    times 1 + its repeats, or its validityPeriod's end, the earlier when both are stated (as
    unfilled_order.authorised_until reads an `active` order); the order's own day when it states
    neither (nothing says it reached further). None when the order is undated."""
    start = parse_date(resource.get("authoredOn"))
    if start is None:
        return None
    request = resource.get("dispenseRequest")
    days = (
        duration_days(request.get("expectedSupplyDuration"))
        if isinstance(request, JSON_OBJECT)
        else None
    )
    ends = [] if (until := valid_until(resource)) is None else [max(until, start)]
    if days is not None and days > 0:
        ends.append(start + timedelta(days=round(days * (1 + refills_allowed(resource)))))
    return min(ends, default=start)


def maybe_running(
    resource: Mapping[str, Any],
    kind: EventKind,
    as_of: date,
    windows: UnknownWindows,
    filled: bool = False,
) -> bool:
    """Whether an order read `unknown` may still be taken: its supply reach (`supply_reach`) is
    no more than `windows.ended_days` before `as_of`, or it is unbounded (`unbounded`: no supply
    stated, not `filled`) and its own day no more than `windows.order_days` before it (module
    docstring)."""
    if kind is not EventKind.ORDER or status_read(resource) != UNKNOWN:
        return False
    if unbounded(resource, filled):
        return not read_ended(resource, kind, as_of, windows.order_days, filled)
    reach = supply_reach(resource)
    return reach is not None and reach + timedelta(days=windows.ended_days) >= as_of


def read_ended(
    resource: Mapping[str, Any], kind: EventKind, as_of: date, days: int, filled: bool = False
) -> bool:
    """Whether an order read `unknown` is unbounded (`unbounded`) and written more than `days`
    (MappingPolicy.unknown_order_days) before `as_of`: read as ended, its drug no longer
    possibly running, and no course either (fix maoi56)."""
    if kind is not EventKind.ORDER or status_read(resource) != UNKNOWN:
        return False
    start = parse_date(resource.get("authoredOn"))
    return (
        unbounded(resource, filled) and start is not None and start + timedelta(days=days) < as_of
    )


def ended_said(resource: Mapping[str, Any]) -> str:
    """ "order 2019-03-01, status unknown, no supply on record: read as ended", why the data-gap
    line says its drug is not read as running (`read_ended`)."""
    start = parse_date(resource.get("authoredOn"))
    day = start.isoformat() if start is not None else "undated"
    return f"order {day}, status unknown, no supply on record: read as ended"


def unbounded(resource: Mapping[str, Any], filled: bool) -> bool:
    """Whether a dated order states no supply (its `supply_reach` is its own day) and no
    completed fill names it (`filled`): nothing on record bounds how long it was taken (fix
    meds54). An undated order is left to the undated-drug gap, as before."""
    start = parse_date(resource.get("authoredOn"))
    return not filled and start is not None and supply_reach(resource) == start


def filled_orders(resources: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """The ids of the orders a completed fill among `resources` names (`order_ids`): a supply
    handed over, evidence the drug was taken (fix meds54). A fill of any other status (in
    preparation, declined, `unknown`: unread_fills.py) shows no supply taken, so it bounds
    nothing: its order, read `unknown` and stating no supply, stays a record to confirm."""
    found: set[str] = set()
    for resource in resources:
        if resource.get("resourceType") == _DISPENSE and status_read(resource) == _HANDED_OVER:
            found.update(order_ids(resource))
    return frozenset(found)


class FilledOrders:
    """`filled_orders` of a chart as a test of one order id, the chart walked only when first
    asked (an order read `unknown` stating no supply is rare: medications.medication_events)."""

    def __init__(self, resources: Iterable[Mapping[str, Any]]) -> None:
        self._resources = resources
        self._ids: frozenset[str] | None = None

    def __call__(self, rid: str) -> bool:
        if self._ids is None:
            self._ids = filled_orders(r for r in self._resources if type(r) is dict)
        return rid in self._ids


# FHIR R4 medicationdispense-status `completed`: "The dispensed product has been picked up" (FHIR
# structure, as medication_statuses.DEFINED).
_HANDED_OVER = "completed"
_DISPENSE = "MedicationDispense"


# What the card says of an order read `unknown` with nothing to bound it (`unbounded`).
NO_SUPPLY_SAID = "; no supply or fill on record, so how long it was taken is not known"


def reach_said(resource: Mapping[str, Any], as_of: date, filled: bool = False) -> str:
    """ "; its supply with repeats reaches 2026-12-30" ("reached" when before as-of); when the
    order states no supply beyond its day, that nothing bounds it (NO_SUPPLY_SAID), as it is read
    `unknown` only while no completed fill names it (`unbounded`)."""
    reach = supply_reach(resource)
    start = parse_date(resource.get("authoredOn"))
    if reach is None:
        return ""
    if reach == start:
        # Unbounded (fix meds54): the card states no length the record does not show.
        return "" if filled else NO_SUPPLY_SAID
    verb = "reaches" if reach >= as_of else "reached"
    return f"; its supply with repeats {verb} {reach.isoformat()}"
