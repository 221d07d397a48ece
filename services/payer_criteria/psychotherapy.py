"""The `psychotherapy` criterion: psychotherapy Procedures had; a referral alone is not a trial."""

from __future__ import annotations

from datetime import date

from fhir_mapping.clinical_codes import procedure_codes
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.record import ProcedureKind
from services.pathway import VOID_REQUEST_STATUSES
from services.payer_criteria.inputs import Inputs, absent
from services.payer_criteria.model import Criterion, CriterionStatus
from services.payer_criteria.results import CriterionResult, judged

_PSYCHOTHERAPY = ProcedureKind.PSYCHOTHERAPY  # compared per procedure: a module constant


def _procedure_name(system: str, code: str) -> str:
    row = procedure_codes().get((canonical_system(system), code))
    return f"{row.display if row else 'psychotherapy'} ({code})"


def evaluate_psychotherapy(c: Criterion, x: Inputs) -> CriterionResult:
    record = x.record
    sessions = sorted(
        [p for p in record.procedures if p.kind is _PSYCHOTHERAPY],
        key=lambda p: p.date or date.min,
    )
    if sessions:
        dated = [p.date for p in sessions if p.date is not None]  # oldest first, as sorted
        if not dated:
            span = ", undated"
        elif dated[0] == dated[-1]:
            span = f", {dated[0].isoformat()}"
        else:
            span = f", {dated[0].isoformat()} - {dated[-1].isoformat()}"
        # Named once per code (a course is many sessions of one or two codes), in the order
        # each code first appears.
        codes = dict.fromkeys([(p.system, p.code) for p in sessions])
        kinds = "; ".join(dict.fromkeys([_procedure_name(*code) for code in codes]))
        line = f"{len(sessions)} session{'s' if len(sessions) != 1 else ''}{span}: {kinds}"
        if len(sessions) >= c.min_sessions:
            return judged(c, CriterionStatus.MET, (line,))
        return judged(c, CriterionStatus.NOT_MET, (f"{line}; the policy reads {c.min_sessions}+",))
    referrals = [
        r
        for r in record.referrals
        if r.kind == "psychotherapy" and r.status not in VOID_REQUEST_STATUSES
    ]
    if referrals:
        # A referral is not a trial: the payer asks for therapy that was had.
        lines = tuple(
            f"referral {r.status}"
            + (f" {r.authored.isoformat()}" if r.authored else "")
            + (f" ({r.source})" if r.source else "")
            + ", no session documented"
            for r in referrals
        )
        if x.unseen(c.kind):
            return judged(c, CriterionStatus.NOT_AVAILABLE, (*lines, "procedures not available"))
        return judged(c, CriterionStatus.NOT_ON_RECORD, lines)
    return absent(c, x, "psychotherapy history", "no psychotherapy on record")
