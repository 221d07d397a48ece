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
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from fhir_mapping.dose_tables import duration_days
from fhir_mapping.events import EventKind
from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.medication_dates import parse_date
from fhir_mapping.medication_statuses import UNKNOWN, status_read
from fhir_mapping.medication_supply import refills_allowed, valid_until


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


def maybe_running(resource: Mapping[str, Any], kind: EventKind, as_of: date, days: int) -> bool:
    """Whether an order read `unknown` may still be taken: its supply reach (`supply_reach`) is
    no more than `days` before `as_of` (module docstring)."""
    if kind is not EventKind.ORDER or status_read(resource) != UNKNOWN:
        return False
    reach = supply_reach(resource)
    return reach is not None and reach + timedelta(days=days) >= as_of


def reach_said(resource: Mapping[str, Any], as_of: date) -> str:
    """ "; its supply with repeats reaches 2026-12-30" ("reached" when before as-of), "" when the
    order states no supply beyond its day."""
    reach = supply_reach(resource)
    start = parse_date(resource.get("authoredOn"))
    if reach is None or reach == start:
        return ""
    verb = "reaches" if reach >= as_of else "reached"
    return f"; its supply with repeats {verb} {reach.isoformat()}"
