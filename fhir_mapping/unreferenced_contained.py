"""A Medication contained in a medication record that nothing in the record references (FHIR R4
invariant dom-3 broken: fix data66 item 1), named beside the record left out for its drug.

Seen in probe charts built as an Epic order is (../shared/fhir/vendor/): the Medication is in
`contained`, but `medicationReference` is missing, names another "#id", or names it as
"Medication/<id>", which the chart did not send. The record's drug is then unread (no medication,
reference not found), and it stays unread: which drug was ordered is what the reference says,
and an unreferenced resource is not the record's by the standard's own rule, so it is never read
as the drug (a guess that would count a trial). But where it names an antidepressant or adjunct
(sertraline), the order's gap line names it, since that order could change a trial count: "the
order of 2026-04-10 (a contained Medication, not referenced by it, names sertraline)". A drug off
the pathway (lisinopril) changes no count: the line stays as it was. A record whose drug is read
(its own concept, a resolved reference, a display) is read as before; valid R4 (a contained
Medication referenced "#id") is read as before (medication_drug._referenced_medication).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from fhir_mapping.fhir_fields import JSON_OBJECT, array
from fhir_mapping.terminology import recognise


def references(node: object) -> Iterator[str]:
    """Every `reference` string under `node` (a resource less its `contained`)."""
    if isinstance(node, JSON_OBJECT):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            elif key != "contained":
                yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def unreferenced_medications(resource: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The Medications contained in `resource` that no "#id" reference of it names (dom-3)."""
    return unreferenced(resource, "Medication")


def unreferenced(resource: Mapping[str, Any], kind: str) -> list[Mapping[str, Any]]:
    """The resources of type `kind` contained in `resource` that no "#id" reference of it names
    (dom-3): the Medications here, the scored Observations of contained_scores.py."""
    named = {r[1:] for r in references(resource) if r.startswith("#")}
    return [
        c
        for c in array(resource.get("contained"))
        if isinstance(c, JSON_OBJECT) and c.get("resourceType") == kind and c.get("id") not in named
    ]


def unreferenced_drugs(resource: Mapping[str, Any]) -> str:
    """ "a contained Medication, not referenced by it, names sertraline": the pathway drugs the
    record's unreferenced contained Medications name, for its gap line (DataGap.stated); ""
    when they name none."""
    drugs = [
        c.ingredient
        for medication in unreferenced_medications(resource)
        if medication.get("status") != "entered-in-error"
        for c in recognise(None, medication)
    ]
    if not drugs:
        return ""
    return f"a contained Medication, not referenced by it, names {', '.join(dict.fromkeys(drugs))}"
