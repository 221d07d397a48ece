"""A pathway drug's doses on the ward's MAR (MedicationAdministration), read as days given, missed
or held (review s25 RI findings 2-4).

Before, the MAR was read only for esketamine sessions (administrations.py) and fixed courses
(administered_courses.py): an oral antidepressant refused on 39 of 52 ward days still counted as an
adequate failed trial, all ward doses given still read "adherence not verified", a drug given only
on the ward was unseen (and offered as untried), and a home-fill gap during a long stay with daily
ward doses read as nonadherence. Here each administration of a drug with a drug-table row
(antidepressant or adjunct; not a fixed-course drug, not a session drug: those have their readers)
becomes one day of a WardDose, keyed by the drug's ingredient; ward_courses.py hands them to the
course they belong to and ward_adherence.py reads them as adherence.

Rules:
- the status reads as data/administration_statuses.csv says (the FHIR R4 value set
  medication-admin-status): completed / in-progress = taken; not-done / stopped = missed (the
  statusReason is named), or held when the statusReason is a clinical one (NPO, a procedure, a
  prescriber's hold: administration_reasons.py, review s25 RK1 finding 1); on-hold = held
  (neither taken nor missed) unless its statusReason reads missed (a refusal, the patient's
  request: review s28 RH findings 1-2); entered-in-error / unknown / none = nothing;
- the mg given: dosage.dose in mg, or in tablets (mL) x the product's strength (`_mg`); with no
  dosage.dose, a clear mg amount of dosage.text ("20 mg", "2 tablets (40 mg)"; `_text_mg`);
- the day is effectiveDateTime, else effectivePeriod's start, else its end (as administrations.py);
  an undated dose is a DataGap; one after as-of is ignored;
- one day per drug: a dose given on a day makes it TAKEN, whatever else that day says (a
  twice-daily dose with one refusal is a day on the drug);
- the stay is the dose's `context` Encounter, named by its dates and reason.

Bench (issue 14): a 10-year chart may carry hundreds of administrations. The drug of each is read
once per concept (the same RxNorm code on every daily dose), not per resource.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.adherence_record import DoseReading, WardDose
from fhir_mapping.administration_reasons import reason_reading, reason_words
from fhir_mapping.administrations import session_drugs
from fhir_mapping.admission_codes import ClassOf, class_key
from fhir_mapping.dose import quantity_units
from fhir_mapping.dose_amount import quantity_amount
from fhir_mapping.dose_sig import sig_doses
from fhir_mapping.drug_table import drug_info
from fhir_mapping.fhir_fields import JSON_OBJECT, array, parse_date
from fhir_mapping.gaps import resource_gap
from fhir_mapping.medication_drug import NO_MEDICATIONS, medication_index, read_drug
from fhir_mapping.named_doses import named_drugs
from fhir_mapping.product_text import Component
from fhir_mapping.record import DataGap, Role
from fhir_mapping.stay_chains import Stay, last_stay
from fhir_mapping.stay_chains import stays as chain_stays

Resource = Mapping[str, Any]
WardDoses = Mapping[str, tuple[WardDose, ...]]  # by ingredient, in day order

_PATHWAY = frozenset({Role.ANTIDEPRESSANT, Role.AUGMENTATION})
# Which reading wins when a day has several doses.
_RANK = {DoseReading.TAKEN: 0, DoseReading.MISSED: 1, DoseReading.HELD: 2}


@cache
def status_readings() -> dict[str, DoseReading | None]:
    """MedicationAdministration.status -> what the day reads as (None: nothing)."""
    path = resources.files("fhir_mapping").joinpath("data/administration_statuses.csv")
    rows = csv.DictReader(path.read_text("utf-8").splitlines())
    return {
        r["status"].strip(): None if r["reading"] == "none" else DoseReading(r["reading"].strip())
        for r in rows
    }


def _concept_key(resource: Resource) -> object:
    """What names the drug: the reference, else the concept's codings and text (hashable).

    A contained Medication ("#m") is named by its own content, not by the reference: every
    administration may contain its own "#m", one venlafaxine, the next duloxetine (review s28 K5
    finding 2: keyed by "#m", every ward dose read as the first one's drug, so duloxetine's
    daily doses ran venlafaxine on past the ward's stop)."""
    reference = resource.get("medicationReference")
    if isinstance(reference, JSON_OBJECT):
        target = reference.get("reference")
        if isinstance(target, str) and target.startswith("#"):
            inside = [c for c in array(resource.get("contained")) if isinstance(c, JSON_OBJECT)]
            return _frozen(("contained", target, reference.get("display"), inside))
        # Frozen whole: a broken EHR's object or list where a string belongs must key too.
        return _frozen(("ref", target, reference.get("display")))
    concept = resource.get("medicationCodeableConcept")
    if not isinstance(concept, JSON_OBJECT):
        return None
    coded = tuple(
        (c.get("system"), c.get("code"), c.get("display"))
        for c in array(concept.get("coding"))
        if isinstance(c, JSON_OBJECT)
    )
    return _frozen(("concept", coded, concept.get("text")))


def _frozen(value: object) -> object:
    """A JSON value as a hashable one (a contained Medication as part of a concept key)."""
    if isinstance(value, JSON_OBJECT):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def _text(concept: object) -> str:
    if not isinstance(concept, JSON_OBJECT):
        return ""
    text = concept.get("text")
    if isinstance(text, str) and text.strip():
        return text.strip()
    return next(
        (
            c["display"]
            for c in array(concept.get("coding"))
            if isinstance(c, JSON_OBJECT) and isinstance(c.get("display"), str)
        ),
        "",
    )


def _mg(resource: Resource, component: Component | None) -> float | None:
    """The mg of a dose given: dosage.dose in mg (mcg, g converted), or in units of the product
    (tablets; mL of a solution) x the strength of the product the dose names (its RxNorm code,
    its Medication's ingredient strength or its text: read_drug's Component, the strength the
    dispense reader multiplies a fill's quantity by). Review s28 RH finding 3: half a 10 mg
    tablet under a 20 mg order was unread and the order's 20 mg credited. None when the
    strength is unknown (an ingredient-level code) or the dose is in no unit read here."""
    dosage = resource.get("dosage")
    dose = dosage.get("dose") if isinstance(dosage, JSON_OBJECT) else None
    amount = quantity_amount(dose)
    if amount is None:
        return _text_mg(dosage) if dose is None else None
    value, kind = amount
    if kind == "mass":
        return value
    if component is None or component.strength_mg is None:
        return None
    units = quantity_units(dose, per_ml=component.per_ml)
    return None if units is None else round(units * component.strength_mg, 4)


def _text_mg(dosage: object) -> float | None:
    """The mg of a dose the MAR gives only as dosage.text ("20 mg", "2 tablets (40 mg)",
    "sertraline 50 mg tab: 1 tab"; session 29 fix mar30 item 2), read by the sig reader
    (dose_sig.sig_doses, the one that reads an order's text): one amount in mass, no range and
    nothing unclear. Anything else ("1 tab", "10-20 mg", "as directed") stays unread: never a
    guess."""
    text = dosage.get("text") if isinstance(dosage, JSON_OBJECT) else None
    if not isinstance(text, str) or not text.strip():
        return None
    doses = sig_doses(text)
    if len(doses) != 1:
        return None
    (one,) = doses
    if one.kind != "mass" or one.high is not None or one.unclear is not None or one.value <= 0:
        return None
    return one.value


def dose_day(resource: Resource) -> date | None:
    """effectiveDateTime, else effectivePeriod's start, else its end: as administrations.py
    reads a session's day (review s28 RH finding 6: a period with only an end was a gap here and
    a session there)."""
    day = parse_date(resource.get("effectiveDateTime"))
    if day is None:
        period = resource.get("effectivePeriod")
        if isinstance(period, JSON_OBJECT):
            day = parse_date(period.get("start")) or parse_date(period.get("end"))
    return day


def _encounter(resource: Resource) -> str:
    """The dose's `context` reference ("Encounter/<id>"), "" when it names none."""
    context = resource.get("context")
    reference = context.get("reference") if isinstance(context, JSON_OBJECT) else None
    return reference if isinstance(reference, str) else ""


def _stay(resource: Resource, stays: Mapping[str, Resource]) -> str:
    """ "stay 2026-07-20 – 2026-09-18 (Non-ST elevation (NSTEMI) myocardial infarction)"."""
    reference = _encounter(resource)
    encounter = stays.get(reference) if isinstance(reference, str) else None
    if encounter is None:
        return ""
    period = encounter.get("period")
    start = parse_date(period.get("start")) if isinstance(period, JSON_OBJECT) else None
    end = parse_date(period.get("end")) if isinstance(period, JSON_OBJECT) else None
    when = f"{start.isoformat() if start else '?'} – {end.isoformat() if end else 'in progress'}"
    reason = next(filter(None, map(_text, array(encounter.get("reasonCode")))), "")
    return f"stay {when}" + (f" ({reason})" if reason else "")


def _stay_end(
    resource: Resource, stays: Mapping[str, Resource], chart: Sequence[Stay]
) -> tuple[date | None, str]:
    """(the day the dose's stay ended, the stay that ends its chain: WardDose.stay_end and
    .chain). A stay the patient moved on from to another (a transfer: stay_chains.py, a stay
    that began within a day, or linked by partOf) ends where the chain ends: venlafaxine last
    given on a medical ward two days before the transfer to a psychiatric ward, the patient
    discharged ten days later, was stopped on the ward, not taken home (review s28 K5 finding 1:
    read against the medical stay's end, it was "charted up to discharge" and ran on). The
    chain's end is its last stay's period.end once that stay is finished; None while it is in
    progress. A stay that is not an inpatient one (stay_chains reads none) is read alone: its
    Encounter's period.end when `finished` or stating no status."""
    reference = _encounter(resource)
    encounter = stays.get(reference)
    if encounter is None:
        return None, ""
    last = last_stay(encounter, chart)
    if last is not None and last.resource is not encounter:
        chain = f"Encounter/{last.id}" if last.id is not None else reference
        return (last.end if last.ended else None), chain
    if encounter.get("status", "finished") != "finished":
        return None, reference
    period = encounter.get("period")
    return (parse_date(period.get("end")) if isinstance(period, JSON_OBJECT) else None), reference


def read_ward_doses(
    administrations: Sequence[Resource],
    medication_resources: Iterable[Resource] = (),
    encounters: Iterable[Resource] = (),
    *,
    as_of: Any,
    class_of: ClassOf = class_key,
) -> tuple[dict[str, tuple[WardDose, ...]], list[DataGap], list[Resource]]:
    """(the ward days of each pathway drug by ingredient, the doses left out as gaps, the
    administrations of other drugs, left for the session and fixed-course readers). `class_of`:
    how a stay's class is read (the build's memo: visit_reads.py)."""
    readings = status_readings()
    fixed_or_session = {*session_drugs(), *named_drugs()}
    medications: Mapping[str, Resource] | None = None
    stays: dict[str, Resource] | None = None
    chart: tuple[Stay, ...] = ()
    ends: dict[str, tuple[date | None, str]] = {}  # by the dose's Encounter reference
    # concept key -> (ingredient, its component: the product's strength) (None: not read here)
    drugs: dict[object, tuple[str, Component] | None] = {}
    by_day: dict[tuple[str, Any], WardDose] = {}
    gaps: list[DataGap] = []
    rest: list[Resource] = []
    for resource in administrations:
        key = _concept_key(resource)
        if key not in drugs:
            if medications is None and resource.get("medicationReference") is not None:
                medications = medication_index(medication_resources)
            components, unreadable, _ = read_drug(resource, medications or NO_MEDICATIONS)
            found: tuple[str, Component] | None = None
            for c in components if unreadable is None else ():
                info = drug_info(c.ingredient)
                if (
                    info is not None
                    and info.role in _PATHWAY
                    and info.fixed_course_days is None
                    and info.ingredient not in fixed_or_session
                ):
                    found = info.ingredient, c
                    break
            drugs[key] = found
        read = drugs[key]
        if read is None:
            rest.append(resource)
            continue
        ingredient, component = read
        status = resource.get("status")
        reading = readings.get(status) if isinstance(status, str) else None
        if reading is None:
            continue  # entered in error, unknown, none: no day
        if reading is not DoseReading.TAKEN:
            # On hold reads as not done does: a refusal named in the reason wins (review s28 RH
            # finding 1: "Patient refused" charted on-hold read as held, the refusals gone);
            # with no reason the table names, on-hold stays held and not-done missed.
            reading = reason_reading(resource.get("statusReason"), unnamed=reading)
        day = dose_day(resource)
        if day is None:
            gaps.extend(resource_gap(resource, f"{ingredient} given with no usable date"))
            continue
        if day > as_of:
            continue
        if stays is None:
            encounters = list(encounters)
            stays = {f"Encounter/{e.get('id')}": e for e in encounters}
            chart = chain_stays(encounters, as_of=as_of, class_of=class_of)
        context = _encounter(resource)
        if context not in ends:
            ends[context] = _stay_end(resource, stays, chart)
        stay_end, chain = ends[context]
        request = resource.get("request")
        rid = resource.get("id")
        dose = WardDose(
            day=day,
            reading=reading,
            mg=_mg(resource, component) if reading is DoseReading.TAKEN else None,
            why="" if reading is DoseReading.TAKEN else reason_words(resource.get("statusReason")),
            stay=_stay(resource, stays),
            request=str(request.get("reference") or "") if isinstance(request, JSON_OBJECT) else "",
            source_id=rid if isinstance(rid, str) else "",
            encounter=_encounter(resource),
            stay_end=stay_end,
            chain=chain,
        )
        by_day[(ingredient, day)] = _same_day(by_day.get((ingredient, day)), dose)
    found_doses: dict[str, list[WardDose]] = {}
    for (ingredient, _), dose in sorted(by_day.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        found_doses.setdefault(ingredient, []).append(dose)
    return {k: tuple(v) for k, v in found_doses.items()}, gaps, rest


def _same_day(earlier: WardDose | None, dose: WardDose) -> WardDose:
    """One day of several doses: the day reads TAKEN if any dose was given; the mg given add."""
    if earlier is None:
        return dose
    first, other = sorted((earlier, dose), key=lambda d: _RANK[d.reading])
    if first.reading is DoseReading.TAKEN and other.reading is DoseReading.TAKEN:
        mg = None if first.mg is None or other.mg is None else first.mg + other.mg
        return WardDose(
            first.day,
            first.reading,
            mg,
            "",
            first.stay or other.stay,
            first.request or other.request,
            first.source_id,
            encounter=first.encounter or other.encounter,
            stay_end=first.stay_end or other.stay_end,
            chain=first.chain or other.chain,
        )
    why = "; ".join(dict.fromkeys(filter(None, (first.why, other.why))))
    return WardDose(
        first.day,
        first.reading,
        first.mg,
        why,
        first.stay or other.stay,
        first.request or other.request,
        first.source_id,
        encounter=first.encounter or other.encounter,
        stay_end=first.stay_end or other.stay_end,
        chain=first.chain or other.chain,
    )
