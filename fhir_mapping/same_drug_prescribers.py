"""Two prescribers' open orders of the SAME running drug (review K61b s10b, fix meds57).

A PCP's sertraline 100 mg order of 2026-05-01 and a psychiatrist's sertraline 150 mg order of
2026-07-01, both `active`, neither with an end. The course reading takes the later order's dose
(the usual case: the psychiatrist took the drug over, episodes.py reads a dose step), and the
optimise card offered "Raise sertraline to 200 mg/day" as one click. But nothing in the record
ends the PCP's order: Epic leaves it on the list until the PCP or a reconciliation discontinues
it, and its repeats can still be filled. If the patient takes both, that is 250 mg/day, above the
200 mg/day top, and the raise would add to it. The safer reading holds the raise as text and asks
for the dose taken (services/rules/optimize/room.py), the dose basis staying the later order's
(nothing here changes the course).

Read so only when each of these holds (else the record shows nothing new):
- both orders are `active` `order`s of the drug naming their requester, by DIFFERENT requesters
  (other_prescriber.same), neither recording an end (other_prescriber.stop_day), the earlier one
  dated before the later, and the drug's course runs;
- no later order of the drug by the earlier order's own requester (their renewal or stop
  supersedes it: one prescriber's orders are read as the course already reads them);
- not the old order merely left open: when the earlier order's supply with repeats and its fills
  all ended more than `days` (MappingPolicy.unknown_ended_days) before as-of AND a completed fill of
  the later order reaches within `days` of as-of, the fills show the later order is the one taken
  and the earlier is history. The card then says nothing of it: the dose basis is already the
  later order's, and a line about an order with no supply for over a month would be a reminder to
  tidy the list, not a fact that changes the next step (meds55 reads such an order the same way:
  other_prescriber.recent). Without fills of the later order, nothing shows which is taken, so
  the raise is held even beside an older order (the safer side: holding a one-click costs a
  question, a raise on top of two orders can pass the maximum).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from fhir_mapping.authorising_order import order_ids
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.gaps import resource_gap, undated_drug
from fhir_mapping.other_prescriber import fill_end, named, recent, requester, same, stop_day
from fhir_mapping.record import DataGap, Trial

# The gap reason (no drug names, no dates: reasons go to the logs). The optimise card's dose-first
# section holds the raise on it (services/rules/optimize/room.py); services/data_gaps.py lists it
# on no "Data not read" line (the record was read).
SAME_DRUG_DOSE_TO_CONFIRM = (
    "active orders of one running drug by two prescribers: the dose taken is not known"
)


def dose_orders(
    events: Sequence[MedicationEvent],
    courses: Iterable[Trial],
    resources: Sequence[Mapping[str, Any]],
    *,
    as_of: date,
    days: int,
) -> list[DataGap]:
    """One gap per earlier open order beside a later open order of the same running drug by
    another prescriber (module docstring), `stated` the card's words."""
    running = {t.ingredient for t in courses if t.ongoing}
    by_id = {
        r["id"]: r
        for r in resources
        if r.get("resourceType") == "MedicationRequest" and isinstance(r.get("id"), str)
    }
    orders = [
        (e, by_id[e.source.id], who)
        for e in events
        if e.kind is EventKind.ORDER
        and e.source is not None
        and e.ingredient in running
        and e.status == "active"
        and stop_day(e, as_of) is None
        and e.source.id in by_id
        and by_id[e.source.id].get("intent") == "order"
        and (who := requester(by_id[e.source.id])) is not None
    ]
    found: list[DataGap] = []
    for order, resource, who in orders:
        later = [
            (e, r, w)
            for e, r, w in orders
            if e.ingredient == order.ingredient and e.start > order.start and not same(w, who)
        ]
        if not later or _renewed(order, who, events, by_id):
            continue
        last, last_resource, by = max(later, key=lambda o: o[0].start)
        if not recent(resource, resources, as_of, days) and _fills_reach(
            last_resource, resources, as_of, days
        ):
            continue  # the old order left open: the later order's fills show it is taken
        others = "another prescriber" if not who[1] and not by[1] else named(by)
        stated = (
            f"{order.ingredient}{_dose(order)} by {named(who) if who[1] else 'one prescriber'} "
            f"({order.start.isoformat()}) still active beside{_dose(last)} by {others} "
            f"({last.start.isoformat()}){_both(order, last)}"
        )
        found.extend(
            resource_gap(
                resource,
                SAME_DRUG_DOSE_TO_CONFIRM,
                undated_drug([order.ingredient])[1],
                stated=stated,
            )
        )
    return found


def _renewed(
    order: MedicationEvent,
    who: tuple[str, str],
    events: Sequence[MedicationEvent],
    by_id: Mapping[str, Mapping[str, Any]],
) -> bool:
    """Whether the order's own requester wrote another order of the drug on or after its day."""
    for e in events:
        if e is order or e.kind is not EventKind.ORDER or e.source is None:
            continue
        if e.ingredient != order.ingredient or e.start < order.start:
            continue
        w = requester(by_id.get(e.source.id, {}))
        if w is not None and same(w, who):
            return True
    return False


def _dose(order: MedicationEvent) -> str:
    """ " 100 mg/day", or "" when the order's daily dose was not read."""
    mg = order.mg_per_day
    return "" if mg is None else f" {mg:g} mg/day"


def _both(order: MedicationEvent, last: MedicationEvent) -> str:
    """ ", 250 mg/day if both are taken", or "" when a daily dose was not read."""
    if order.mg_per_day is None or last.mg_per_day is None:
        return ""
    return f", {order.mg_per_day + last.mg_per_day:g} mg/day if both are taken"


def _fills_reach(
    order: Mapping[str, Any], resources: Sequence[Mapping[str, Any]], as_of: date, days: int
) -> bool:
    """Whether a completed fill naming the order covers to within `days` of as-of."""
    oid = order.get("id")
    for fill in resources:
        if fill.get("resourceType") != "MedicationDispense" or fill.get("status") != "completed":
            continue
        if oid in order_ids(fill) and any(
            end + timedelta(days=days) >= as_of for end in fill_end(fill)
        ):
            return True
    return False
