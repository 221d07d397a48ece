"""Psychotherapy Procedures recorded `not-done` (session 42 care65, review K65b).

procedures_devices.procedure_facts drops a `not-done` Procedure on purpose: nothing was given, so
it is no session (procedure_status_gaps.py). But the psychotherapy card then said "no
psychotherapy procedure, visit or referral on record" beside a CPT 90837 recorded as not done,
less than the record shows: the session was planned or intended and did not happen, which is
what the prescriber asks about before referring again. They are kept here as a `Referral` of
their own kind (`NOT_DONE`), never a session nor a referral, which only the psychotherapy card
and its payer criterion read (services/not_done_psychotherapy.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from fhir_mapping.clinical_records import ProcedureKind, Referral
from fhir_mapping.code_systems import system_label
from fhir_mapping.procedures_devices import procedure_facts
from fhir_mapping.result_statuses import given

Resource = Mapping[str, Any]

NOT_DONE = "psychotherapy-not-done"


def not_done_psychotherapy(procedures: Iterable[Resource], *, as_of: date) -> tuple[Referral, ...]:
    """One `NOT_DONE` Referral per psychotherapy Procedure whose status is `not-done`, read as
    it would be were it completed (its code, day and source); one dated after `as_of` is none."""
    found: list[Referral] = []
    for resource in procedures:
        if given(resource.get("status")) != "not-done":
            continue
        records, _ = procedure_facts({**resource, "status": "completed"}, as_of=as_of)
        for record in records:
            if record.kind is not ProcedureKind.PSYCHOTHERAPY:
                continue
            label = system_label(record.system) if record.system else ""
            code = f"{label} {record.code}".strip() if record.code else ""
            found.append(Referral(NOT_DONE, "not-done", record.date, record.source, code=code))
    return tuple(dict.fromkeys(found))
