"""Intolerance documented by an AdverseEvent (intolerance.py's source 3): the drugs its
suspect entities name, by display, a CodeableConcept (R5 style), or a reference to a Medication or
medication record among the same resources; a suspect assessed "unlikely" to have caused the
event is not counted. Also its date and its reason as worded.

Apart from intolerance.py because resolving a suspect entity's reference is its own reading (an
index of the medication resources, contained Medications, `_history` references), shared with
mania_findings.py. Its names stay importable from intolerance.py, where callers import them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from fhir_mapping.fhir_fields import array, codings, parse_date, ref_id
from fhir_mapping.intolerance_reasons import manifestation_label, reason_table
from fhir_mapping.terminology import recognise

_MEDICATION_RECORDS = frozenset(
    {"MedicationRequest", "MedicationStatement", "MedicationAdministration", "MedicationDispense"}
)


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
    table = reason_table()
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
    label = manifestation_label(concept) if isinstance(concept, Mapping) else None
    return f"adverse event: {label}" if label else "adverse event"
