"""An open order by one prescriber that another prescriber's stop did not end (review K61b
finding 8, fix meds55).

Two prescribers' orders of one drug are separate records: a PCP's escitalopram 10 mg order of
2026-02-01, `active`, 90 days with 3 repeats, and a psychiatrist's escitalopram 20 mg order of
2026-03-15 stopped on 2026-07-31 (boundsPeriod.end). The course reading (episodes.py rule 2a: an
explicit end ends the course, and the supply other records of the drug handed out with it) ends
escitalopram on 2026-07-31, so the card read one running drug, venlafaxine, and offered its raise
as the first one-click. But the psychiatrist's stop ends the psychiatrist's order; nothing in the
record ends the PCP's, which is `active` and whose supply with repeats reaches 2027-01-27. Whether
the patient still takes escitalopram is not known (Epic leaves a PCP's order on the list until
that PCP or a reconciliation discontinues it): the safer reading is the one a record to confirm
gets (status_to_confirm.py), its drug possibly running for every safety check ("may be running",
the card naming the order, its prescriber and its day), so no raise of another antidepressant and
no second serotonergic drug is proposed as if only one ran (services/rules/optimize/dose_first.py
holds the raise beside a drug that may be running). The course reading is unchanged: no time is
counted from the open order (REFERENCE §0 item 3: taking cannot be read from an order alone).

Read so only when each of these holds (else the record shows nothing new):
- the order is `active`, an `order` (not a plan) and names its requester (a reference or a
  display), and no course of its drug runs (a running course is read as running already);
- an order of the drug by ANOTHER requester ends, by a stated end or a `stopped` / `completed`
  status, on or after the order's day (the stop that cut the course while it was open);
- no later order of the drug by the SAME requester (that prescriber's own renewal or stop
  supersedes the order: the control of one prescriber's order replaced by their own stop);
- it is recent: its supply with repeats (unknown_order.supply_reach), or a completed fill naming
  it, reaches within `days` (MappingPolicy.unknown_ended_days, as for an order read `unknown`) of
  as-of. A PCP order whose fills stopped two years ago is history, not a drug to confirm.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from fhir_mapping.authorising_order import order_ids
from fhir_mapping.dose_tables import duration_days
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.gaps import resource_gap, undated_drug
from fhir_mapping.medication_dates import parse_date
from fhir_mapping.record import DataGap, Trial
from fhir_mapping.unknown_order import supply_reach

# The gap reason (no drug names, no dates: reasons go to the logs). services/taken_to_confirm.py
# words its confirm line; services/data_gaps.py lists it on no "Data not read" line (the record
# was read: the card's drug-to-confirm line says what is open).
OTHER_PRESCRIBER_TO_CONFIRM = (
    "active order by one prescriber not ended by another prescriber's stop: whether the drug "
    "is taken now is not known"
)
# FHIR R4 medicationrequest-status codes that record an order's end: FHIR structure, in code.
_ENDED = frozenset({"stopped", "completed"})


def open_orders(
    events: Sequence[MedicationEvent],
    courses: Iterable[Trial],
    resources: Sequence[Mapping[str, Any]],
    *,
    as_of: date,
    days: int,
) -> list[DataGap]:
    """The gaps of the `active` orders another prescriber's stop did not end (module
    docstring), one per order, its drug `taken_now`."""
    orders = [e for e in events if e.kind is EventKind.ORDER and e.source is not None]
    if len(orders) < 2:
        return []
    running = {t.ingredient for t in courses if t.ongoing}
    by_id = {
        r["id"]: r
        for r in resources
        if r.get("resourceType") == "MedicationRequest" and isinstance(r.get("id"), str)
    }
    found: list[DataGap] = []
    for order in orders:
        resource = by_id.get(order.source.id)
        if (
            resource is None
            or order.status != "active"
            or resource.get("intent") != "order"
            or order.ingredient in running
        ):
            continue
        who = requester(resource)
        if who is None:
            continue
        others = [
            (e, requester(by_id.get(e.source.id, {})))
            for e in orders
            if e is not order and e.ingredient == order.ingredient
        ]
        if any(w is not None and same(w, who) and e.start >= order.start for e, w in others):
            continue  # its own prescriber wrote again: renewed or stopped by them
        # A stop by another prescriber recorded on or after this order's day: it cut the course
        # while this order was open (episodes.py rule 2a), but it is not this order's stop.
        stops = [
            (e, w)
            for e, w in others
            if w is not None
            and not same(w, who)
            and (day := stop_day(e, as_of)) is not None
            and day >= order.start
        ]
        if not stops or not recent(resource, resources, as_of, days):
            continue
        stop, by = max(stops, key=lambda s: stop_day(s[0], as_of) or s[0].start)
        stated = (
            f"{order.ingredient} may still be running: an active order by {named(who)} dated "
            f"{order.start.isoformat()}, not ended by {named(by)}'s stop of "
            f"{(stop_day(stop, as_of) or stop.start).isoformat()}"
        )
        found.extend(
            resource_gap(
                resource,
                OTHER_PRESCRIBER_TO_CONFIRM,
                undated_drug([order.ingredient])[1],
                taken_now=(order.ingredient,),
                stated=stated,
            )
        )
    return found


def requester(resource: Mapping[str, Any]) -> tuple[str, str] | None:
    """(reference, display) of an order's requester, either "" when not stated; None when it
    states neither (then who wrote it is not known, and nothing says another prescriber did)."""
    who = resource.get("requester")
    if not isinstance(who, JSON_OBJECT):
        return None
    reference, display = who.get("reference"), who.get("display")
    ref = reference.strip() if isinstance(reference, str) else ""
    shown = " ".join(display.split()) if isinstance(display, str) else ""
    return (ref, shown) if ref or shown else None


def same(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """One prescriber: the same reference, else (no reference on one side) the same display."""
    if a[0] and b[0]:
        return a[0] == b[0]
    return bool(a[1]) and a[1].casefold() == b[1].casefold()


def named(who: tuple[str, str]) -> str:
    """The requester as the card names it: its display, else "another prescriber" (an id is
    no name a clinician reads)."""
    return who[1] or "another prescriber"


def stop_day(event: MedicationEvent, as_of: date) -> date | None:
    """The day an order records its end by, on or before as-of: its stated end, else (status
    `stopped` / `completed`) the day the stop was recorded by, else its own day; None when it
    records no end."""
    if event.end is not None:
        return event.end if event.end <= as_of else None
    if event.status in _ENDED:
        return min(max(event.start, event.asserted or event.start), as_of)
    return None


def recent(
    order: Mapping[str, Any], resources: Sequence[Mapping[str, Any]], as_of: date, days: int
) -> bool:
    """Whether the order's supply with repeats, or a completed fill naming it, reaches within
    `days` of as-of."""
    ends = [] if (reach := supply_reach(order)) is None else [reach]
    oid = order.get("id")
    for fill in resources:
        if fill.get("resourceType") != "MedicationDispense" or fill.get("status") != "completed":
            continue
        if oid not in order_ids(fill):
            continue
        ends.extend(fill_end(fill))
    return any(end + timedelta(days=days) >= as_of for end in ends)


def fill_end(fill: Mapping[str, Any]) -> list[date]:
    """The last day a fill's supply covers (its hand-over plus its daysSupply), as a list."""
    handed = parse_date(fill.get("whenHandedOver") or fill.get("whenPrepared"))
    if handed is None:
        return []
    supply = duration_days(fill.get("daysSupply"))
    return [handed + timedelta(days=round(supply or 0))]
