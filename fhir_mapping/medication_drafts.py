"""The hook's draft orders: the draftOrders as resources (`flat_drafts`: a Bundle's entries, the
one reading of that shape, shared with the referral reader) and their antidepressant and adjunct
MedicationRequests as DraftOrders (`read_drafts`, with the gaps of drafts whose drug cannot be
identified; `draft_orders` without them).

Apart from medications.py because a draft is read differently from a course on the chart: any
status (one stopped, cancelled or dosed 0 halts its drug: `halts`), no dates, no supply, the
dose steps read for their highest step (taper.draft_steps), the order being signed read even
when incomplete. medications.py re-exports these names, so no importer changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from math import isfinite
from typing import Any

from fhir_mapping.combination_products import product_of
from fhir_mapping.dose import daily_dose_bounds
from fhir_mapping.dose_basis import equivalence_of, mark_draft, per_administration_mg
from fhir_mapping.dose_entered import entered_dose
from fhir_mapping.dose_memo import as_needed_reading
from fhir_mapping.draft_medication import unidentified_draft_gap
from fhir_mapping.draft_statuses import StatusReading, status_reading
from fhir_mapping.draft_timing import HALTED, HELD, NO_TIMING
from fhir_mapping.drug_table import drug_info
from fhir_mapping.fhir_fields import array
from fhir_mapping.formulations import formulation_of
from fhir_mapping.gaps import resource_gap
from fhir_mapping.indications import stated_reasons
from fhir_mapping.medication_drug import NO_MEDICATIONS, medication_index, read_drug
from fhir_mapping.medication_types import resource_dosage_lines
from fhir_mapping.product_conflict import (
    confirm_line,
    dose_disagreement,
    drug_conflict,
    name_components,
    stated_doses,
)
from fhir_mapping.record import DataDomain, DataGap, DraftOrder, SourceRef
from fhir_mapping.taper import draft_steps
from fhir_mapping.terminology import Component

# A draft whose status says its actions are all complete (draft_statuses.csv: completed).
_DONE = (
    "draft order with status completed: a completed prescription orders nothing new, so it was "
    "left out of the order checks; the running course is read as recorded"
)


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
        # Entered in error: no order at all (draft_statuses.csv, review s27 K1 recheck 2).
        reading = status_reading(resource)
        if reading is StatusReading.IGNORED:
            continue
        if reading is StatusReading.DONE:
            # Completed: no new order (draft_statuses.csv, recheck K5 s28 finding 9); the
            # running course stands as recorded (the safer reading for the MAOI check).
            gaps.extend(resource_gap(resource, _DONE, DataDomain.MEDICATIONS))
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
        # Its code and its name give different drugs (review 18a recheck UNSAFE): neither
        # reading wins, so the draft is read as each drug (the name's at the strength it states)
        # and every order check fires for either; each reading carries the line naming both.
        conflict = drug_conflict(resource, medication)
        confirm = None
        if conflict is not None:
            confirm = confirm_line(conflict)
            components = (*components, *name_components(conflict))
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
            note, timing = None, NO_TIMING
            if len(components) == 1:
                mg, mg_high, note, timing = draft_steps(dosages, component, mg, mg_high)
            # Absurd numbers (1e308 tablets: an infinite mg/day) are entry errors, not doses:
            # unknown, as a course's are (medication_event.py); a ratio on inf was a 500.
            mg, mg_high = _finite(mg), _finite(mg_high)
            if reading is StatusReading.HOLDS:
                # On hold: its drug pauses today, a halt until it resumes (review s27 K1
                # recheck finding 2); build.py keeps it apart from the starts.
                note, timing = None, HELD
            elif halts(resource, dosages):
                # Stopped, cancelled or dosed 0: no dose is ordered, its drug stops today
                # (review s27 RD findings 1 and 5); build.py keeps it apart from the starts.
                note, timing = None, HALTED
            # Aplenzin, Prozac Weekly: judged at the reference dose (dose_basis.py).
            equivalent = equivalence_of(info.ingredient, resource, medication, component.display)
            if equivalent is not None:
                mg, mg_high = equivalent.reference_mg(mg), equivalent.reference_mg(mg_high)
            prn, prn_max = as_needed_reading(
                None, dosages, component.strength_mg, component.per_ml, len(components) == 1
            )
            if equivalent is not None:
                prn_max = equivalent.reference_mg(prn_max)
            # The dose its code's strength gives against the one its name or sig states (review
            # 18a recheck UNSAFE): to confirm, its ceilings checked at the higher reading. Not a
            # dose-equivalent product (its mg are the reference's) nor an as-needed order.
            if (
                len(components) == 1
                and dosages
                and note is None
                and confirm is None
                and equivalent is None
                and not prn
                and not timing.halted
            ):
                mg, mg_high, note = _stated_dose(
                    resource, medication, dosages, component, mg, mg_high
                )
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
                        tapers_to_stop=timing.stops,
                        timing=timing,
                        formulation=None if form is None else form.key,
                        mg_per_dose=per_dose,
                        drug_to_confirm=confirm,
                        # Its contained Conditions resolve a reasonReference; the chart's are
                        # not at hand here, so one to them reads as "not read", never a guess.
                        stated_reasons=stated_reasons(
                            resource, SourceRef("MedicationRequest", rid), {}
                        ),
                        unit_mg=_unit_mg(component, mg, mg_high, len(components), equivalent),
                        dose_entered=entered_dose(dosages),
                    ),
                    resource,
                    medication,
                )
            )
    return tuple(orders), gaps


def halts(resource: Mapping[str, Any], dosages: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the draft orders no dose of its drug: status stopped or cancelled, or a
    doseQuantity of 0 on every dosage line (review s27 RD finding 5: 0 mg/day was read as "dose
    not read"; a taper's last step of 0 is a taper, its other lines dosed)."""
    # Stopped or cancelled (data/draft_statuses.csv: FHIR R4 medicationrequest-status).
    if status_reading(resource) is StatusReading.HALTS:
        return True
    if not dosages:
        return False
    for line in dosages:
        amounts = [
            rate["doseQuantity"].get("value")
            for rate in array(line.get("doseAndRate"))
            if isinstance(rate, Mapping) and isinstance(rate.get("doseQuantity"), Mapping)
        ]
        if not amounts or any(
            isinstance(v, bool) or not isinstance(v, int | float) or v != 0 for v in amounts
        ):
            return False
    return True


def _unit_mg(
    component: Component, mg: float | None, mg_high: float | None, count: int, equivalent: object
) -> float | None:
    """One solid unit's mg of a single-drug draft whose dose was not read (DraftOrder.unit_mg);
    None for a read dose, a solution (mg per mL is no unit), a combination or a dose-equivalent
    product (its mg are not the reference's)."""
    if mg is not None or mg_high is not None or count != 1 or equivalent is not None:
        return None
    return None if component.per_ml else component.strength_mg


def _stated_dose(
    resource: Mapping[str, Any],
    medication: Mapping[str, Any] | None,
    dosages: Sequence[Mapping[str, Any]],
    component: Component,
    mg: float | None,
    mg_high: float | None,
) -> tuple[float | None, float | None, str | None]:
    """(lower, upper mg/day, note) of a draft of one drug: as read, unless the dose its name
    or its sig states differs ("citalopram 40 MG tablet" coded 20 mg: review 18a recheck
    UNSAFE). Then no dose is proven (no lower end) and the maximum, age and QT limits are
    judged at the higher reading, as a course's are (product_conflict.with_stated_dose)."""
    where, stated = stated_doses(resource, medication, dosages, component)
    if not stated or mg is None:
        return mg, mg_high, None  # nearly every draft: nothing else states the dose
    found = dose_disagreement((mg, mg_high), where, stated)
    if found is None:
        return mg, mg_high, None
    upper, note = found
    return None, upper, note


def _finite(mg: float | None) -> float | None:
    """`mg`, or None when it is no number a dose can be (inf, nan)."""
    return mg if mg is None or isfinite(mg) else None
