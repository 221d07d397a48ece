"""A scored Observation contained in another resource that nothing in it references (FHIR R4
invariant dom-3 broken: fix data67 item 1), read as if the chart had sent it.

Seen in probe charts built as a form tool or an interface files a screen: a PHQ-9 item 9 answer
or a C-SSRS result in the `contained` of the PHQ-9 total, a QuestionnaireResponse, a
DiagnosticReport or an order, with no `hasMember` / `result` / "#id" naming it. No reader looks
inside `contained` for an Observation, so the answer was dropped in silence: a positive item 9
("Nearly every day") the service never read, the optimise and TMS cards saying "item 9 not
recorded" and a TMS referral offered beside it.

Malformed, but what it holds is the patient's answer, and a suicide-risk answer left unread is
the unsafe reading (a false critical card is safer than a quiet one). So each unreferenced
contained Observation that a score or screen reader takes (resource_routing.observation_route:
a rating scale, a screen, or a row named as one) is handed to the chart walk as its own resource,
placed by its parent where it says nothing itself: the parent's subject (or patient) and its
clinical date (effective[x], a response's `authored`, an order's `authoredOn`, a visit's
`period`). Its readers then read it in full as they read a sent one; one that neither it nor its
parent dates is read as any undated answer (item9_undated.py: its suicide-risk signal kept, a
data-gap line "with no usable date"), so an answer that cannot be placed is named, never quiet.
A parent entered in error takes its contents with it (nothing lifted). A contained Observation
the parent references ("#id", valid R4) is left as it was: its readers are the parent's. Labs,
vitals and other Observations are left as they were: this is about scored answers only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir_mapping.contained_members import lift_parts
from fhir_mapping.fhir_fields import JSON_OBJECT, array
from fhir_mapping.resource_routing import (
    NO_READER,
    PGX_READER,
    PREGNANCY_READER,
    VITALS_READER,
    observation_route,
)
from fhir_mapping.unreferenced_contained import unreferenced

Resource = Mapping[str, Any]

_DATED = ("effectiveDateTime", "effectivePeriod", "effectiveInstant", "effectiveTiming", "issued")
# The parent's clinical date, as the Observation's own field: a form's `authored`, an order's
# `authoredOn`, a procedure's `performedDateTime`, a visit's `period`; an Observation's or a
# DiagnosticReport's effective[x] and `issued` under their own names.
_PARENT_DATE = (
    ("effectiveDateTime", "effectiveDateTime"),
    ("effectivePeriod", "effectivePeriod"),
    ("effectiveInstant", "effectiveInstant"),
    ("authored", "effectiveDateTime"),
    ("authoredOn", "effectiveDateTime"),
    ("performedDateTime", "effectiveDateTime"),
    ("performedPeriod", "effectivePeriod"),
    ("period", "effectivePeriod"),
)
_NOT_SCORES = (PREGNANCY_READER, VITALS_READER, PGX_READER)


def _scored(observation: Resource) -> bool:
    """Whether a score or screen reader takes `observation`, or would look at it as a row named
    as a scale or asking of self-harm (chart_walk's lookalikes)."""
    reads, looks_named, _lab_test, asks = observation_route(observation)
    if reads is NO_READER:
        return looks_named or asks
    if any(reads is special for special in _NOT_SCORES):
        return False
    scale, _lab, screen = reads
    return scale is not None or screen


def _placed(observation: Resource, parent: Resource) -> Resource:
    """`observation` with the parent's subject and date where it states none, under an id of
    its own in the chart (the parent's id and its own: contained ids are local)."""
    lifted = dict(observation)
    own_id, parent_id = observation.get("id"), parent.get("id")
    if isinstance(own_id, str) and isinstance(parent_id, str):
        lifted["id"] = f"{parent_id}-{own_id}"
    if "subject" not in lifted:
        subject = parent.get("subject", parent.get("patient"))
        if isinstance(subject, JSON_OBJECT):
            lifted["subject"] = subject
    if not any(key in lifted for key in _DATED):
        for key, target in _PARENT_DATE:
            value = parent.get(key)
            if isinstance(value, str | dict) and value:
                lifted[target] = value
                break
        if isinstance(issued := parent.get("issued"), str) and "issued" not in lifted:
            lifted["issued"] = issued
    return lifted


def with_contained_scores(resources: list[Resource]) -> list[Resource]:
    """`resources` with, after each, its contained parts (contained_members.py) and its
    unreferenced contained scored Observations placed by it (`_placed`); the same list when none holds one (most charts: a contained Medication only)."""
    if not any(
        "contained" in r
        and any(
            isinstance(c, JSON_OBJECT) and c.get("resourceType") == "Observation"
            for c in array(r.get("contained"))
        )
        for r in resources
    ):
        return resources
    out: list[Resource] = []
    for resource in resources:
        if "contained" not in resource or resource.get("status") == "entered-in-error":
            out.append(resource)
            continue
        # A panel's `hasMember` and a report's `result` "#id" parts first (fix data69:
        # contained_members.py); what is left unreferenced below.
        resource, parts = lift_parts(resource, _placed)
        out.append(resource)
        out.extend(parts)
        out.extend(
            _placed(c, resource) for c in unreferenced(resource, "Observation") if _scored(c)
        )
    return out
