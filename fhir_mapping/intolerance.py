"""Documented intolerance of an antidepressant or adjunct (issue 10): a course stopped for side
effects is not a fair test of efficacy and not poor adherence either; payers count it as
"intolerance" (services/policy.py, `tms_count_intolerant_trials`).

Three sources, all named on the trial they mark (episodes.py attaches them):

1. A stop reason on the medication resource itself: MedicationRequest.statusReason (HL7
   medicationrequest-status-reason `sintol` / `salg`), MedicationStatement.statusReason (SNOMED CT
   "Medication stopped - side effect", "Treatment not tolerated", ...), or words such as
   "adverse effect", "side effects", "not tolerated" in its text or displays
   (data/intolerance_reasons.csv, with sources).
2. An AllergyIntolerance whose substance (`code`, or a `reaction.substance`) is a recognised drug,
   allergy or intolerance alike (either way the drug could not be continued). Left out: a
   `refuted` or `entered-in-error` verification, and an `inactive` or `resolved` clinical status
   (re-exposure was tolerated, so it no longer says the drug cannot be used).
3. An AdverseEvent (actuality `actual`) whose suspectEntity names the drug: by display, a
   CodeableConcept (R5 style), or a reference to a Medication, MedicationRequest,
   MedicationStatement or MedicationAdministration among the same resources. A suspect assessed
   "unlikely" to have caused the event is not counted.

A resource whose drug is not on this pathway (penicillin) is not relevant and is skipped quietly.

Mania or hypomania recorded as such a reaction (review 10 finding 4) is more than an intolerance:
whether a reaction or stop reason says it is manic_reaction.py's one judgement
(`says_mania`), which marks the intolerance `manic_reaction` here (the course it ended is a manic
switch, never a failed trial: trial_record), and the bipolar-spectrum finding it makes is
mania_findings.py's. A manic reaction is read when the allergy is resolved too, and whatever the
drug (`wants_intolerance`), for that finding.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping import allergy_classes
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.concept_words import concept_label, concepts, whole_words
from fhir_mapping.fhir_fields import array, codings, parse_date, ref_id, status_code
from fhir_mapping.gaps import UNPLACED_ALLERGEN as _UNPLACED_ALLERGEN
from fhir_mapping.gaps import resource_gap
from fhir_mapping.manic_reaction import allergy_mania, says_mania
from fhir_mapping.record import (
    DataDomain,
    DataGap,
    Intolerance,
    SourceRef,
)
from fhir_mapping.terminology import recognise
from fhir_mapping.tms_safety import negated, normalise_text

INTOLERANCE_TYPES = frozenset({"AllergyIntolerance", "AdverseEvent"})
_MEDICATION_RECORDS = frozenset(
    {"MedicationRequest", "MedicationStatement", "MedicationAdministration", "MedicationDispense"}
)
# AllergyIntolerance statuses that withdraw the record (FHIR R4 allergyintolerance-verification /
# allergyintolerance-clinical): refuted or in error, or the reaction is gone on re-exposure.
_VOID_VERIFICATION = frozenset({"refuted", "entered-in-error"})
_VOID_CLINICAL = frozenset({"inactive", "resolved"})
# Statuses of a course still running or not begun: a stop reason cannot apply to them.
_RUNNING = frozenset({"active", "intended", "draft"})


@dataclass(frozen=True, slots=True)
class _Reasons:
    codes: Mapping[tuple[str, str], str]  # (canonical system, lower-case code) -> term
    terms: re.Pattern[str]
    not_causal: frozenset[tuple[str, str]]


@cache
def _reasons() -> _Reasons:
    text = (
        resources.files("fhir_mapping").joinpath("data/intolerance_reasons.csv").read_text("utf-8")
    )
    codes: dict[tuple[str, str], str] = {}
    terms: list[str] = []
    not_causal: set[tuple[str, str]] = set()
    for row in csv.DictReader(text.splitlines()):
        key = (canonical_system(row["system"]), row["code"].lower())
        if row["kind"] == "code":
            codes[key] = row["term"]
        elif row["kind"] == "term":
            terms.append(row["term"].lower())
        elif row["kind"] == "not-causal":
            not_causal.add(key)
    return _Reasons(codes, whole_words(terms), frozenset(not_causal))


@cache
def _low_sodium_words() -> re.Pattern[str]:
    """The words of the rows whose `reaction` is low-sodium, codes' terms included."""
    text = (
        resources.files("fhir_mapping").joinpath("data/intolerance_reasons.csv").read_text("utf-8")
    )
    return whole_words(
        row["term"].lower()
        for row in csv.DictReader(text.splitlines())
        if row.get("reaction") == "low-sodium"
    )


def says_low_sodium(intolerance: Intolerance) -> bool:
    """Whether a documented intolerance names a low sodium (hyponatraemia, SIADH) as its reaction:
    its reason as documented, or the table's term for a bare code (`intolerance_reason`). A
    drug-associated hyponatraemia does not expire: SSRIs and SNRIs can bring it back (the
    switch list says so: services/sodium_history.py)."""
    return _said(_low_sodium_words(), intolerance.reason)


def _said(words: re.Pattern[str], text: str) -> bool:
    """Whether any of `words` stands in `text` not negated ("Nausea. Sodium rechecked: no
    hyponatremia." names no low sodium: the recheck of review 12)."""
    normal = normalise_text(text)
    return any(not negated(normal, m.start(), m.end()) for m in words.finditer(normal))


def intolerance_reason(concept: object) -> str | None:
    """The documented reason when a stop reason says the drug was not tolerated, else None."""
    table = _reasons()
    for item in concepts(concept):
        for system, code, display in codings(item):
            term = table.codes.get((system, code.lower()))
            if term is not None:
                return concept_label(item) or display or term
        words = " ".join(
            [d for _, _, d in codings(item) if d]
            + ([item["text"]] if isinstance(item.get("text"), str) else [])
        ).lower()
        if words and _said(table.terms, words):
            return concept_label(item)
    return None


def status_reason_intolerance(
    resource: Mapping[str, Any], ingredient: str, when: date | None
) -> Intolerance | None:
    """Intolerance stated as the stop reason of a medication resource (statusReason, or a
    dispense's statusReasonCodeableConcept), dated `when` (the course's stated end, where known).
    None for a resource with neither field (medications.py skips the call for those)."""
    status = resource.get("status")
    if isinstance(status, str) and status in _RUNNING:
        return None  # still being taken: whatever the reason says, the course was not stopped
    value = resource.get("statusReason")
    if value is None:
        value = resource.get("statusReasonCodeableConcept")
        if value is None:
            return None  # no stop reason: what nearly every medication resource says
    reason = intolerance_reason(value)
    # A stop reason that says mania or hypomania (coded, or in words not negated) is a reaction
    # to the drug even with no intolerance code or word beside it: a manic switch.
    mania = next((said for c in concepts(value) if (said := says_mania(c)) is not None), None)
    if reason is None:
        if mania is None:
            return None
        reason = mania[2]
    rid = resource.get("id")
    source = SourceRef(str(resource.get("resourceType")), rid if isinstance(rid, str) else "")
    return Intolerance(ingredient, reason, when, source, manic_reaction=mania is not None)


# --------------------------------------------------------------------------------------------
# AllergyIntolerance and AdverseEvent


def _withdrawn(resource: Mapping[str, Any]) -> bool:
    """Refuted or entered in error: the record says nothing, not even that a reaction happened."""
    return status_code(resource.get("verificationStatus")) in _VOID_VERIFICATION


def _allergy_void(resource: Mapping[str, Any]) -> bool:
    verification = status_code(resource.get("verificationStatus"))
    clinical = status_code(resource.get("clinicalStatus"))
    return verification in _VOID_VERIFICATION or clinical in _VOID_CLINICAL


def _allergen_concepts(resource: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    concepts = [resource.get("code")]
    concepts += [
        r.get("substance") for r in array(resource.get("reaction")) if isinstance(r, Mapping)
    ]
    return [c for c in concepts if isinstance(c, Mapping)]


def _allergy_ingredients(resource: Mapping[str, Any]) -> list[str]:
    return [i for i, _ in _allergy_allergens(resource)]


def _allergy_allergens(resource: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(ingredient, class allergen as written or "") for each drug the allergy names: a drug by
    code, name or brand, or every drug of a class named in words ("SSRIs", "tricyclic
    antidepressants": allergy_classes.py, review 16 U1). A concept that names a drug is read as
    that drug only ("sertraline (SSRI)" is not the whole class)."""
    found: dict[str, str] = {}
    for concept in _allergen_concepts(resource):
        drugs = [c.ingredient for c in recognise(concept)]
        if drugs:
            for ingredient in drugs:
                found.setdefault(ingredient, "")
            continue
        members = allergy_classes.class_ingredients(concept)
        label = allergy_classes.allergen_label(concept) if members else ""
        for ingredient in members:
            found.setdefault(ingredient, label)
    return list(found.items())


# The gap reason of a drug allergy whose allergen is text the service cannot place (review 16
# U1: never dropped silently; defined in gaps.py, whose line names it). No patient data in it:
# the text goes to DataGap.stated.
UNPLACED_ALLERGEN = _UNPLACED_ALLERGEN
# "No known drug allergies", "NKDA", "None": an entry that records no allergy.
_NO_ALLERGY = re.compile(r"^\s*(?:no|none|nka|nkda|nkma|denies)\b")


def _unplaced_allergen(resource: Mapping[str, Any]) -> str | None:
    """The allergen as written when a medication allergy names it only in text the service
    cannot place (not a drug it knows, not a class: "antipsychotic injection - unknown which",
    "Pristiq-like"), so the cards that propose or check a drug can name it; None otherwise. A
    coded allergen it does not know is a drug off this pathway (penicillin) and stays quiet, and
    so does one whose text names such an allergen (data/allergy_classes.csv `off-pathway` rows); a
    food or environment allergy is not a drug."""
    categories = array(resource.get("category"))
    if categories and "medication" not in categories:
        return None
    code = resource.get("code")
    if not isinstance(code, Mapping) or any(c for _, c, _ in codings(code)):
        return None
    text = code.get("text")
    if not isinstance(text, str) or not text.strip() or _NO_ALLERGY.match(normalise_text(text)):
        return None
    if _allergy_allergens(resource) or allergy_mania(resource) is not None:
        return None
    if allergy_classes.off_pathway(text):
        return None  # penicillin, sulfa, latex: placed, and no drug this service proposes
    return text.strip()


def unplaced_allergies(
    resources: Iterable[Mapping[str, Any]], *, as_of: date
) -> tuple[DataGap, ...]:
    """A gap for each active drug allergy whose allergen text could not be placed (never silent:
    the cards of the intolerance domain name it with its text)."""
    gaps: list[DataGap] = []
    for resource in resources:
        if resource.get("resourceType") != "AllergyIntolerance" or _allergy_void(resource):
            continue
        when = _allergy_date(resource)
        if when is not None and when > as_of:
            continue
        text = _unplaced_allergen(resource)
        if text is not None:
            gaps += resource_gap(
                resource, UNPLACED_ALLERGEN, DataDomain.INTOLERANCES, stated=f"allergen '{text}'"
            )
    return tuple(gaps)


def wants_intolerance(resource: Mapping[str, Any]) -> bool:
    """Cheap filter before mapping: an AllergyIntolerance naming a drug of this pathway, or an
    actual AdverseEvent with a suspect entity (resolved later, it may reference an order)."""
    kind = resource.get("resourceType")
    if kind == "AllergyIntolerance":
        if _withdrawn(resource):
            return False
        if not _allergy_void(resource) and (
            _allergy_ingredients(resource) or _unplaced_allergen(resource)
        ):
            return True
        # A manic reaction is read when resolved too, and whatever the drug: a bipolar finding
        # on a pathway drug or class ("SSRIs"), else a DataGap (reaction_findings).
        return allergy_mania(resource) is not None
    if kind == "AdverseEvent":
        return resource.get("actuality") != "potential" and (
            bool(array(resource.get("suspectEntity")))
            or says_mania(resource.get("event")) is not None
        )
    return False


def _allergy_date(resource: Mapping[str, Any]) -> date | None:
    onset = parse_date(resource.get("onsetDateTime"))
    period = resource.get("onsetPeriod")
    if onset is None and isinstance(period, Mapping):
        onset = parse_date(period.get("start"))
    for reaction in array(resource.get("reaction")):
        if onset is None and isinstance(reaction, Mapping):
            onset = parse_date(reaction.get("onset"))
    return (
        onset
        or parse_date(resource.get("lastOccurrence"))
        or parse_date(resource.get("recordedDate"))
    )


# How an AllergyIntolerance's reason begins (`_allergy_reason`): its `type` as the entry states it.
_DOCUMENTED_INTOLERANCE = "documented intolerance"


def record_kind(intolerance: Intolerance) -> str:
    """ "intolerance" when the AllergyIntolerance says `type` intolerance, else "allergy": a card
    summary names the entry as recorded (review 16 recheck a02: an SSRI intolerance, nausea, was
    summarised as "a documented allergy"). An entry with no type stays "allergy" (the safer
    word for a drug about to be ordered)."""
    return "intolerance" if intolerance.reason.startswith(_DOCUMENTED_INTOLERANCE) else "allergy"


def _allergy_reason(resource: Mapping[str, Any]) -> str:
    kind = resource.get("type") if resource.get("type") in ("allergy", "intolerance") else None
    manifestations = [
        label
        for reaction in array(resource.get("reaction"))
        if isinstance(reaction, Mapping)
        for concept in array(reaction.get("manifestation"))
        if isinstance(concept, Mapping) and (label := _manifestation_label(concept)) is not None
    ]
    head = f"documented {kind}" if kind else "documented allergy/intolerance"
    return f"{head}: {', '.join(manifestations)}" if manifestations else head


def _manifestation_label(concept: Mapping[str, Any]) -> str | None:
    """The manifestation as written, else, for a bare code that says mania or hypomania (SNOMED
    231494001 with no display: C-CDA conversions send codes so), what that code means."""
    label = concept_label(concept)
    if label is not None:
        return label
    said = says_mania(concept)
    return said[2] if said is not None else None


def _index(resources: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], Mapping[str, Any]]:
    index: dict[tuple[str, str], Mapping[str, Any]] = {}
    for resource in resources:
        kind, rid = resource.get("resourceType"), resource.get("id")
        if isinstance(kind, str) and isinstance(rid, str) and rid:
            index.setdefault((kind, rid), resource)
    return index


def _drug_of_record(
    record: Mapping[str, Any], index: Mapping[tuple[str, str], Mapping[str, Any]]
) -> list[str]:
    """Ingredients of a medication record (its concept, or its referenced Medication)."""
    concept = record.get("medicationCodeableConcept")
    if isinstance(concept, Mapping):
        return [c.ingredient for c in recognise(concept)]
    reference = record.get("medicationReference")
    target = ref_id(reference)
    medication = index.get(("Medication", target)) if target else None
    pointer = reference.get("reference") if isinstance(reference, Mapping) else None
    if medication is None and isinstance(pointer, str) and pointer.startswith("#"):
        medication = next(
            (
                c
                for c in array(record.get("contained"))
                if isinstance(c, Mapping) and c.get("id") == target
            ),
            None,
        )
    if medication is not None:
        return [c.ingredient for c in recognise(None, medication)]
    display = reference.get("display") if isinstance(reference, Mapping) else None
    return [c.ingredient for c in recognise({"text": display})] if isinstance(display, str) else []


def _suspect_ingredients(
    entity: Mapping[str, Any],
    index: Mapping[tuple[str, str], Mapping[str, Any]],
    *,
    causal_only: bool = True,
) -> list[str]:
    """The drugs a suspect entity names; none when assessed "unlikely" to have caused the event,
    unless `causal_only` is False (a manic episode on the drug counts whatever caused it)."""
    table = _reasons()
    for causality in array(entity.get("causality")) if causal_only else ():
        if isinstance(causality, Mapping):
            assessed = {(s, c.lower()) for s, c, _ in codings(causality.get("assessment"))}
            if assessed & table.not_causal:
                return []
    concept = entity.get("instanceCodeableConcept")
    if isinstance(concept, Mapping):
        return [c.ingredient for c in recognise(concept)]
    instance = entity.get("instance")
    if not isinstance(instance, Mapping):
        return []
    reference = instance.get("reference")
    if isinstance(reference, str):
        parts = [p for p in reference.split("/") if p]
        if "_history" in parts:
            parts = parts[: parts.index("_history")]
        if len(parts) >= 2:
            target = index.get((parts[-2], parts[-1]))
            if target is not None:
                if parts[-2] == "Medication":
                    return [c.ingredient for c in recognise(None, target)]
                if parts[-2] in _MEDICATION_RECORDS:
                    return _drug_of_record(target, index)
    display = instance.get("display")
    if isinstance(display, str) and display.strip():
        return [c.ingredient for c in recognise({"text": display})]
    return []


def _event_date(resource: Mapping[str, Any]) -> date | None:
    return (
        parse_date(resource.get("date"))
        or parse_date(resource.get("detected"))
        or parse_date(resource.get("recordedDate"))
    )


def _event_ingredients(
    resource: Mapping[str, Any],
    index: Mapping[tuple[str, str], Mapping[str, Any]],
    *,
    causal_only: bool = True,
) -> list[str]:
    ingredients: list[str] = []
    for entity in array(resource.get("suspectEntity")):
        if isinstance(entity, Mapping):
            ingredients += [
                i
                for i in _suspect_ingredients(entity, index, causal_only=causal_only)
                if i not in ingredients
            ]
    return ingredients


def _event_reason(resource: Mapping[str, Any]) -> str:
    concept = resource.get("event")
    # A bare code says what it means, as an allergy's manifestation does (_allergy_reason): an
    # event coded SNOMED 231494001 with no display reads "adverse event: hypomania", not a
    # reason with no words.
    label = _manifestation_label(concept) if isinstance(concept, Mapping) else None
    return f"adverse event: {label}" if label else "adverse event"


def read_intolerances(
    resources: Iterable[Mapping[str, Any]],
    medication_resources: Sequence[Mapping[str, Any]] = (),
    *,
    as_of: date,
) -> tuple[Intolerance, ...]:
    """Intolerances documented by AllergyIntolerance / AdverseEvent resources, one per drug named.

    `medication_resources` (Medication, MedicationRequest, ...) resolve an AdverseEvent's suspect
    entity reference. Records dated after `as_of` are ignored (a replay sees the chart as it was).
    """
    index = _index(medication_resources)
    found: list[Intolerance] = []
    for resource in resources:
        kind = resource.get("resourceType")
        rid = resource.get("id")
        source = SourceRef(str(kind), rid if isinstance(rid, str) else "")
        if kind == "AllergyIntolerance":
            if _allergy_void(resource):
                continue
            when = _allergy_date(resource)
            if when is not None and when > as_of:
                continue
            reason = _allergy_reason(resource)
            # The one judgement reaction_findings reads for the bipolar finding: codes and words.
            manic = allergy_mania(resource) is not None
            severe = allergy_classes.severe_reaction(resource)
            found += [
                Intolerance(i, reason, when, source, manic, allergen_class=label, severe=severe)
                for i, label in _allergy_allergens(resource)
            ]
            continue
        if kind == "AdverseEvent":
            if resource.get("actuality") == "potential":
                continue
            when = _event_date(resource)
            ingredients = _event_ingredients(resource, index)
            reason = _event_reason(resource)
            manic = says_mania(resource.get("event")) is not None
        else:
            continue
        if when is not None and when > as_of:
            continue
        found += [Intolerance(i, reason, when, source, manic) for i in ingredients]
    return tuple(found)
