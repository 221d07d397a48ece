"""Mania or hypomania recorded as a reaction, or as the reason a course stopped: a
bipolar-spectrum finding (review 10 finding 4).

`reaction_findings` reads a manic reaction (manic_reaction.says_mania) of an AllergyIntolerance or
an actual AdverseEvent as a BIPOLAR finding naming the drug and where it was recorded ("Mania on
citalopram, recorded as a reaction"), which build_record adds to the clinical context
(`with_reaction_findings`): the rules then treat it as a bipolar diagnosis (diagnosis review
"confirm the diagnosis", no unipolar escalation, no TMS). Unlike the intolerance
(intolerance.py), it still counts when the allergy is `inactive` or `resolved` (a drug tolerated
again later does not undo the manic episode; bipolar disorder counts when resolved too) and
whatever the causality assessment of an AdverseEvent says (mania during an antidepressant not
caused by it points to bipolar disorder all the more); `refuted` and `entered-in-error` withdraw
it. A stop reason (statusReason) that says mania is an intolerance for that reason alone, a manic
one (intolerance.status_reason_intolerance), and a bipolar finding too (`stop_reason_findings`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from fhir_mapping.concept_words import concept_label, concept_words, concepts
from fhir_mapping.fhir_fields import array, codings, ref_id
from fhir_mapping.intolerance import (
    _MEDICATION_RECORDS,
    _allergy_allergens,
    _allergy_date,
    _event_date,
    _event_ingredients,
    _index,
    _withdrawn,
)
from fhir_mapping.manic_reaction import allergy_mania, antidepressant_classes, says_mania
from fhir_mapping.record import (
    ClinicalContext,
    DataDomain,
    DataGap,
    Finding,
    FindingKind,
    Intolerance,
    SourceRef,
)

_BIPOLAR = FindingKind.BIPOLAR
_MANIA_DRUG_NOT_READ = (
    "mania or hypomania recorded as a reaction whose drug could not be read: not read as a "
    "bipolar-spectrum finding"
)


def _allergy_drugs(resource: Mapping[str, Any]) -> list[str]:
    """The pathway drugs an allergy names, else the antidepressant classes it names as written
    ("SSRIs"): a class has no ingredient to mark a trial with, but mania on it is mania on an
    antidepressant."""
    # A class allergen maps to every drug of the class (allergy_classes.py): mania on it is named
    # by the class as written, not as the class's members.
    found = [i for i, label in _allergy_allergens(resource) if not label]
    if found:
        return found
    classes = antidepressant_classes()
    concepts = [resource.get("code")] + [
        r.get("substance") for r in array(resource.get("reaction")) if isinstance(r, Mapping)
    ]
    for concept in concepts:
        if isinstance(concept, Mapping) and classes.search(concept_words(concept)):
            label = concept_label(concept)
            if label is not None and label not in found:
                found.append(label)
    return found


def _mania_finding(
    said: tuple[str, str, str], drugs: Sequence[str], how: str, when: date | None, source: SourceRef
) -> Finding:
    system, code, label = said
    return Finding(
        kind=_BIPOLAR,
        code=code,
        system=system,
        display=f"{label[:1].upper()}{label[1:]} on {' and '.join(drugs)}, {how}",
        onset=when,
        source=source,
    )


def _concept_named(concept: object) -> bool:
    """A concept that names something: a text, a display or a code."""
    if not isinstance(concept, Mapping):
        return False
    if concept_label(concept) is not None:
        return True
    inner = concept.get("concept")
    return any(code for _, code, _ in codings(inner if isinstance(inner, Mapping) else concept))


def _record_named(
    record: Mapping[str, Any], index: Mapping[tuple[str, str], Mapping[str, Any]]
) -> bool:
    """A medication record (or Medication) whose drug is written: its concept, its referenced
    Medication's code, or the reference's display."""
    if _concept_named(record.get("code")) or _concept_named(
        record.get("medicationCodeableConcept")
    ):
        return True
    reference = record.get("medicationReference")
    if not isinstance(reference, Mapping):
        return False
    target = ref_id(reference)
    medication = index.get(("Medication", target)) if target else None
    if medication is None and target:
        medication = next(
            (
                c
                for c in array(record.get("contained"))
                if isinstance(c, Mapping) and c.get("id") == target
            ),
            None,
        )
    display = reference.get("display")
    return (medication is not None and _concept_named(medication.get("code"))) or (
        isinstance(display, str) and bool(display.strip())
    )


def _names_a_drug(
    resource: Mapping[str, Any], index: Mapping[tuple[str, str], Mapping[str, Any]]
) -> bool:
    """True when a manic reaction's record names its drug (recognised or not): the allergy's
    substance, or an AdverseEvent suspect entity by concept, resolvable reference or display.
    False when no drug can be read at all (no substance, no suspect, a reference to a record not
    among the resources): then the reaction may have been to an antidepressant, a real gap."""
    if resource.get("resourceType") == "AllergyIntolerance":
        concepts = [resource.get("code")] + [
            r.get("substance") for r in array(resource.get("reaction")) if isinstance(r, Mapping)
        ]
        return any(_concept_named(c) for c in concepts)
    for entity in array(resource.get("suspectEntity")):
        if not isinstance(entity, Mapping):
            continue
        if _concept_named(entity.get("instanceCodeableConcept")):
            return True
        instance = entity.get("instance")
        if not isinstance(instance, Mapping):
            continue
        reference = instance.get("reference")
        if isinstance(reference, str):
            parts = [p for p in reference.split("/") if p]
            if "_history" in parts:
                parts = parts[: parts.index("_history")]
            target = index.get((parts[-2], parts[-1])) if len(parts) >= 2 else None
            if target is not None and _record_named(target, index):
                return True
        display = instance.get("display")
        if isinstance(display, str) and display.strip():
            return True
    return False


def reaction_findings(
    resources: Iterable[Mapping[str, Any]],
    medication_resources: Sequence[Mapping[str, Any]] = (),
    *,
    as_of: date,
) -> tuple[tuple[Finding, ...], tuple[DataGap, ...]]:
    """BIPOLAR findings for mania or hypomania recorded as a reaction to a pathway drug (or an
    antidepressant class) by an AllergyIntolerance or an actual AdverseEvent, one per resource,
    dated by the reaction (else as the intolerance is), named with the drug and where it was
    recorded. Records dated after `as_of` are ignored, as `read_intolerances` ignores them.

    A manic reaction whose drug is not recognised (a drug off this pathway, a product the drug
    table does not know, no suspect entity) is not read as bipolar disorder (steroid-induced mania
    is not a bipolar marker). When the record names that drug (prednisone) it was read and is
    simply not a finding; only when no drug can be read at all (no substance, no suspect entity, a
    reference to a record not among the resources) is it a DataGap of the condition domain, so the
    cards that rest on the diagnosis say it was not read (it may have been an antidepressant)."""
    index: dict[tuple[str, str], Mapping[str, Any]] | None = None
    found: list[Finding] = []
    gaps: list[DataGap] = []
    for resource in resources:
        kind = resource.get("resourceType")
        if kind == "AllergyIntolerance":
            if _withdrawn(resource):
                continue
            mania = allergy_mania(resource)
            if mania is None:
                continue
            said, onset = mania
            drugs = _allergy_drugs(resource)
            when = onset or _allergy_date(resource)
            how = "recorded as a reaction"
        elif kind == "AdverseEvent":
            if resource.get("actuality") == "potential":
                continue
            said_event = says_mania(resource.get("event"))
            if said_event is None:
                continue
            said = said_event
            if index is None:
                index = _index(medication_resources)
            drugs = _event_ingredients(resource, index, causal_only=False)
            when = _event_date(resource)
            how = "recorded as an adverse event"
        else:
            continue
        if when is not None and when > as_of:
            continue
        rid = resource.get("id")
        source = SourceRef(str(kind), rid if isinstance(rid, str) else "")
        if drugs:
            found.append(_mania_finding(said, drugs, how, when, source))
        elif not _names_a_drug(resource, index or {}):  # the reason goes to the logs
            gaps.append(DataGap(DataDomain.CONDITIONS, _MANIA_DRUG_NOT_READ, source))
        # else a drug is named and it is not an antidepressant or adjunct (prednisone): read, and
        # deliberately not a bipolar finding (substance-induced mania), so not a gap either: "could
        # not be read" on every card would be false (review 10 recheck R9).
    return tuple(found), tuple(gaps)


def stop_reason_findings(
    stop_reasons: Iterable[Intolerance | None], medication_resources: Iterable[Mapping[str, Any]]
) -> tuple[Finding, ...]:
    """BIPOLAR findings for medication records whose stop reason (statusReason) says mania or
    hypomania, by a code or by words not negated: the judgement `reaction_findings` makes of an
    allergy's reaction, for the same switch recorded on the order or statement that ended a course
    (`status_reason_intolerance` marks it `manic_reaction`).

    `stop_reasons` are the intolerances of every medication event (`MedicationEvent.intolerance`),
    not the one a trial kept: a trial keeps its latest stop reason, so an earlier "hypomania" on
    the same course was lost (review 11 wave 4). One finding per record, naming every drug it
    ended and dated as its intolerance is (the course's stated end). The record itself is looked
    up only for those (nearly every chart has none) to name the finding by what its stop reason
    said: its code and display, or its words."""
    drugs: dict[SourceRef, list[str]] = {}
    dated: dict[SourceRef, date | None] = {}
    for stopped in stop_reasons:
        if (
            stopped is None
            or not stopped.manic_reaction
            or stopped.source.resource_type not in _MEDICATION_RECORDS
        ):
            continue
        named = drugs.setdefault(stopped.source, [])
        if stopped.ingredient not in named:
            named.append(stopped.ingredient)
        dated.setdefault(stopped.source, stopped.date)
    if not drugs:
        return ()  # nearly every record: no course stopped for mania
    found: dict[SourceRef, Finding] = {}
    for resource in medication_resources:
        rid = resource.get("id")
        source = SourceRef(str(resource.get("resourceType")), rid if isinstance(rid, str) else "")
        if source not in drugs or source in found:
            continue
        value = resource.get("statusReason")
        if value is None:
            value = resource.get("statusReasonCodeableConcept")
        said = next((m for c in concepts(value) if (m := says_mania(c)) is not None), None)
        if said is not None:
            how = "recorded as the reason it was stopped"
            found[source] = _mania_finding(said, drugs[source], how, dated[source], source)
    return tuple(found.values())


def _finding_order(f: Finding) -> tuple[str, date, str, str, str]:
    # The order context.clinical_context gives its findings in (kind, onset, code, source).
    return (f.kind.value, f.onset or date.min, f.system, f.code, str(f.source or ""))


def with_reaction_findings(context: ClinicalContext, found: Sequence[Finding]) -> ClinicalContext:
    """`context` with the findings `reaction_findings` read added, in the context's order."""
    if not found:
        return context
    merged = set(context.findings).union(found)
    return dataclasses.replace(context, findings=tuple(sorted(merged, key=_finding_order)))
