"""The chosen payer's TMS criteria: each met / not met / not on record / not available, with the
evidence it rests on and where the payer says so.

The rule sets and their evaluation are services/payer_criteria/'s (`evaluate_payer_criteria`,
pure): the packet renders the same evaluation the TMS card shows. "All criteria met" only when
every criterion is met, and then "on the data that could be read" when the chart has gaps in
what the criteria read.
"""

from __future__ import annotations

from fhir_mapping.record import PatientRecord, Trial
from services.packet.html import Cell, bullets, section_open, table, text
from services.pathway import PathwayFacts
from services.payer_criteria import (
    CriterionKind,
    CriterionResult,
    CriterionStatus,
    PayerEvaluation,
    evaluate_payer_criteria,
)
from services.policy import Policy

_STATUS_CLASS = {
    CriterionStatus.MET: "status met",
    CriterionStatus.NOT_MET: "status not-met",
    CriterionStatus.NOT_ON_RECORD: "status not-on-record",
    CriterionStatus.NOT_AVAILABLE: "status not-available",
}

# The section's constant markup, built once (issue 14, speed).
_OPEN = section_open("payer", "Payer criteria")
_NOT_EVALUATED = text(
    "p",
    "No payer rule set was evaluated for this summary: check the payer's criteria "
    "before sending. The clinic's own TMS criteria:",
    cls="alert",
)
_HEADER = ("Criterion", "Status", "Evidence", "Source")


def payer_evaluation(record: PatientRecord, facts: PathwayFacts, policy: Policy) -> PayerEvaluation:
    """The clinic's chosen payer rule set (policy.payer_criteria) evaluated on this record."""
    return evaluate_payer_criteria(record, facts, policy)


def counted_trials(evaluation: PayerEvaluation | None, facts: PathwayFacts) -> tuple[Trial, ...]:
    """The trials the criteria counted: the payer's trials criterion where the rule set has one,
    else the clinic's own TMS count (services/pathway.py)."""
    if evaluation is not None and any(r.kind is CriterionKind.TRIALS for r in evaluation.results):
        return evaluation.counted_trials
    return facts.tms_trials


def _names(results: tuple[CriterionResult, ...]) -> str:
    return "; ".join(r.label for r in results)


def verdict_text(evaluation: PayerEvaluation) -> str:
    name = evaluation.rule_set.name
    if evaluation.met:
        where = " on the data that could be read" if evaluation.incomplete else ""
        return f"All {len(evaluation.results)} criteria of {name} are met{where}."
    parts = []
    for status in (
        CriterionStatus.NOT_MET,
        CriterionStatus.NOT_ON_RECORD,
        CriterionStatus.NOT_AVAILABLE,
    ):
        found = tuple(r for r in evaluation.results if r.status is status)
        if found:
            parts.append(f"{status.label.lower()}: {_names(found)}")
    return f"{name}: " + " · ".join(parts) + "."


def _source(result: CriterionResult) -> str:
    if result.source_status == "confirmed":
        return result.source
    return f"{result.source} ({result.source_status})"


def _row(result: CriterionResult) -> tuple[Cell, ...]:
    evidence = "; ".join(result.evidence) or "–"
    if result.to_document:
        evidence += f". To document: {result.to_document}"
    return (
        f"{result.label}: {result.wording}",
        (result.status.label, _STATUS_CLASS[result.status]),
        (evidence, "ref"),
        (_source(result), "ref"),
    )


def _clinic_lines(facts: PathwayFacts) -> list[str]:
    if facts.tms.eligible:
        return ["The clinic's TMS criteria (policy) are met on the data that could be read."]
    return [f"Not met: {blocker}" for blocker in facts.tms.blockers]


def payer_section(
    evaluation: PayerEvaluation | None, facts: PathwayFacts, *, verdict: str | None = None
) -> str:
    """`verdict`: verdict_text(evaluation), when the caller has it already."""
    if evaluation is None:
        return f"{_OPEN}{_NOT_EVALUATED}{bullets(_clinic_lines(facts), cls='lines')}</section>"
    parts = [_OPEN]
    rule_set = evaluation.rule_set
    parts.append(
        text(
            "p",
            verdict if verdict is not None else verdict_text(evaluation),
            cls="verdict met" if evaluation.met else "verdict alert",
        )
    )
    parts.append(
        table(
            _HEADER,
            [_row(r) for r in evaluation.results],
            caption=f"{rule_set.name}: {rule_set.title}",
            cls="criteria",
            stack=True,
        )
    )
    notes = [f"Policy: {rule_set.name}, {rule_set.url} (read as {rule_set.status})"]
    if rule_set.note:
        notes.append(rule_set.note)
    notes += [f"Not judged from the chart: {line}" for line in rule_set.not_encoded]
    notes += [f"Required of the TMS service: {line}" for line in rule_set.service_requirements]
    parts.append(bullets(notes, cls="lines note"))
    parts.append("</section>")
    return "".join(parts)
