"""The evaluation's result types: how each criterion stands on a chart, and the whole set."""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.record import Trial
from services.payer_criteria.model import Criterion, CriterionKind, CriterionStatus, RuleSet


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """How one criterion stands on this chart, and what it rests on."""

    id: str
    kind: CriterionKind
    label: str
    wording: str
    status: CriterionStatus
    evidence: tuple[str, ...]  # short, for the card: the scale and score, the trials, ...
    to_document: str | None  # what is missing when not met (None when met)
    source: str
    source_status: str  # confirmed | corroborated | UNVERIFIED, of the criterion as read
    # Longer lines for the referral packet (each counted trial with doses, dates and outcome);
    # the card shows `evidence` and the trial table.
    details: tuple[str, ...] = ()

    @property
    def met(self) -> bool:
        return self.status is CriterionStatus.MET


_MET = CriterionStatus.MET  # compared per criterion: a module constant (issue 14)


def judged(
    c: Criterion,
    status: CriterionStatus,
    evidence: tuple[str, ...],
    to_document: str | None = None,
    details: tuple[str, ...] = (),
) -> CriterionResult:
    """How criterion `c` stands on this chart: what an evaluator returns. `to_document`: what
    is missing, when it is not the criterion's own wording (nothing when met)."""
    return CriterionResult(
        id=c.id,
        kind=c.kind,
        label=c.label,
        wording=c.wording,
        status=status,
        evidence=evidence,
        to_document=None if status is _MET else to_document or c.to_document,
        source=c.source,
        source_status=c.status,
        details=details,
    )


@dataclass(frozen=True, slots=True)
class PayerEvaluation:
    """A payer rule set evaluated on one chart: for the TMS card and the referral packet."""

    rule_set: RuleSet
    results: tuple[CriterionResult, ...]
    # The chart has gaps in the data these criteria read (resources left out, lists not sent):
    # "met" then means met on the data that could be read.
    incomplete: bool
    # The trials the `trials` criterion counted, oldest first (failed, plus not tolerated where
    # the payer counts intolerance).
    counted_trials: tuple[Trial, ...] = ()

    @property
    def met(self) -> bool:
        """Every criterion met: the only state in which a card may say "Criteria met"."""
        met = CriterionStatus.MET  # read several times per card: no property call per result
        return all(r.status is met for r in self.results)

    @property
    def to_document(self) -> tuple[str, ...]:
        """What is missing: the not met and not on record criteria, in the set's order."""
        return tuple(
            r.to_document
            for r in self.results
            if r.to_document
            and r.status in (CriterionStatus.NOT_MET, CriterionStatus.NOT_ON_RECORD)
        )

    @property
    def not_available(self) -> tuple[CriterionResult, ...]:
        return tuple(r for r in self.results if r.status is CriterionStatus.NOT_AVAILABLE)
