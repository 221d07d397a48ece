"""The MedicationEvents of one medication resource whose drug and dates are read (`events_of`):
one per recognised component, each built complete and positionally (its dose and dose range, days
of supply, dose basis, dose equivalence, as-needed dose, formulation, stop reason, documented
adherence, where it comes from and its stated reasons), never built and then copied (READ12
finding 3; issue 14).

Apart from medications.py, which decides which resources are read and with which dates, because
this is the per-event reading of the fields; medications.py calls it once a resource.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from math import isfinite
from typing import Any

from fhir_mapping.adherence import reported_adherence
from fhir_mapping.admission_codes import is_ward_order
from fhir_mapping.agitation_doses import covers, one_time_parenteral
from fhir_mapping.dose import quantity_units
from fhir_mapping.dose_basis import (
    basis_of,
    equivalence_ingredients,
    equivalence_of,
    per_administration_mg,
)
from fhir_mapping.dose_basis import rules as basis_rules
from fhir_mapping.dose_memo import as_needed_reading, dosage_text, remembered_dose
from fhir_mapping.dose_tables import duration_days
from fhir_mapping.drug_table import drug_info
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.fhir_fields import array
from fhir_mapping.fill_dose import FILL_DOSE_NOTE
from fhir_mapping.fill_sig import read_from_sig, with_fill
from fhir_mapping.formulations import formulation_ingredients, formulation_of
from fhir_mapping.indications import stated_reasons
from fhir_mapping.injection_courses import interval_rows, product_names
from fhir_mapping.intolerance import status_reason_intolerance
from fhir_mapping.medication_dates import parse_date, stop_recorded
from fhir_mapping.medication_statuses import status_read
from fhir_mapping.medication_supply import (
    MAX_SUPPLY_DAYS,
    order_supply,
    outside_source,
    quantity_days,
    refills_allowed,
    valid_until,
)
from fhir_mapping.medication_types import (
    DISPENSE,
    ORDER,
    ORDER_ENDED,
    STATEMENT,
    TypeReading,
    not_shown_taken,
)
from fhir_mapping.note_intolerance import note_intolerance
from fhir_mapping.patient_reported import listed_order, patient_reported
from fhir_mapping.record import (
    DoseBasis,
    Intolerance,
    Product,
    SourceRef,
    StatedReason,
    WrittenDates,
)
from fhir_mapping.sig_unclear import dosage_unclear
from fhir_mapping.sleep_use import sleep_dose_ingredients, states_sleep_purpose
from fhir_mapping.stop_reasons import stopped_for
from fhir_mapping.terminology import Component

_DAILY = DoseBasis.DAILY
_INTERVAL = DoseBasis.INTERVAL
_NO_CONDITIONS: Mapping[str, Mapping[str, Any]] = {}  # a resource with no reasonReference


def source_of(resource: Mapping[str, Any], reading: TypeReading) -> SourceRef:
    """Where the events of `resource`, of type `reading`, come from: its type and id."""
    rid = resource.get("id")
    return SourceRef(reading.name, rid if isinstance(rid, str) else str(rid or ""))


def events_of(
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
    source = source_of(resource, reading)
    # From another organisation (review 11 finding 6): a statement only.
    outside = outside_source(resource) if kind is STATEMENT else None
    # Resting on the patient's own report (review 12 finding 14): never a dispense.
    reported_by_patient = kind is not DISPENSE and patient_reported(resource)
    # Reported by a clinician or another organisation (recheck K4 s27 finding 1): a list entry.
    listed = kind is ORDER and not reported_by_patient and listed_order(resource)
    # An order with intent `plan` or status `unknown` (medication_types.INTENT_READING): kept,
    # but not by itself a course taken (review 14 W5); a home medication the patient reports is
    # read as patient-reported instead, and one a clinician listed as a medication-list entry
    # (recheck K6 s28 finding 1: an Epic home medication, intent plan, reported by a Practitioner,
    # read both "reported taken (medication list)" and "not shown taken" on one card).
    unshown = (
        not_shown_taken(resource)
        if kind is ORDER and not reported_by_patient and not listed
        else None
    )
    # The stated reasons (indications.py). Epic states one on nearly every order (READ12 finding
    # 3), Synthea on many; two dict lookups for a resource without one (a dispense states none
    # in R4). The Conditions are indexed only for a reasonReference.
    reasons: tuple[StatedReason, ...] = ()
    if "reasonCode" in resource or "reasonReference" in resource:
        reasons = stated_reasons(
            resource, source, conditions() if "reasonReference" in resource else _NO_CONDITIONS
        )
    # A missing, malformed or undefined status is read as `unknown` (medication_statuses.py).
    status = status_read(resource)
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
    # Mirtazapine's sig read for a sleep purpose (sleep_use.py); any other drug is not read.
    sleep_ingredients = sleep_dose_ingredients() if dosages else frozenset()
    refills = refills_allowed(resource) if kind is ORDER else 0
    stated_supply = duration_days(resource.get("daysSupply")) if kind is DISPENSE else None
    # A statement's dateAsserted: with its start, the day the record last confirms it (rule 2c).
    # An order `stopped` or `completed` (ORDER_ENDED): its meta.lastUpdated, the day the end was
    # recorded by (rule 2g).
    if kind is STATEMENT:
        asserted = parse_date(resource.get("dateAsserted"))
    else:
        asserted = stop_recorded(resource) if kind is ORDER and status in ORDER_ENDED else None
    entry_dated = _entry_dated(resource, kind, reported_by_patient, end)
    # Most resources state no stop reason (the fields status_reason_intolerance reads), and
    # then no intolerance.
    stopped = "statusReason" in resource or "statusReasonCodeableConcept" in resource
    noted = "note" in resource and kind is not DISPENSE  # RC s23 3b: "could not tolerate"
    # A ward's order (category inpatient): never filled for home (ward_orders.py).
    ward = kind is ORDER and is_ward_order(resource)
    once: bool | None = None  # one IM / IV dose (agitation_doses.py): read for an antipsychotic
    events: list[MedicationEvent] = []
    for component in components:
        info = drug_info(component.ingredient)
        if info is None:
            continue
        if once is None and covers(info.drug_class):
            once = one_time_parenteral(resource, dosages, medication)
        # Its dose basis (dose_basis.py): daily, or one administration a week (Prozac Weekly).
        basis = (
            basis_of(info.ingredient, resource, medication)
            if info.ingredient in non_daily
            else _DAILY
        )
        notes: tuple[str, ...] = ()
        fill_noted = False  # a fill that disagrees with its sig said so (fill_sig.py)
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
            if supply and component.strength_mg is not None:
                units = quantity_units(resource.get("quantity"), per_ml=component.per_ml)
                if units is not None and mg is None:
                    # No sig on the dispense: quantity x strength / daysSupply is the dose claims
                    # data imply (30 x 50 mg tablets for 30 days = 50 mg/day).
                    mg = round(units * component.strength_mg / supply, 4)
                    notes = (*notes, FILL_DOSE_NOTE)
                elif (
                    units is not None
                    and mg is not None
                    and mg_high is not None
                    and stated_supply
                    and basis is _DAILY
                    and read_from_sig(dosages)
                ):
                    # An unclear sig's range beside its quantity over its stated days, in mg a
                    # day on both sides: never a weekly product, whose sig's mg are one
                    # capsule's (fill_sig.py; review s23 RR2 finding 3).
                    fill_mg = round(units * component.strength_mg / stated_supply, 4)
                    read = with_fill(
                        (mg, mg_high), (fill_mg, units, stated_supply), dosage_unclear(dosages)
                    )
                    mg, mg_high = read.mg, read.mg_high
                    if read.note == FILL_DOSE_NOTE:
                        notes = (*notes, FILL_DOSE_NOTE)
                    elif read.note is not None:
                        notes, fill_noted = (*notes, f"{source}: {read.note}"), True
        # Absurd numbers (1e308 tablets, a supply of 2**64 days) are errors, not history: read
        # them as unknown, which also keeps the date arithmetic on them in range.
        if mg is not None and not isfinite(mg):
            mg = None
        if mg_high is not None and (not isfinite(mg_high) or (mg is not None and mg_high <= mg)):
            mg_high = None  # absurd, or a dose from the quantity at or above the sig's upper end
        if (
            mg_high is not None
            and dosages
            and not fill_noted
            and (unclear := dosage_unclear(dosages)) is not None
        ):
            # A ranged dose from a sig that contradicts itself ("twice daily at bedtime"): the
            # dose card quotes it (sig_unclear.py). Only a range can come from one: no cost else.
            notes = (*notes, f"{source}: {unclear}")
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
                _intolerance(resource, info.ingredient, end, stopped, noted),
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
                # mg_per_dose: one administration's mg, read only where a release formulation
                # is named (its single-dose limit: bupropion IR 150, SR 200 mg).
                None
                if form is None or form.max_single_mg is None
                else per_administration_mg(mg_high if mg_high is not None else mg, resource),
                entry_dated,
                stopped_for(resource) if stopped else None,  # RC s23 finding 5: `preg`
                ward_order=ward,
                one_time_parenteral=bool(once),
                listed_order=listed,
                valid_until=valid_until(resource) if kind is ORDER else None,
                sleep_purpose=info.ingredient in sleep_ingredients
                and states_sleep_purpose(dosages),
                # The product an order or fill of a long-acting injection names (Aristada,
                # Abilify Maintena): its own interval row, not the first the dose reaches
                # (ordered_injection_tail.py, fix psy62).
                injection_names=None
                if basis is not _INTERVAL or info.ingredient not in interval_rows()
                else product_names(resource, medication),
                written_after_end=kind is ORDER and _written_after(resource, end),
            )
        )
    return events


def _written_after(resource: Mapping[str, Any], end: date | None) -> bool:
    """Whether an order states an end before its authoredOn (MedicationEvent.written_after_end)."""
    authored = parse_date(resource.get("authoredOn")) if end is not None else None
    return authored is not None and end is not None and end < authored


def _intolerance(
    resource: Mapping[str, Any], ingredient: str, end: date | None, stopped: bool, noted: bool
) -> Intolerance | None:
    """The record's stop reason read as intolerance, else its note's (to confirm), else None."""
    found = status_reason_intolerance(resource, ingredient, end) if stopped else None
    if found is None and noted:
        found = note_intolerance(resource, ingredient, end)
    return found


def _entry_dated(
    resource: Mapping[str, Any], kind: EventKind, reported: bool, end: date | None
) -> bool:
    """Whether the record's start is only the day it was entered (MedicationEvent.entry_dated):
    a statement with no effective[x] but a dateAsserted (medication_dates.py reads that as its
    start), or a patient-reported order (its authoredOn) that states no bounds of its own. Also
    an order whose bounds ended before it was written and state no start (`end` before its
    authoredOn, review s27 RA finding 3): medication_dates.dates_of dates it by that end only,
    the day by which a past course of unknown length had ended."""
    if kind is STATEMENT:
        period = resource.get("effectivePeriod")
        started = isinstance(period, Mapping) and bool(period.get("start") or period.get("end"))
        return (
            not started
            and not resource.get("effectiveDateTime")
            and bool(resource.get("dateAsserted"))
        )
    if kind is not ORDER:
        return False
    authored = parse_date(resource.get("authoredOn")) if end is not None else None
    if authored is not None and end is not None and end < authored:  # a past course
        return not any(bounds.get("start") for bounds in _bounds_periods(resource))
    return reported and not any(True for _ in _bounds_periods(resource))


def _bounds_periods(resource: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The timing.repeat.boundsPeriod of each of an order's dosage lines that states one."""
    for line in array(resource.get("dosageInstruction")):
        timing = line.get("timing") if isinstance(line, Mapping) else None
        repeat = timing.get("repeat") if isinstance(timing, Mapping) else None
        bounds = repeat.get("boundsPeriod") if isinstance(repeat, Mapping) else None
        if isinstance(bounds, Mapping):
            yield bounds
