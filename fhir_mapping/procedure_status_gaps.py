"""Gaps for the Procedures no status lets the service read (session 30 status31, "never silent"):
a status that is missing, not a string, `unknown`, or a string FHIR R4 EventStatus does not
define ("Completed ", "done"). procedures_devices.procedure_facts reads a Procedure only by its
status (completed / in-progress; a course's stopped / on-hold), so such a one was dropped with no
trace: a psychotherapy course with no status read "no psychotherapy on record: consider CBT",
an ECT course with none was no ECT.

Only a Procedure the service would read were it completed is named (`_relevant`: it gives a
session or a finding), so an appendectomy with no status stays out of the report (noise). Not
read as given either: its status may be `not-done` or `entered-in-error` as well as `completed`;
the gap (DataDomain.PROCEDURES) lists it on the cards resting on procedures (psychotherapy,
TMS), "the conclusion may change once it is read". `not-done`, `preparation`,
`entered-in-error` stay dropped in silence: the record says nothing was given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from fhir_mapping.gaps import resource_gap
from fhir_mapping.procedures_devices import procedure_facts
from fhir_mapping.record import DataDomain, DataGap
from fhir_mapping.result_statuses import MISSING, UNREADABLE, given

Resource = Mapping[str, Any]

# FHIR R4 EventStatus (hl7.org/fhir/R4/codesystem-event-status.html), bar `unknown`: FHIR
# structure, not a clinical fact, so here rather than in a table (gaps.py). Each is read, or
# dropped on purpose, by procedure_facts.
_READ_OR_DROPPED = frozenset(
    {
        "preparation",
        "in-progress",
        "not-done",
        "on-hold",
        "stopped",
        "completed",
        "entered-in-error",
    }
)
# The fixed words of the gap (reasons go to the logs); the status is said beside the record.
STATUS_NOT_READ = "procedure whose status is missing or not recognised"
_SAID = {MISSING: "status missing", UNREADABLE: "status not readable"}


def procedure_status_gaps(procedures: Iterable[Resource], *, as_of: date) -> list[DataGap]:
    """One gap per relevant Procedure whose status is not read (module docstring)."""
    found: list[DataGap] = []
    for resource in procedures:
        status = given(resource.get("status"))
        if status in _READ_OR_DROPPED:
            continue
        relevant, kinds = _relevant(resource, as_of)
        if not relevant:
            continue
        said = _SAID.get(status) or f"status '{status[:40]}'"
        gaps = resource_gap(resource, STATUS_NOT_READ, DataDomain.PROCEDURES, stated=said)
        found.extend(replace(gap, kinds=kinds) for gap in gaps)
    return found


def _relevant(resource: Resource, as_of: date) -> tuple[bool, tuple[str, ...]]:
    """Whether the Procedure, were it completed, would give a session or a finding as of
    `as_of` (one dated after it is no gap of this kind), and the session kinds it would give
    (DataGap.kinds: the psychotherapy card counts its own, s30 status32)."""
    records, findings = procedure_facts({**resource, "status": "completed"}, as_of=as_of)
    return bool(records or findings), tuple(sorted({str(r.kind) for r in records}))
