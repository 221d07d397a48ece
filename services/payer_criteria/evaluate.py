"""The evaluation: each criterion of the clinic's rule set judged by its kind's evaluator."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from fhir_mapping.record import PatientRecord, Trial
from services.pathway import PathwayFacts
from services.payer_criteria.eligibility import (
    evaluate_age,
    evaluate_diagnosis,
    evaluate_exclusions,
)
from services.payer_criteria.inputs import DOMAINS, Inputs, Outcome
from services.payer_criteria.loading import rule_set_for
from services.payer_criteria.model import Criterion, CriterionKind, CriterionStatus
from services.payer_criteria.psychotherapy import evaluate_psychotherapy
from services.payer_criteria.results import CriterionResult, PayerEvaluation
from services.payer_criteria.retreatment import evaluate_retreatment
from services.payer_criteria.safety import evaluate_concurrent, evaluate_contraindications
from services.payer_criteria.severity import evaluate_severity
from services.payer_criteria.trials import counted_trials, evaluate_augmentation, evaluate_trials
from services.policy import Policy

_EVALUATORS: Mapping[CriterionKind, Callable[[Criterion, Inputs], Outcome]] = {
    CriterionKind.AGE: evaluate_age,
    CriterionKind.DIAGNOSIS: evaluate_diagnosis,
    CriterionKind.EXCLUSIONS: evaluate_exclusions,
    CriterionKind.SEVERITY: evaluate_severity,
    CriterionKind.TRIALS: evaluate_trials,
    CriterionKind.AUGMENTATION: evaluate_augmentation,
    CriterionKind.PSYCHOTHERAPY: evaluate_psychotherapy,
    CriterionKind.CONTRAINDICATIONS: evaluate_contraindications,
    CriterionKind.CONCURRENT: evaluate_concurrent,
    CriterionKind.RETREATMENT: evaluate_retreatment,
}


def evaluate_payer_criteria(
    record: PatientRecord, facts: PathwayFacts, policy: Policy
) -> PayerEvaluation:
    """The clinic's payer rule set (policy.payer_criteria / payer_criteria_file) on this chart."""
    rule_set = rule_set_for(policy)
    inputs = Inputs(record, facts, policy)
    results = []
    counted: tuple[Trial, ...] = ()
    for criterion in rule_set.criteria:
        outcome = _EVALUATORS[criterion.kind](criterion, inputs)
        if criterion.kind is CriterionKind.TRIALS:
            counted = counted_trials(criterion, facts)
        results.append(
            CriterionResult(
                id=criterion.id,
                kind=criterion.kind,
                label=criterion.label,
                wording=criterion.wording,
                status=outcome.status,
                evidence=outcome.evidence,
                to_document=(
                    None
                    if outcome.status is CriterionStatus.MET
                    else outcome.to_document or criterion.to_document
                ),
                source=criterion.source,
                source_status=criterion.status,
                details=outcome.details,
            )
        )
    domains = {d for c in rule_set.criteria for d in DOMAINS[c.kind]}
    return PayerEvaluation(
        rule_set=rule_set,
        results=tuple(results),
        incomplete=bool(record.gaps_in(*domains)),
        counted_trials=counted,
    )
