"""A fill without a sig whose quantity over its days contradicts the order it fills (meds45,
review K51a finding 2).

A dispense with no dosageInstruction gives its dose as quantity x strength / daysSupply
(medication_event.py, FILL_DOSE_NOTE). Fill-history feeds (Surescripts, Oracle Health) send
that shape with the fill's authorizingPrescription set: venlafaxine ER 37.5 mg "Take 1 capsule
daily", its fills 60 capsules for 30 days. The fill-only days read 75 mg/day, the order's days
37.5: the course became "75 mg/day, 9.9 weeks adequate, failed", a TMS criterion met, and the
order's own day read as "a lowering from 75 to 37.5 mg/day, no fill yet" though every fill was
of that very order. Which of the two the patient takes (1 capsule as ordered, the pharmacy's
quantity a stock-up or a keying slip; or 2, the prescriber's dose changed by phone) cannot be
told from the record, so neither wins, as for a record whose code and name disagree
(product_conflict.py): the fill's dose is to confirm (no lower end: no adequacy rests on it; the
higher reading as its upper end for the ceiling checks), its note naming both readings.

THE RULE (`with_order_doses`): a fill whose dose was read from its quantity over its days, of a
daily dose (no as-needed, weekly or equivalence product), naming exactly one order
(authorising_order.the_order) of the same drug in the chart whose own sig states a clear dose
(no range to confirm, no dose steps, no ward or as-needed order), when the fill's dose is above
the order's upper end by more than a rounded pack (fill_sig._AGREE). Not so, and the fill's
reading stands, when:
- the order states no dose, or a range the fill lies in ("1-2 capsules": fill_dose.fill_in_range
  reads it as the range), or a dose that may change ("1 tablet daily for 7 days, then increase
  to 2 tablets daily if tolerated": dose_sig.changes_dose; dose52's c_conditional chart), or it
  has more than one dosage line;
- a later order of the course, authored after the named one and on or before the fill, states a
  dose the fill agrees with (a raise ordered, the pharmacy's record still naming the old order);
- the fill is BELOW the order: its reading never overstates the dose (an adequacy it cannot
  give), and a short fill is a pack or a partial fill far more often than another dose.

A fill ABOVE such an order by no more than a rounded pack (dose62, review K58a finding 1) reads
as the order's dose, not its own: 50 escitalopram 10 mg for 30 days on "1.5 tablets daily" is
15 mg/day rounded up to a pack, not 16.67 mg/day. Reading the fill made "raise 16.67 -> 20, dose
from fills, ordered 15", a dose no one prescribed, and cut the course at the first fill read after
the order's own day ("16.67 mg/day since 2026-06-01", finding 2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from fhir_mapping.authorising_order import the_order
from fhir_mapping.dose_sig import changes_dose
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.fill_dose import FILL_DOSE_NOTE
from fhir_mapping.fill_sig import _AGREE
from fhir_mapping.product_conflict import dose_disagreement
from fhir_mapping.record import DoseBasis

# The note on a fill read at its order's dose (`_as_ordered`).
FILL_WITHIN_PACK = "fill within a rounded pack of its order's dose"

_ORDER = EventKind.ORDER
_DISPENSE = EventKind.DISPENSE
_DAILY = DoseBasis.DAILY


def _read_from_fill(event: MedicationEvent) -> bool:
    return (
        event.kind is _DISPENSE
        and event.mg_per_day is not None
        and event.mg_per_day_high is None
        and not event.as_needed
        and event.dose_basis is _DAILY
        and event.dose_equivalence is None
        and FILL_DOSE_NOTE in event.notes
    )


def _clear_order(event: MedicationEvent) -> bool:
    """An order stating one dose of its own: no range, steps, ward or as-needed reading."""
    return (
        event.kind is _ORDER
        and event.mg_per_day is not None
        and event.mg_per_day_high is None
        and not event.as_needed
        and not event.ward_order
        and event.taper is None
        and event.dose_basis is _DAILY
        and event.dose_equivalence is None
    )


def _one_fixed_dose(order: Mapping[str, Any]) -> bool:
    """Whether an order has one dosage line whose words say no later dose (`changes_dose`)."""
    lines = order.get("dosageInstruction")
    if not isinstance(lines, list) or len(lines) != 1 or not isinstance(lines[0], JSON_OBJECT):
        return False
    said = [lines[0].get(key) for key in ("text", "patientInstruction")]
    return not any(isinstance(text, str) and changes_dose(text) for text in said)


def _allows(order: MedicationEvent, mg: float) -> bool:
    """Whether `order` states a dose the fill's `mg` agrees with (within a rounded pack)."""
    upper = order.mg_per_day_upper
    return upper is not None and mg <= upper * (1 + _AGREE)


def with_order_doses(
    events: list[MedicationEvent], resources: Sequence[Mapping[str, Any]]
) -> list[MedicationEvent]:
    """`events` (one chart's) with the dose of each fill that contradicts its order to confirm
    (module docstring); `events` itself when there is none (nearly every chart)."""
    fills = [i for i, e in enumerate(events) if _read_from_fill(e)]
    if not fills:
        return events
    wanted = {events[i].source.id for i in fills}
    order_of: dict[str, str] = {}  # dispense id -> the one order it fills
    for resource in resources:
        if (
            isinstance(resource, JSON_OBJECT)
            and resource.get("resourceType") == "MedicationDispense"
            and resource.get("id") in wanted
            and (rid := the_order(resource)) is not None
        ):
            order_of[str(resource["id"])] = rid
    if not order_of:
        return events
    named = set(order_of.values())
    fixed = {  # the orders named whose sig states one dose that stays (module docstring)
        str(resource["id"])
        for resource in resources
        if isinstance(resource, JSON_OBJECT)
        and resource.get("resourceType") == "MedicationRequest"
        and resource.get("id") in named
        and _one_fixed_dose(resource)
    }
    orders: dict[tuple[str, str], int] = {}
    for index, event in enumerate(events):
        if event.kind is _ORDER:
            orders.setdefault((event.source.id, event.ingredient), index)
    changed = list(events)
    contradicted: dict[int, float] = {}  # order index -> the highest fill reading against it
    for i in fills:
        fill = events[i]
        at = orders.get((order_of.get(fill.source.id, ""), fill.ingredient))
        order = events[at] if at is not None else None
        mg = fill.mg_per_day
        if at is None or order is None or mg is None:
            continue
        if order.source.id not in fixed or not _clear_order(order):
            continue
        if _allows(order, mg):
            if order.mg_per_day is not None and mg > order.mg_per_day:
                changed[i] = _as_ordered(fill, order.mg_per_day)  # a rounded pack (dose62)
            continue
        if any(
            e.kind is _ORDER
            and e.ingredient == fill.ingredient
            and order.start < e.start <= fill.start
            and _allows(e, mg)
            for e in events
        ):
            continue  # a later order states the fill's dose: a raise, the old order named
        changed[i] = _to_confirm(fill, mg, "the fill's quantity over its days", order)
        contradicted[at] = max(mg, contradicted.get(at, mg))
    for at, mg in contradicted.items():
        # The order's own days are no proof either: its fills say otherwise (module docstring).
        changed[at] = _to_confirm(events[at], mg, "its fills' quantity over their days", None)
    return changed


def _as_ordered(fill: MedicationEvent, ordered: float) -> MedicationEvent:
    """`fill` read at its order's dose `ordered`: its quantity over its days is above it by no
    more than a rounded pack (module docstring, dose62), the note naming what was filled."""
    note = f"{fill.source}: {FILL_WITHIN_PACK} ({fill.mg_per_day:g} mg/day filled)"
    kept = tuple(n for n in fill.notes if n != FILL_DOSE_NOTE)
    return replace(fill, mg_per_day=ordered, notes=(*kept, note))


def _to_confirm(
    event: MedicationEvent, mg: float, filled: str, order: MedicationEvent | None
) -> MedicationEvent:
    """`event` (a fill, or the `order` it fills when None) with no proven dose, its upper end
    the higher reading, its note naming both (product_conflict.dose_disagreement's words)."""
    stated = order.mg_per_day if order is not None else event.mg_per_day
    where = "its order" if order is not None else "the order"
    found = dose_disagreement((mg, None), filled, [(where, (stated, None))])
    if found is None:
        return event
    upper, note = found
    return replace(
        event,
        mg_per_day=None,
        mg_per_day_high=upper,
        notes=(*event.notes, f"{event.source}: {note}"),
    )
