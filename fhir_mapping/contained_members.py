"""Contained Observations a resource references as its parts, read as if the chart had sent them
(fix data69 items 3 and 4).

Valid FHIR R4 (dom-3 kept): a PHQ-9 total whose `hasMember` is {"reference": "#item9"} with the
item 9 answer (44260-8, "Nearly every day") in its `contained`, or a lab DiagnosticReport (Oracle
Health / Cerner send labs as DiagnosticReport.result -> Observation, sometimes contained) whose
`result` is "#li1". No reader looks inside `contained` for an Observation, and the unreferenced
ones only are lifted (contained_scores.py, data67). So the item 9 was named "could not be read"
(member_unread.py: a warning where "Nearly every day" is a critical card) and the lithium, TSH,
B12, folate or QTc result of the report was never seen.

Each such contained Observation is handed to the chart walk as its own resource, placed by its
parent as contained_scores.py places one (the parent's subject and date where it states none,
the id "<parent id>-<own id>"), and the parent's "#id" references to it are rewritten to
"Observation/<that id>", the parent keeping in `contained` only what was not lifted: the panel's
readers then join the item to its total by `hasMember` as they join a sent one (item9_join.py),
and nothing is read twice. Labs are lifted too (unlike contained_scores.py, which lifts scored
answers only): the report references them as its results, so they are the chart's results.
Only `hasMember` of an Observation and `result` of a DiagnosticReport are followed (what a panel
and a report hold); other "#id" references (a derivedFrom, a specimen) are left as they were.
A parent entered in error takes its contents with it (nothing lifted).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fhir_mapping.fhir_fields import JSON_OBJECT, array

Resource = Mapping[str, Any]

# The field of each parent type whose "#id" references name its parts.
PART_FIELDS = {"Observation": "hasMember", "DiagnosticReport": "result"}


def _local(reference: object) -> str | None:
    """The contained id a Reference names ("#item9" -> "item9"), else None."""
    if isinstance(reference, JSON_OBJECT):
        value = reference.get("reference")
        if isinstance(value, str) and value.startswith("#") and len(value) > 1:
            return value[1:]
    return None


def contained_parts(resource: Resource) -> dict[str, Resource]:
    """The contained Observations `resource` names as its parts (`PART_FIELDS`), by id."""
    kind = resource.get("resourceType")
    field = PART_FIELDS.get(kind) if isinstance(kind, str) else None
    if field is None or "contained" not in resource:
        return {}
    named = {i for ref in array(resource.get(field)) if (i := _local(ref)) is not None}
    if not named:
        return {}
    return {
        c["id"]: c
        for c in array(resource.get("contained"))
        if isinstance(c, JSON_OBJECT)
        and c.get("resourceType") == "Observation"
        and isinstance(c.get("id"), str)
        and c["id"] in named
    }


def all_parts_contained(report: Resource) -> bool:
    """Whether every `result` of a DiagnosticReport names one of its contained Observations:
    such a report carries its results whole (cds_hooks/fhir_data/prefetch_types.py keeps it
    under an Observation key rather than naming it unread)."""
    results = array(report.get("result"))
    parts = contained_parts(report)
    return bool(results) and all(_local(ref) in parts for ref in results)


def lift_parts(
    resource: Resource, placed: Callable[[Resource, Resource], Resource]
) -> tuple[Resource, list[Resource]]:
    """`resource` with its contained parts lifted: (the parent as the walk reads it, the parts
    placed by `placed(part, parent)`); `(resource, [])` when it names none (nearly every one)."""
    parts = contained_parts(resource)
    if not parts or resource.get("status") == "entered-in-error":
        return resource, []
    lifted = {own: placed(part, resource) for own, part in parts.items()}
    field = PART_FIELDS[resource["resourceType"]]
    parent = dict(resource)
    parent[field] = [
        {**ref, "reference": f"Observation/{lifted[own]['id']}"}
        if (own := _local(ref)) in lifted
        else ref
        for ref in array(resource.get(field))
    ]
    rest = [
        c
        for c in array(resource.get("contained"))
        if not (
            isinstance(c, JSON_OBJECT)
            and c.get("resourceType") == "Observation"
            and isinstance(c.get("id"), str)
            and c["id"] in lifted
        )
    ]
    if rest:
        parent["contained"] = rest
    else:
        parent.pop("contained", None)
    return parent, list(lifted.values())
