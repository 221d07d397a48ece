"""Dialysis documented only as Procedures (`dialysis_sessions`).

Synthea writes haemodialysis as SNOMED 302497006 Procedures, Epic and Oracle send CPT 90935/90937
(haemodialysis), 90945/90947 (other dialysis) or 90960-90970 (monthly ESRD services); a patient
dialysed three times a week with no Z99.2 got no renal band. A dialysis Procedure
(ProcedureKind.DIALYSIS, completed or in-progress) whose last day is within
policy.dialysis_procedure_recent_days reads as on dialysis (services/renal_doses.py `reading`),
worded as the code is ("on dialysis (haemodialysis, CPT 90935, last 2025-05-28)"); an older one
does not. An undated session is not read (it cannot be placed in the window).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fhir_mapping.clinical_codes import procedure_codes
from fhir_mapping.code_systems import CPT, SNOMED
from fhir_mapping.record import (
    Finding,
    FindingKind,
    PatientRecord,
    ProcedureKind,
    ProcedureRecord,
)
from services.card_format import plural
from services.policy import Policy


@dataclass(frozen=True, slots=True)
class DialysisSessions:
    """The dialysis Procedures whose last day is within policy.dialysis_procedure_recent_days:
    the latest, and how many (`dialysis_sessions`)."""

    last: ProcedureRecord
    last_day: date
    count: int
    window_days: int

    def named(self) -> str:
        """ "haemodialysis, CPT 90935": the code table's few words (procedure_codes.csv `short`),
        then the code."""
        row = procedure_codes().get((self.last.system, self.last.code))
        system = _SYSTEM_NAMES.get(self.last.system, self.last.system)
        coded = f"{system} {self.last.code}".strip()
        return f"{row.short}, {coded}" if row is not None and row.short else coded

    def display(self) -> str:
        row = procedure_codes().get((self.last.system, self.last.code))
        return row.display if row is not None else "Dialysis procedure"

    def counted(self) -> str:
        """ "12 dialysis procedures in the last 90 days"."""
        window = plural(self.window_days, "day")
        return f"{plural(self.count, 'dialysis procedure')} in the last {window}"

    def finding(self) -> Finding:
        """The latest session as the finding KidneyFailure names (`sessions` set beside it)."""
        p = self.last
        return Finding(
            FindingKind.DIALYSIS, p.code, p.system, self.display(), self.last_day, p.source
        )


# How a card names a procedure code's system ("CPT 90935"); the URI for any other system.
_SYSTEM_NAMES = {CPT: "CPT", SNOMED: "SNOMED CT"}


def dialysis_sessions(record: PatientRecord, policy: Policy) -> DialysisSessions | None:
    """The dialysis Procedures (ProcedureKind.DIALYSIS; the mapping keeps completed and
    in-progress ones) whose last day (the end of a performedPeriod, else its date) is at most
    policy.dialysis_procedure_recent_days before as-of, or None. An undated one is not read."""
    window = policy.dialysis_procedure_recent_days
    found = [
        (day, p)
        for p in record.procedures
        if p.kind is ProcedureKind.DIALYSIS
        and (day := p.performed_end or p.date) is not None
        and 0 <= (record.as_of - day).days <= window
    ]
    if not found:
        return None
    day, last = max(found, key=lambda pair: pair[0])
    return DialysisSessions(last, day, len(found), window)
