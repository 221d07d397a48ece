"""The `contraindications` (the TMS safety screen) and `concurrent` (drugs that must not run
alongside) criteria."""

from __future__ import annotations

from fhir_mapping.record import DataDomain
from services.pathway import finding_line
from services.payer_criteria.findings import finding_names, findings_of
from services.payer_criteria.inputs import Inputs
from services.payer_criteria.model import Criterion, CriterionStatus
from services.payer_criteria.results import CriterionResult, judged

# Where the contraindication screen looks, and what a card calls each list when it is missing.
_SCREENED: tuple[tuple[DataDomain, str], ...] = (
    (DataDomain.CONDITIONS, "condition list"),
    (DataDomain.PROCEDURES, "procedure list"),
    (DataDomain.DEVICES, "device list"),
)


def evaluate_contraindications(c: Criterion, x: Inputs) -> CriterionResult:
    record, facts = x.record, x.facts
    found = findings_of(c.findings, record)
    if found:
        return judged(c, CriterionStatus.NOT_MET, tuple(finding_line(f) for f in found))
    # Every list read (most charts): none missing, none to look for (issue 14).
    missing = (
        [name for domain, name in _SCREENED if record.unavailable(domain)] if record.gaps else []
    )
    if c.cautions == "screen" and facts.tms_cautions:
        items = tuple(finding_line(f) for f in facts.tms_cautions)
        return judged(
            c,
            CriterionStatus.NOT_ON_RECORD,
            (f"none of: {finding_names(c.findings)}", *(f"to screen: {i}" for i in items)),
            to_document="the TMS safety screen's clearance of "
            + ", ".join(f.display or f.code for f in facts.tms_cautions),
        )
    if missing or x.unseen(c.kind):
        lists = ", ".join(missing) or "part of the condition, procedure or device list"
        return judged(
            c,
            CriterionStatus.NOT_AVAILABLE,
            (f"none of: {finding_names(c.findings)} recognised; {lists} not available",),
        )
    return judged(c, CriterionStatus.MET, (f"none of: {finding_names(c.findings)}",))


def evaluate_concurrent(c: Criterion, x: Inputs) -> CriterionResult:
    running = [t for t in x.record.trials if t.ongoing and t.ingredient.lower() in c.ingredients]
    if running:
        return judged(
            c,
            CriterionStatus.NOT_MET,
            tuple(f"{t.ingredient} since {t.start.isoformat()} (ongoing)" for t in running),
        )
    if x.unseen(c.kind):
        return judged(c, CriterionStatus.NOT_AVAILABLE, ("medication list not available in full",))
    return judged(c, CriterionStatus.MET, (f"no {' or '.join(c.ingredients)} running",))
