"""Psychotherapy Procedures on record whose status could not be read (session 30 status32).

procedure_status_gaps.py names a psychotherapy Procedure with a missing, malformed or undefined
status under "Data not read" (status31), but the psychotherapy card and the TMS card's payer
criterion still said "no psychotherapy procedure, visit or referral on record" beside them: a
card claimed more than the record shows. They now count them instead ("11 psychotherapy
procedures with status missing (not read): confirm"): not read as sessions (the status may as
well be `not-done` or `entered-in-error`), never said to be absent.
"""

from __future__ import annotations

from fhir_mapping.clinical_records import ProcedureKind
from fhir_mapping.procedure_status_gaps import STATUS_NOT_READ
from fhir_mapping.record import DataDomain, DataGap, PatientRecord

# How the words name a mix of statuses (each gap's own `stated` is on the Data-not-read line).
_MIXED = "status missing or not recognised"


def unread_psychotherapy(record: PatientRecord) -> tuple[DataGap, ...]:
    """The gaps of the psychotherapy Procedures left out for their status."""
    return tuple(
        gap
        for gap in record.gaps_in(DataDomain.PROCEDURES)
        if gap.reason == STATUS_NOT_READ and ProcedureKind.PSYCHOTHERAPY in gap.kinds
    )


def unread_words(gaps: tuple[DataGap, ...]) -> str:
    """ "11 psychotherapy procedures with status missing (not read)" ("" for none)."""
    if not gaps:
        return ""
    said = {gap.stated for gap in gaps}
    status = said.pop() if len(said) == 1 and "" not in said else _MIXED
    n = len(gaps)
    return f"{n} psychotherapy procedure{'s' if n != 1 else ''} with {status} (not read)"
