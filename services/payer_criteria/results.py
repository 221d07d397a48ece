"""The evaluation's result types: how each criterion stands on a chart, and the whole set."""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.frozen_init import quick_frozen_init
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
    # A met criterion that rests partly on what the chart cannot show (L37086's "without
    # improvement" after psychotherapy: review 6 finding 4): what the clinician confirms before
    # sending. Shown beside "Met" on the card and in the packet, so "met" is never claimed for
    # the part not judged. None: nothing left to confirm.
    to_confirm: str | None = None
    # How the card names a status the enum alone would misstate (audit 13 WRONG 5): sessions on
    # record but fewer than the clinic counts as adequate are "To confirm", not "Not on record"
    # (the status stays NOT_ON_RECORD for the verdict and the packet). None: the status's label.
    shown_as: str | None = None

    @property
    def met(self) -> bool:
        return self.status is CriterionStatus.MET

    @property
    def status_text(self) -> str:
        """The status as a card and the packet say it: "Met, to confirm" when part of a met
        criterion is not judged from the chart."""
        if self.to_confirm and self.status is _MET:
            return f"{self.status.label}, to confirm"
        return self.shown_as or self.status.label


quick_frozen_init(CriterionResult)


_MET = CriterionStatus.MET  # compared per criterion: a module constant (issue 14)


def judged(
    c: Criterion,
    status: CriterionStatus,
    evidence: tuple[str, ...],
    to_document: str | None = None,
    details: tuple[str, ...] = (),
    to_confirm: str | None = None,
    shown_as: str | None = None,
) -> CriterionResult:
    """How criterion `c` stands on this chart: what an evaluator returns. `to_document`: what
    is missing, when it is not the criterion's own wording (nothing when met). `to_confirm`: what
    a met criterion leaves to the clinician (ignored unless met). `shown_as`: the card's word
    for the status when its label would misstate the chart (CriterionResult.shown_as)."""
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
        to_confirm=to_confirm if status is _MET else None,
        shown_as=shown_as,
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
    # How every text names the set judged (payer_criteria/label.py): "clinic default rule set,
    # from Medicare LCD L37086". Empty only for an evaluation built without a policy (tests).
    label: str = ""

    @property
    def named(self) -> str:
        """`label`, or the set's own name when none was given."""
        return self.label or self.rule_set.name

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
    def to_confirm(self) -> tuple[CriterionResult, ...]:
        """Met criteria with a part the chart does not show (CriterionResult.to_confirm)."""
        return tuple(r for r in self.results if r.to_confirm)

    @property
    def not_available(self) -> tuple[CriterionResult, ...]:
        return tuple(r for r in self.results if r.status is CriterionStatus.NOT_AVAILABLE)


quick_frozen_init(PayerEvaluation)
