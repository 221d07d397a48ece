"""MedicationRequest / MedicationStatement / MedicationDispense -> MedicationEvent.

One resource gives one event per recognised component (a fluoxetine/olanzapine capsule gives a
fluoxetine event and an olanzapine event). The medication is read from
`medicationCodeableConcept`, or from `medicationReference` resolved to a contained Medication
("#id") or a Medication among the same resources ("Medication/<id>", or "urn:uuid:<id>" as Synthea
writes it, with the uuid as the Medication's id).

Read tolerantly (issue 10): fields are read from the plain dict defensively, a malformed field
counts as absent, and a resource is left out only when its drug or its date cannot be read; then
it is reported as a DataGap, never dropped in silence. No whole-resource model validation: real
EHRs send resources that are non-conformant outside the fields read here (Epic's `category` as
one object), and the drug history is worth more than the conformance.

Statuses (issue 3): `entered-in-error` and `cancelled` are dropped everywhere; `draft`
MedicationRequests are dropped here (drafts come only from the hook's draftOrders, see
`draft_orders`). Also dropped because they say the drug was *not* taken or given:
MedicationStatement `not-taken`, MedicationDispense `declined`, MedicationRequest with
`doNotPerform: true`, `proposal` / `option` intents (a suggestion, not a prescription), and a
referenced Medication that is itself `entered-in-error`. Intent `plan` is kept: some EHRs export
documented home medications that way, and they are exposure history; but a plan is no
authorization, so an order with intent `plan` (or status `unknown`) carries why on its event
(`MedicationEvent.not_shown_taken`), and a course of such orders only, with no fill and no
statement, is no trial (review 14 W5; trial_record.py). Other statuses are kept on the event for
the episode builder.

Here: the walk of the resources (`medication_events`: what is dropped, read, deferred, or a gap).
One resource's dates and gaps are read in medication_resource.py (`read_resource`), the events
of one dated resource built in medication_event.py (`events_of`: dose, supply, basis,
formulation, stated reasons, one positional MedicationEvent per component), and the hook's
draft orders are read in
medication_drafts.py (`read_drafts`, `draft_orders`, `flat_drafts`): each apart because it is a
reading of its own, with its own tests, and this module re-exports the drafts' names so no
importer changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from operator import attrgetter
from typing import Any

from fhir_mapping.authorising_order import order_ids, the_order
from fhir_mapping.chart_medications import ChartMedications, chart_medications
from fhir_mapping.combination_products import product_of
from fhir_mapping.conditional_fills import ConditionalKey, conditional_key
from fhir_mapping.depression_unknown_name import for_depression
from fhir_mapping.dose_memo import remembered_daily_dose_mg, remembered_doses
from fhir_mapping.drug_concept import NAME_FOR_DEPRESSION
from fhir_mapping.drug_table import conditional_ingredients
from fhir_mapping.events import MedicationEvent
from fhir_mapping.fhir_fields import JSON_OBJECT, string
from fhir_mapping.fill_order_dose import with_order_doses
from fhir_mapping.fill_order_drug import own_medication_unread
from fhir_mapping.fill_order_drug import reason as order_reason
from fhir_mapping.fill_order_mismatch import mismatch_gaps
from fhir_mapping.gaps import resource_gap, undated_drug
from fhir_mapping.indications import condition_index
from fhir_mapping.medication_dates import parse_date
from fhir_mapping.medication_drafts import draft_orders, flat_drafts, read_drafts
from fhir_mapping.medication_drug import (
    NO_MEDICATIONS,
    drug_look,
    off_pathway,
    read_drug,
    read_only_with_another,
    unidentified_reason,
    unread_codes,
)
from fhir_mapping.medication_event import source_of
from fhir_mapping.medication_resource import read_resource
from fhir_mapping.medication_supply import (
    MAX_SUPPLY_DAYS,
    PendingDispense,
    estimate_supplies,
)
from fhir_mapping.medication_types import (
    DISPENSE,
    ORDER,
    TAKEN_NOW,
    TYPE_READINGS,
    TypeReading,
    not_prescribed,
    resource_dosage_lines,
)
from fhir_mapping.order_readings import OrderReadings
from fhir_mapping.policy import SUPPLY_GAP_DAYS, UNKNOWN_WINDOWS, UnknownWindows
from fhir_mapping.product_conflict import (
    DRUG_TO_CONFIRM,
    drug_conflict,
)
from fhir_mapping.record import DataGap
from fhir_mapping.repeat_fills import (
    RepeatFill,
    remember,
    rememberable,
    repeat_events,
    repeat_key,
)
from fhir_mapping.stated_form import read_without_form, with_order_form
from fhir_mapping.terminology import Component
from fhir_mapping.titration_supply import capped_first_fills
from fhir_mapping.unidentified_taken import taken_now

# The entry points, with the names importers took from here before the splits (the drafts' from
# medication_drafts.py); then private names tests reach through this module (test_fill_shortcuts,
# test_first_sight_shortcuts, test_hot_path, test_medication_reading_speed).
__all__ = [
    "MAX_SUPPLY_DAYS",
    "draft_orders",
    "flat_drafts",
    "medication_events",
    "parse_date",
    "read_drafts",
]
_drug = read_drug
_dosages = resource_dosage_lines
_daily_dose_mg = remembered_daily_dose_mg
_dose_memo = remembered_doses


# The events' order: EventKind is a StrEnum, so a member orders as its value (`.value` is a slow
# property), and attrgetter builds the key tuple at C speed.
_EVENT_ORDER = attrgetter("start", "ingredient", "kind", "source.id")


def medication_events(
    resources: Sequence[Mapping[str, Any]],
    *,
    as_of: date,
    unique: bool = False,
    drafted: frozenset[str] = frozenset(),
    chart: Sequence[Mapping[str, Any]] | None = None,
    unknown: UnknownWindows = UNKNOWN_WINDOWS,
    supply_gap_days: int = SUPPLY_GAP_DAYS,
    lists: ChartMedications | None = None,
) -> tuple[list[MedicationEvent], list[DataGap]]:
    """(events of the antidepressants and adjuncts among `resources`, what was left out).

    Read tolerantly (issue 10): no whole-resource validation; each field is read defensively and a
    malformed one counts as absent. Left out, and returned as a DataGap naming the resource: a
    drug that cannot be identified at all (an unresolvable Medication reference with no display)
    and a recognised drug with no usable date. Events starting after `as_of` are dropped, so a
    replay sees the chart as it was that day. The same (type, id) is read once; `unique` says
    the caller has made them unique already (build_record: then no resource is looked for twice).

    A drug read only with another (DrugInfo.read_only_with: lisinopril with lithium) is read
    only when that other one has an event here or is among `drafted` (the ingredients of the
    hook's draft orders); otherwise it is left out in silence, as a drug off the pathway is.

    An order's or statement's stated reasons (reasonCode / reasonReference: indications.py) ride
    on its events; a reasonReference is resolved among the Conditions of `chart` (the whole
    chart's resources, or only its Conditions, as build_record passes them; `resources` when
    None), indexed only when a resource has one. A statement `unknown` whose stated period ended
    more than `unknown.ended_days` ago is read as its past course (status_to_confirm.py). A fill
    whose drug is not identified is taken now while its supply and `supply_gap_days` reach
    `as_of` (unidentified_taken.py). `lists`: `resources` read once (chart_medications.py).
    """
    lists = chart_medications(resources) if lists is None else lists
    medications: Mapping[str, Mapping[str, Any]] = lists.medications  # Medications by id
    events: list[MedicationEvent] = []
    gaps: list[DataGap] = []
    seen: set[tuple[str, str]] = set()
    pending: list[PendingDispense] = []  # dispenses without days of supply: estimate_supplies
    # Resources whose every drug is read only with another, until the others are known.
    deferred: list[tuple[Mapping[str, Any], TypeReading, tuple[Component, ...], Any, str]] = []
    conditional = conditional_ingredients()

    def read_one(
        resource: Mapping[str, Any],
        reading: TypeReading,
        components: tuple[Component, ...],
        medication: Any,
        from_order: str,
    ) -> int:
        """Read one resource's events (and the line of a fill read with its order's drug);
        the number of events before it, so the caller sees what it added."""
        before = len(events)
        read_resource(
            resource,
            reading,
            components,
            medication,
            as_of,
            events,
            gaps,
            pending,
            conditions,
            unknown,
            has_fill,
        )
        if from_order and len(events) > before:
            gaps.extend(_from_order_gap(resource, from_order, components))
        return before

    found: dict[str, Mapping[str, Any]] | None = None
    has_fill = lists.filled.__contains__  # orders a completed fill names
    orders = OrderReadings(lists.orders)  # each order a fill names, read once: order_readings.py
    repeats: dict[bytes, RepeatFill] = {}  # dispenses read, by repeat_key: this chart's only
    quietly_deferred: set[ConditionalKey] = set()  # conditional_fills.py: this walk's only

    def conditions() -> Mapping[str, Mapping[str, Any]]:
        nonlocal found
        if found is None:
            found = condition_index(resources if chart is None else chart)
        return found

    def filled(dispense: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The one order of the chart `dispense` fills, as sent (None: none, or several)."""
        return orders.order(the_order(dispense))

    def mismatch(
        dispense: Mapping[str, Any],
        components: tuple[Component, ...],
        medication: Any,
        *,
        add: bool = True,
    ) -> bool:
        """Whether `dispense`, read as `components`, fills one order of another drug: its gap
        added then (fill_order_mismatch.py), it is read no further."""
        if (rid := the_order(dispense)) is None:
            return False
        ordered = orders.read(rid, medications)
        found = mismatch_gaps(dispense, components, medication, ordered, as_of)
        if add:  # else the fill is read in full, its Medication with it (the gap's words)
            gaps.extend(found or ())
        return found is not None

    for resource in resources:
        if not isinstance(resource, JSON_OBJECT):
            continue
        reading = TYPE_READINGS.get(resource.get("resourceType"))  # type: ignore[arg-type]
        if reading is None:
            continue
        # Dropped: the resource says the drug was not taken or given (module docstring). Read
        # before any validation: a status or intent that is not a string is no status.
        status = resource.get("status")
        if isinstance(status, str) and status in reading.dropped_statuses:
            continue
        if reading.kind is ORDER and not_prescribed(resource):
            continue
        if not unique:
            rid = resource.get("id")
            if isinstance(rid, str) and rid:
                key = (reading.name, rid)
                if key in seen:
                    continue
                seen.add(key)
        # A fill whose product and sig an earlier fill of this chart had (repeat_fills.py):
        # only its dates and source are read. A fill of a drug off this pathway (most of them)
        # is passed over first: its key cost four times its concept's memo (off_pathway); and
        # one deferred below (lisinopril) is never remembered, so it writes no key. Its
        # concept is read once, here, for every reading of it below (issue 14).
        look = drug_look(resource)
        named = None
        if reading.kind is DISPENSE and off_pathway(look):  # as `not components` below
            # Unless a name the tables do not hold fills an order for depression (fix meds49),
            # which only an order stating a reason can be (`lists.reasoned`; issue 14, perf18).
            oid = the_order(resource)
            if oid in lists.reasoned:
                named = for_depression(resource, reading, None, conditions, orders.order(oid))
            if named is None:
                continue
        only_with = reading.kind is DISPENSE and read_only_with_another(look)
        fill = (
            repeat_key(resource)
            if reading.kind is DISPENSE and named is None and not only_with
            else None
        )
        if (
            fill is not None
            and (known := repeats.get(fill)) is not None
            and not mismatch(resource, known.components, None, add=False)
        ):
            new = repeat_events(resource, known, source_of(resource, reading), as_of)
            if new is not None:
                events.extend(new)
                if new and new[0].days_supply is None:  # as read_resource does
                    pending.append((resource, len(events) - len(new), known.components))
                continue
        # A fill of a drug read only with another, deferred as an earlier fill of the same
        # concept and order was, with no gap: its checks would answer the same (conditional_fills).
        quiet = conditional_key(resource, look) if only_with else None
        if quiet is not None and quiet in quietly_deferred and look is not None:
            deferred.append((resource, reading, look[1], None, ""))
            continue
        components, unreadable, medication = read_drug(
            resource, medications or NO_MEDICATIONS, look
        )
        from_order = ""
        if (
            unreadable is not None
            and reading.kind is DISPENSE
            and own_medication_unread(unreadable)
        ):
            # Its own Medication not had: read with its order's drug, when that order is read
            # (fill_order_drug.py, review s21 RC M3); never a guess otherwise.
            ordered = orders.read(the_order(resource), medications or NO_MEDICATIONS)
            if ordered is not None:
                from_order, unreadable = unreadable, None
                components, medication = ordered.components, ordered.medication
                fill = None  # its repeats are read on their own: each fill names its order
        elif reading.kind is DISPENSE and unreadable is None and read_without_form(components):
            # A fill stating no form of its own, of an order that states it (stated_form.py,
            # recheck K41a finding 3): each such fill read on its own, never as a repeat.
            ordered = orders.read(the_order(resource), medications or NO_MEDICATIONS)
            if ordered is not None:
                carried = with_order_form(components, resource, medication, ordered.components)
                if carried != components:
                    components, fill = carried, None
        if unreadable is None and not components:
            # A name the tables do not hold, ordered for depression: not identified (fix meds47);
            # a fill of one, by its order's reason (fix meds49).
            if named is None:
                order = filled(resource) if reading.kind is DISPENSE else None
                named = for_depression(resource, reading, medication, conditions, order)
            unreadable = None if named is None else NAME_FOR_DEPRESSION
        if unreadable is not None:
            # The code the tables do not know is named beside the record (review 18a U1).
            stated = named or unread_codes(resource, medication)
            # An unidentified drug its record says is taken now (by an order's or a statement's
            # status, a fill's days of supply: unidentified_taken.py): the TMS screen and the
            # bupropion option ask about it (DataGap.said_taken; fix drug48, fix drug49).
            taken = taken_now(resource, reading.kind, as_of, supply_gap_days, unknown.ended_days)
            said = taken.said_taken and unidentified_reason(unreadable)
            if said and reading.kind is DISPENSE and named is None:
                # A fill of orders the chart reads (its own Medication not had, two orders
                # named) is of one of their drugs, not an unknown one (fix drug49). A fill of
                # a name for depression fills the order of that same unknown name (meds49).
                meds = medications or NO_MEDICATIONS
                said = not any(orders.read(o, meds) is not None for o in order_ids(resource))
            left_out = resource_gap(
                resource,
                unreadable,
                stated=stated,
                said_taken=said,
                supply_days=taken.supply_days if said else None,
            )
            if said and taken.status_unknown:  # worded as possibly running (fix drug50)
                left_out = [replace(g, said_unknown=True) for g in left_out]
            gaps.extend(left_out)
            continue
        if not components:
            continue  # not on this pathway
        # Its code and its name give different drugs (review 18a W1): neither reading wins.
        # Not a trial of either; named with both readings; both taken now when it says so.
        conflict = drug_conflict(resource, medication, look)
        if conflict is not None:
            now = string(resource.get("status")) in TAKEN_NOW.get(reading.kind, ())
            drugs = tuple(dict.fromkeys((*conflict.code_drugs, *conflict.name_drugs)))
            gaps.extend(
                resource_gap(
                    resource,
                    DRUG_TO_CONFIRM,
                    undated_drug(drugs)[1],
                    taken_now=drugs if now else (),
                    stated=conflict.stated(),
                )
            )
            continue
        # A fill whose own product is not the drug of the order it fills (session 21 X1):
        # neither wins, as above (fill_order_mismatch.py).
        if (
            reading.kind is DISPENSE
            and not from_order
            and mismatch(resource, components, medication)
        ):
            continue
        if components[0].ingredient in conditional and all(
            c.ingredient in conditional for c in components
        ):
            deferred.append((resource, reading, components, medication, from_order))
            if quiet is not None:
                quietly_deferred.add(quiet)
            continue
        read = read_one(resource, reading, components, medication, from_order)
        if fill is not None and len(events) > read and rememberable(fill):
            repeats[fill] = remember(product_of(components)[1], events[read:])
    if deferred:
        present = drafted.union([e.ingredient for e in events])
        for resource, reading, components, medication, from_order in deferred:
            if any(conditional[c.ingredient] & present for c in components):
                read_one(resource, reading, components, medication, from_order)
    if pending:
        estimate_supplies(events, pending, resources, medications)
    events = capped_first_fills(events, resources, medications)  # titration (span72)
    events = with_order_doses(events, resources)  # a fill contradicting its order (meds45)
    events.sort(key=_EVENT_ORDER)
    return events, gaps


def _from_order_gap(
    resource: Mapping[str, Any], own: str, components: tuple[Component, ...]
) -> list[DataGap]:
    """The line of a fill read with its order's drug (fill_order_drug.py), `own` saying why its
    own Medication was not read; placed by what its drug is, as an undated one would be."""
    domain = undated_drug(c.ingredient for c in components)[1]
    return resource_gap(resource, order_reason(own), domain)
