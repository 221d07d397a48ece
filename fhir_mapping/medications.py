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
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from math import isfinite
from operator import attrgetter
from typing import Any

from fhir_mapping.adherence import reported_adherence
from fhir_mapping.combination_products import product_of
from fhir_mapping.dose import daily_dose_bounds, quantity_units
from fhir_mapping.dose_basis import (
    basis_of,
    equivalence_ingredients,
    equivalence_of,
    mark_draft,
    per_administration_mg,
)
from fhir_mapping.dose_basis import rules as basis_rules
from fhir_mapping.dose_memo import (
    as_needed_reading,
    dosage_text,
    remembered_daily_dose_mg,
    remembered_dose,
    remembered_doses,
)
from fhir_mapping.dose_tables import duration_days
from fhir_mapping.draft_medication import unidentified_draft_gap
from fhir_mapping.drug_table import conditional_ingredients, drug_info
from fhir_mapping.events import MedicationEvent
from fhir_mapping.fhir_fields import JSON_OBJECT, array
from fhir_mapping.formulations import formulation_ingredients, formulation_of
from fhir_mapping.gaps import REVERSED_PERIOD, future_gap, resource_gap, undated_drug
from fhir_mapping.indications import condition_index, stated_reasons
from fhir_mapping.intolerance import status_reason_intolerance
from fhir_mapping.medication_dates import dates_of, parse_date, reversed_period
from fhir_mapping.medication_drug import NO_MEDICATIONS, medication_index, read_drug
from fhir_mapping.medication_supply import (
    MAX_SUPPLY_DAYS,
    PendingDispense,
    estimate_supplies,
    order_supply,
    outside_source,
    quantity_days,
    refills_allowed,
)
from fhir_mapping.medication_types import (
    DISPENSE,
    ORDER,
    STATEMENT,
    TAKEN_NOW,
    TYPE_READINGS,
    TypeReading,
    dosage_lines,
    not_prescribed,
    not_shown_taken,
    resource_dosage_lines,
)
from fhir_mapping.patient_reported import patient_reported
from fhir_mapping.record import (
    DataGap,
    DoseBasis,
    DraftOrder,
    Product,
    SourceRef,
    StatedReason,
    WrittenDates,
)
from fhir_mapping.taper import draft_steps, with_taper
from fhir_mapping.terminology import Component

# The entry points, with the names importers took from here before the split; then private
# names tests reach through this module (test_fill_shortcuts, test_first_sight_shortcuts,
# test_hot_path, test_medication_reading_speed).
__all__ = ["MAX_SUPPLY_DAYS", "draft_orders", "medication_events", "parse_date", "read_drafts"]
_drug = read_drug
_dosages = resource_dosage_lines
_daily_dose_mg = remembered_daily_dose_mg
_dose_memo = remembered_doses

_DAILY = DoseBasis.DAILY
_NO_CONDITIONS: Mapping[str, Mapping[str, Any]] = {}  # a resource with no reasonReference


def _events_of(
    resource: Mapping[str, Any],
    reading: TypeReading,
    drug: tuple[tuple[Component, ...], Mapping[str, Any] | None],
    dates: tuple[date, date | None],
    dosages: Sequence[Mapping[str, Any]],
    product: Product | None,
    written: WrittenDates | None,
    conditions: Callable[[], Mapping[str, Mapping[str, Any]]],
) -> list[MedicationEvent]:
    """The events of one resource of type `reading`: `drug` its (components, referenced
    Medication), `dates` its (start, end), `dosages` its dosage lines (`dosage_lines`), `product`
    the combination product it names (combination_products.py), carried on each event,
    `written` its dates as written when partial, `conditions` the chart's Conditions by id (for
    a reasonReference).

    Everything that does not depend on the component (source, status, adherence, refills, a
    dispense's days supply, the dose memo's key, where a statement comes from, whether the
    patient reported it, its stated reasons) is read once per resource, whatever its number of
    components; each event is built complete, with its dose basis (dose_basis.py) and its stated
    reasons, rather than built and then copied (READ12 finding 3: a copy to attach the reasons
    cost more than reading them, on nearly every Epic order)."""
    components, medication = drug
    start, end = dates
    kind = reading.kind
    rid = resource.get("id")
    source = SourceRef(reading.name, rid if isinstance(rid, str) else str(rid or ""))
    # From another organisation (review 11 finding 6): a statement only.
    outside = outside_source(resource) if kind is STATEMENT else None
    # Resting on the patient's own report (review 12 finding 14): never a dispense.
    reported_by_patient = kind is not DISPENSE and patient_reported(resource)
    # An order with intent `plan` or status `unknown` (medication_types.INTENT_READING): kept,
    # but not by itself a course taken (review 14 W5); a home medication the patient reports is
    # read as patient-reported instead.
    unshown = not_shown_taken(resource) if kind is ORDER and not reported_by_patient else None
    # The stated reasons (indications.py). Epic states one on nearly every order (READ12 finding
    # 3), Synthea on many; two dict lookups for a resource without one (a dispense states none
    # in R4). The Conditions are indexed only for a reasonReference.
    reasons: tuple[StatedReason, ...] = ()
    if "reasonCode" in resource or "reasonReference" in resource:
        reasons = stated_reasons(
            resource, source, conditions() if "reasonReference" in resource else _NO_CONDITIONS
        )
    raw_status = resource.get("status")
    # A malformed status counts as absent (tolerant reading), not as its repr.
    status = raw_status if isinstance(raw_status, str) and raw_status else "unknown"
    combination = len(components) > 1
    # Documented adherence (US Core extension) on an order or statement; a dispense is itself the
    # adherence evidence. No extension at all (most resources): nothing documented.
    reported = (
        reported_adherence(resource)
        if kind is not DISPENSE and resource.get("extension") is not None
        else None
    )
    text = dosage_text(dosages)
    # The drugs whose dose is not a daily one (dose_basis.py), keyed by the lower-case name the
    # drug table gives every event: any other drug is a daily one without asking.
    non_daily = basis_rules()
    equivalents = equivalence_ingredients()
    refills = refills_allowed(resource) if kind is ORDER else 0
    stated_supply = duration_days(resource.get("daysSupply")) if kind is DISPENSE else None
    # A statement's dateAsserted: with its start, the day the record last confirms it (rule 2c).
    asserted = parse_date(resource.get("dateAsserted")) if kind is STATEMENT else None
    # Most resources state no stop reason (the fields status_reason_intolerance reads), and
    # then no intolerance.
    stopped = "statusReason" in resource or "statusReasonCodeableConcept" in resource
    events: list[MedicationEvent] = []
    for component in components:
        info = drug_info(component.ingredient)
        if info is None:
            continue
        notes: tuple[str, ...] = ()
        # The lower end of a ranged dose is the dose (adequacy); the upper end rides along for
        # the checks of a dose that may be too high (dose.py docstring).
        mg, mg_high = remembered_dose(
            text, dosages, component.strength_mg, component.per_ml, not combination
        )
        supply: float | None = None
        if kind is ORDER:
            supply = order_supply(resource, dosages, component)
        elif kind is DISPENSE:
            supply = stated_supply
            if supply is None:
                supply = quantity_days(resource.get("quantity"), dosages, component)
            if mg is None and supply and component.strength_mg is not None:
                # No sig on the dispense: quantity x strength / daysSupply is the dose claims
                # data imply (30 x 50 mg tablets for 30 days = 50 mg/day).
                units = quantity_units(resource.get("quantity"), per_ml=component.per_ml)
                if units is not None:
                    mg = round(units * component.strength_mg / supply, 4)
                    notes = (*notes, "dose from dispensed quantity and days supply")
        # Absurd numbers (1e308 tablets, a supply of 2**64 days) are errors, not history: read
        # them as unknown, which also keeps the date arithmetic on them in range.
        if mg is not None and not isfinite(mg):
            mg = None
        if mg_high is not None and (not isfinite(mg_high) or (mg is not None and mg_high <= mg)):
            mg_high = None  # absurd, or a dose from the quantity at or above the sig's upper end
        # A product whose mg are not the range's mg (Aplenzin, Prozac Weekly): the reference
        # dose, so every check judges it against the range as written (dose_basis.py).
        equivalent = None
        if info.ingredient in equivalents:
            equivalent = equivalence_of(info.ingredient, resource, medication, component.display)
            if equivalent is not None:
                mg, mg_high = equivalent.reference_mg(mg), equivalent.reference_mg(mg_high)
        if supply is not None and not supply <= MAX_SUPPLY_DAYS:
            supply = None
        # Read for every drug (an as-needed dose is never a daily one); None without a dosage.
        prn, prn_max = (
            as_needed_reading(
                text, dosages, component.strength_mg, component.per_ml, not combination
            )
            if dosages
            else (None, None)
        )
        if equivalent is not None and prn_max is not None:
            prn_max = equivalent.reference_mg(prn_max)
        basis = (
            basis_of(info.ingredient, resource, medication)
            if info.ingredient in non_daily
            else _DAILY
        )
        # SR, IR, XL, CR, XR (review 15 W3): the course's ceilings follow the formulation it is
        # taken in, as a draft's do. Not for a dose-equivalent product (Aplenzin HBr): its mg are
        # reference mg, judged against the drug row's ceiling. Nearly every drug has no rows.
        form = (
            formulation_of(info.ingredient, resource, medication, component.display)
            if equivalent is None and info.ingredient in formulation_ingredients()
            else None
        )
        # Positional, in the order of MedicationEvent's fields (issue 14: passing sixteen
        # keywords cost a fifth of building the event); test_medication_event_fields pins it.
        events.append(
            MedicationEvent(
                kind,
                info.ingredient,
                info.drug_class,
                info.role,
                start,
                end,
                mg,  # mg_per_day
                supply,  # days_supply
                status,
                source,
                notes,
                refills,
                status_reason_intolerance(resource, info.ingredient, end) if stopped else None,
                reported,  # reported_adherence
                basis,  # dose_basis
                None if basis is _DAILY else per_administration_mg(mg, resource),
                mg_high,  # mg_per_day_high
                None if equivalent is None else equivalent.key,  # dose_equivalence
                prn,  # as_needed
                False,  # supply_estimated: set by estimate_supplies
                asserted,
                prn_max,  # as_needed_max_mg
                written,  # written_dates
                None,  # taper: set by with_taper (a taper sig is rare)
                product,
                outside,
                reported_by_patient,  # patient_reported
                reasons,
                unshown,  # not_shown_taken
                None if form is None else form.key,  # formulation
            )
        )
    return events


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
    on its events; a reasonReference is resolved among `chart` (the whole chart's resources;
    `resources` when None), indexed only when a resource has one.
    """
    # Medications by id, indexed on the first resource that references one: most charts code
    # their drugs inline and never need it.
    medications: Mapping[str, Mapping[str, Any]] | None = None
    events: list[MedicationEvent] = []
    gaps: list[DataGap] = []
    seen: set[tuple[str, str]] = set()
    pending: list[PendingDispense] = []  # dispenses without days of supply: estimate_supplies
    # Resources whose every drug is read only with another, until the others are known.
    deferred: list[tuple[Mapping[str, Any], TypeReading, tuple[Component, ...], Any]] = []
    conditional = conditional_ingredients()
    found: dict[str, Mapping[str, Any]] | None = None

    def conditions() -> Mapping[str, Mapping[str, Any]]:
        nonlocal found
        if found is None:
            found = condition_index(resources if chart is None else chart)
        return found

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
        if medications is None and resource.get("medicationReference") is not None:
            medications = medication_index(resources)
        components, unreadable, medication = read_drug(resource, medications or NO_MEDICATIONS)
        if unreadable is not None:
            gaps.extend(resource_gap(resource, unreadable))
            continue
        if not components:
            continue  # not on this pathway
        if components[0].ingredient in conditional and all(
            c.ingredient in conditional for c in components
        ):
            deferred.append((resource, reading, components, medication))
            continue
        _read_resource(
            resource, reading, components, medication, as_of, events, gaps, pending, conditions
        )
    if deferred:
        present = drafted.union([e.ingredient for e in events])
        for resource, reading, components, medication in deferred:
            if any(conditional[c.ingredient] & present for c in components):
                _read_resource(
                    resource,
                    reading,
                    components,
                    medication,
                    as_of,
                    events,
                    gaps,
                    pending,
                    conditions,
                )
    if pending:
        estimate_supplies(events, pending, resources, medications)
    events.sort(key=_EVENT_ORDER)
    return events, gaps


def _read_resource(
    resource: Mapping[str, Any],
    reading: TypeReading,
    components: tuple[Component, ...],
    medication: Mapping[str, Any] | None,
    as_of: date,
    events: list[MedicationEvent],
    gaps: list[DataGap],
    pending: list[PendingDispense],
    conditions: Callable[[], Mapping[str, Mapping[str, Any]]],
) -> None:
    """Add the events of one resource whose drug is recognised to `events` (or its gap to
    `gaps`, or it to `pending` when it is a dispense without days of supply). `conditions`
    gives the chart's Conditions by id, for a reasonReference."""
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
        now = resource.get("status") in TAKEN_NOW.get(reading.kind, ())
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
    new = _events_of(
        resource,
        reading,
        (components, medication),
        (start, end),
        dosages,
        product,
        written,
        conditions,
    )
    if dosages and reading.kind is not DISPENSE:  # "... then stop" (review 10 finding 11)
        new = with_taper(new, dosages, components)
    events.extend(new)
    # A dispense without days of supply (Oracle Health): estimated after the loop from its
    # authorising order, which may come later in the chart. A dispense stating daysSupply
    # (the common case) costs one comparison here (issue 14).
    if reading.kind is DISPENSE and new and new[0].days_supply is None:
        pending.append((resource, len(events) - len(new), components))


def flat_drafts(resources: Iterable[object]) -> list[Mapping[str, Any]]:
    """The hook's draftOrders as resources: a Bundle (how CDS Hooks 2.0 sends them) gives its
    entries' resources, anything else not an object is left out. The one reading of that shape:
    build_record flattens once and gives the list to the medication and referral readers, so a
    draft one of them reads the other cannot miss."""
    flat: list[Mapping[str, Any]] = []
    for resource in resources:
        if not isinstance(resource, Mapping):
            continue
        if resource.get("resourceType") == "Bundle":
            for entry in array(resource.get("entry")):
                if isinstance(entry, Mapping) and isinstance(entry.get("resource"), Mapping):
                    flat.append(entry["resource"])
        else:
            flat.append(resource)
    return flat


def draft_orders(
    resources: Sequence[Mapping[str, Any]],
    *,
    chart_medications: Mapping[str, Mapping[str, Any]] = NO_MEDICATIONS,
) -> tuple[DraftOrder, ...]:
    """Antidepressant and adjunct MedicationRequests of the hook's draftOrders (any status);
    `read_drafts` without the gaps."""
    return read_drafts(resources, chart_medications=chart_medications)[0]


def read_drafts(
    resources: Sequence[Mapping[str, Any]],
    *,
    chart_medications: Mapping[str, Mapping[str, Any]] = NO_MEDICATIONS,
) -> tuple[tuple[DraftOrder, ...], list[DataGap]]:
    """(antidepressant and adjunct MedicationRequests of the hook's draftOrders (any status),
    the gaps of the drafts whose drug could not be identified).

    `resources` may be the draftOrders Bundle itself or its entries' resources (`flat_drafts`).
    Drafts are read defensively but not model-validated: a draft is often still incomplete (no
    subject yet), and missing a dose check on the order being signed is worse than reading an
    imperfect draft.

    A `medicationReference` resolves as a chart order's does: to a contained Medication, else
    a Medication among the draftOrders, else one among `chart_medications` (the chart's
    Medications by id: sent in the prefetch as include entries, or read from the FHIR server by
    the protocol layer). An EHR may send the drafted drug only there (review 15 U2: sertraline
    drafted beside phenelzine, its Medication in the prefetch, gave no card). A draft whose drug
    still cannot be identified is never dropped in silence: its gap says so
    (draft_medication.py), and the order hooks say which checks were not made.
    """
    flat = flat_drafts(resources)
    own = medication_index(flat)
    # The draftOrders' own Medications win over the chart's: the EHR sent them with this order.
    medications = {**chart_medications, **own} if chart_medications else own
    orders: list[DraftOrder] = []
    gaps: list[DataGap] = []
    for resource in flat:
        if resource.get("resourceType") != "MedicationRequest":
            continue
        components, unidentified, medication = read_drug(resource, medications)
        if unidentified is not None:
            gaps.extend(unidentified_draft_gap(resource, unidentified))
            continue
        # "Contrave 8-90 mg" is bupropion 90 mg a tablet, and the draft names its product as a
        # course does (combination_products.py): Contrave renewed while Contrave runs is a
        # renewal, bupropion XL beside it a second product (order_checks/shared_ingredient.py).
        product, components = product_of(components)
        dosages = resource_dosage_lines(resource)
        for component in components:
            info = drug_info(component.ingredient)
            if info is None:
                continue
            rid = str(resource.get("id") or "")
            # Esketamine sessions and long-acting injections are per session/interval, not
            # mg/day (dose_basis.py): the draft says so and carries no mg/day range.
            mg, mg_high = daily_dose_bounds(
                dosages,
                strength_mg=component.strength_mg,
                per_ml=component.per_ml,
                mass_applies=len(components) == 1,
            )
            # Dose steps: the ceilings read the highest step, not the last one only; lines of
            # unclear shape prove no dose (taper.draft_steps, review 12 recheck q20).
            note, stops = None, False
            if len(components) == 1:
                mg, mg_high, note, stops = draft_steps(dosages, component, mg, mg_high)
            # Aplenzin, Prozac Weekly: judged at the reference dose (dose_basis.py).
            equivalent = equivalence_of(info.ingredient, resource, medication, component.display)
            if equivalent is not None:
                mg, mg_high = equivalent.reference_mg(mg), equivalent.reference_mg(mg_high)
            prn, prn_max = as_needed_reading(
                None, dosages, component.strength_mg, component.per_ml, len(components) == 1
            )
            if equivalent is not None:
                prn_max = equivalent.reference_mg(prn_max)
            # SR, IR, CR, XR: a formulation with its own labelled ceilings (review 15 W3).
            # Not for a dose-equivalent product (Aplenzin HBr, Prozac Weekly): its mg are read as
            # the reference mg already, and the drug row's ceiling is written in those.
            form = (
                None
                if equivalent is not None
                else formulation_of(info.ingredient, resource, medication, component.display)
            )
            per_dose = None
            if form is not None:
                per_dose = per_administration_mg(mg_high if mg_high is not None else mg, resource)
            orders.append(
                mark_draft(
                    DraftOrder(
                        id=rid,
                        ingredient=info.ingredient,
                        drug_class=info.drug_class,
                        role=info.role,
                        mg_per_day=mg,  # the lower end of a range: adequacy
                        mg_per_day_high=mg_high,  # the upper end: "above the maximum"
                        dose_equivalence=None if equivalent is None else equivalent.key,
                        min_adequate_mg=info.min_adequate_mg,
                        max_mg=info.max_mg,
                        source=SourceRef("MedicationRequest", rid),
                        as_needed=prn,
                        as_needed_max_mg=prn_max,
                        product=product,
                        dose_note=note,
                        tapers_to_stop=stops,
                        formulation=None if form is None else form.key,
                        mg_per_dose=per_dose,
                    ),
                    resource,
                    medication,
                )
            )
    return tuple(orders), gaps
