"""The chosen payer's TMS criteria: each met / not met / not on record / not available, with the
evidence it rests on and where the payer says so.

The rule sets and their evaluation are services/payer_criteria/'s (`evaluate_payer_criteria`,
pure): the packet renders the same evaluation the TMS card shows. "All criteria met" only when
every criterion is met, and then "on the data that could be read" when the chart has gaps in
what the criteria read; and when the pathway itself blocks TMS (bipolar disorder, a primary
psychotic disorder, acute risk...: criteria no payer rule set holds), what blocks it is said
first.
"""

from __future__ import annotations

from functools import lru_cache

from fhir_mapping.record import PatientRecord, Trial
from services.card_format import in_sentence
from services.packet.html import Cell, Rendered, bullets, rendered_cell, section_open, table, text
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
# The statuses a verdict names, in its order, each as it says them; and the trials kind, read per
# criterion: module constants (issue 14: an Enum member read off its class costs ten globals).
_UNMET = tuple(
    (status, status.label.lower())
    for status in (
        CriterionStatus.NOT_MET,
        CriterionStatus.NOT_ON_RECORD,
        CriterionStatus.NOT_AVAILABLE,
    )
)
_TRIALS = CriterionKind.TRIALS


def payer_evaluation(record: PatientRecord, facts: PathwayFacts, policy: Policy) -> PayerEvaluation:
    """The clinic's chosen payer rule set (policy.payer_criteria) evaluated on this record."""
    return evaluate_payer_criteria(record, facts, policy)


def counted_trials(evaluation: PayerEvaluation | None, facts: PathwayFacts) -> tuple[Trial, ...]:
    """The trials the criteria counted: the payer's trials criterion where the rule set has one,
    else the clinic's own TMS count (services/pathway.py)."""
    if evaluation is not None and any(r.kind is _TRIALS for r in evaluation.results):
        return evaluation.counted_trials
    return facts.tms_trials


def _names(results: tuple[CriterionResult, ...]) -> str:
    return "; ".join([r.label for r in results])


def blocked_text(facts: PathwayFacts) -> str:
    """ "The pathway does not suggest TMS: bipolar disorder on record (...)." when the pathway
    blocks a TMS referral, else "". Said before a payer verdict of "all criteria met" (review 10
    finding 4: a packet listing bipolar disorder said "All 7 criteria of Medicare LCD L37086 are
    met"): a payer's criteria do not cover bipolar disorder, a primary psychotic disorder, acute
    risk or a course already on record, so "met" alone would tell the TMS service more than the
    chart supports."""
    if facts.tms.eligible:
        return ""
    return f"The pathway does not suggest TMS: {'; '.join(facts.tms.blockers)}."


def verdict_text(evaluation: PayerEvaluation, facts: PathwayFacts | None = None) -> str:
    """The payer's verdict in one sentence. With `facts`, a verdict of "all criteria met" while
    the pathway blocks TMS says what blocks it first (`blocked_text`). The set is named as the
    card names it (PayerEvaluation.named: review s20 item 4)."""
    name = evaluation.named
    if evaluation.met:
        met = _met_text(evaluation)
        blocked = blocked_text(facts) if facts is not None else ""
        if blocked:
            return f"{blocked} The payer's criteria alone: {met}"
        return f"{met[:1].upper()}{met[1:]}"
    parts = []
    for status, said in _UNMET:
        found = tuple([r for r in evaluation.results if r.status is status])
        if found:
            parts.append(f"{said}: {_names(found)}")
    return f"{name[:1].upper()}{name[1:]}: " + " · ".join(parts) + "."


def _met_text(evaluation: PayerEvaluation) -> str:
    """ "all 7 criteria of the clinic default rule set, from Medicare LCD L37086, are met; to
    confirm before sending: ..." """
    name = evaluation.named
    where = " on the data that could be read" if evaluation.incomplete else ""
    confirm = evaluation.to_confirm
    # A met criterion that rests partly on what no chart shows is said with it (review 6
    # finding 4: L37086's "without improvement" after psychotherapy).
    rest = (
        "; to confirm before sending: "
        + "; ".join(f"{in_sentence(r.label)}: {r.to_confirm}" for r in confirm)
        if confirm
        else ""
    )
    return f"all {len(evaluation.results)} criteria of the {name}, are met{where}{rest}."


@lru_cache(maxsize=64)
def _criterion_cells(
    label: str, wording: str, source: str, source_status: str
) -> tuple[Rendered, Rendered]:
    """A criterion's own cells (its words, its source): the rule set's text, the same on every
    packet, rendered once per criterion (issue 14: escaping them was most of the section's
    cost). Keyed by the criterion's text, a few dozen in all the rule sets."""
    source_text = source if source_status == "confirmed" else f"{source} ({source_status})"
    return (
        rendered_cell(_HEADER[0], f"{label}: {wording}"),
        rendered_cell(_HEADER[3], source_text, "ref"),
    )


# The status cell of each status, rendered once; and of a met criterion with a part to confirm.
_STATUS_CELLS = {
    status: rendered_cell(_HEADER[1], status.label, cls) for status, cls in _STATUS_CLASS.items()
}
_MET_TO_CONFIRM = rendered_cell(
    _HEADER[1], f"{CriterionStatus.MET.label}, to confirm", "status met to-confirm"
)


def _row(result: CriterionResult) -> tuple[Cell, ...]:
    evidence = "; ".join(result.evidence) or "–"
    if result.to_document:
        evidence += f". To document: {result.to_document}"
    status = _STATUS_CELLS[result.status]
    if result.to_confirm:
        evidence += f". To confirm: {result.to_confirm}"
        status = _MET_TO_CONFIRM
    criterion, source = _criterion_cells(
        result.label, result.wording, result.source, result.source_status
    )
    return (criterion, status, (evidence, "ref"), source)


def _opening(label: str) -> str:
    """ "Clinic default rule set, from Medicare LCD L37086": the label opening a caption."""
    return label[:1].upper() + label[1:]


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
            verdict if verdict is not None else verdict_text(evaluation, facts),
            # Green only when the pathway agrees: a met payer verdict beside a blocker is an alert.
            cls="verdict met" if evaluation.met and facts.tms.eligible else "verdict alert",
        )
    )
    parts.append(
        table(
            _HEADER,
            [_row(r) for r in evaluation.results],
            # The header's label, not the LCD's name alone: the rows are the clinic's reading
            # of it (review s20 R4 finding 10; payer_criteria/label.py).
            caption=f"{_opening(evaluation.named)}: {rule_set.title}",
            cls="criteria",
            stack=True,
        )
    )
    parts.append(
        _notes(
            rule_set.name,
            rule_set.url,
            rule_set.status,
            rule_set.note,
            rule_set.not_encoded,
            rule_set.service_requirements,
        )
    )
    parts.append("</section>")
    return "".join(parts)


@lru_cache(maxsize=16)
def _notes(
    name: str,
    url: str,
    status: str,
    note: str,
    not_encoded: tuple[str, ...],
    service_requirements: tuple[str, ...],
) -> str:
    """The rule set's notes: the policy, what is not judged from the chart, what the TMS service
    must meet. The rule set's own text, the same on every packet: written once per rule set."""
    notes = [f"Policy: {name}, {url} (read as {status})"]
    if note:
        notes.append(note)
    notes += [f"Not judged from the chart: {line}" for line in not_encoded]
    notes += [f"Required of the TMS service: {line}" for line in service_requirements]
    return bullets(notes, cls="lines note")
