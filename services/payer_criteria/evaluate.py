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
from services.payer_criteria.inputs import DOMAINS, Inputs
from services.payer_criteria.label import rule_set_label
from services.payer_criteria.loading import rule_set_for
from services.payer_criteria.model import Criterion, CriterionKind
from services.payer_criteria.psychotherapy import evaluate_psychotherapy
from services.payer_criteria.results import CriterionResult, PayerEvaluation
from services.payer_criteria.retreatment import evaluate_retreatment
from services.payer_criteria.safety import evaluate_concurrent, evaluate_contraindications
from services.payer_criteria.severity import evaluate_severity
from services.payer_criteria.trials import counted_trials, evaluate_augmentation, evaluate_trials
from services.policy import Policy

_EVALUATORS: Mapping[CriterionKind, Callable[[Criterion, Inputs], CriterionResult]] = {
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
_TRIALS = CriterionKind.TRIALS  # compared per criterion: a module constant (issue 14)


def evaluate_payer_criteria(
    record: PatientRecord, facts: PathwayFacts, policy: Policy
) -> PayerEvaluation:
    """The clinic's payer rule set (policy.payer_criteria / payer_criteria_file) on this chart."""
    rule_set = rule_set_for(policy)
    inputs = Inputs(record, facts, policy)
    results = []
    counted: tuple[Trial, ...] = ()
    for criterion in rule_set.criteria:
        kind = criterion.kind
        results.append(_EVALUATORS[kind](criterion, inputs))
        if kind is _TRIALS:
            counted = counted_trials(criterion, facts)
    # A chart without gaps has none in any domain: the criteria's domains are read only when
    # there are gaps to look among (issue 14).
    incomplete = bool(record.gaps) and bool(
        record.gaps_in(*{d for c in rule_set.criteria for d in DOMAINS[c.kind]})
    )
    return PayerEvaluation(
        rule_set=rule_set,
        results=tuple(results),
        incomplete=incomplete,
        counted_trials=counted,
        label=rule_set_label(rule_set, policy),
    )
