"""What a criterion's evaluator reads (record, pathway facts, policy), and the rule that an
absence is "not available", not "not on record", when the data could not all be seen. An
evaluator returns the criterion's result (results.judged)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.record import DataDomain, PatientRecord
from services.pathway import PathwayFacts
from services.payer_criteria.model import Criterion, CriterionKind, CriterionStatus
from services.payer_criteria.results import CriterionResult, judged
from services.policy import Policy

# The chart data each kind reads: a gap in one makes an absence "not available".
DOMAINS: Mapping[CriterionKind, tuple[DataDomain, ...]] = {
    CriterionKind.AGE: (DataDomain.PATIENT,),
    CriterionKind.DIAGNOSIS: (DataDomain.CONDITIONS,),
    CriterionKind.EXCLUSIONS: (DataDomain.CONDITIONS,),
    CriterionKind.SEVERITY: (DataDomain.SCORES,),
    CriterionKind.TRIALS: (DataDomain.MEDICATIONS, DataDomain.INTOLERANCES),
    CriterionKind.AUGMENTATION: (DataDomain.MEDICATIONS,),
    # Psychotherapy charted only as visits (Encounters, review 14 M2) as well as Procedures.
    CriterionKind.PSYCHOTHERAPY: (DataDomain.PROCEDURES, DataDomain.VISITS, DataDomain.REFERRALS),
    CriterionKind.CONTRAINDICATIONS: (
        DataDomain.CONDITIONS,
        DataDomain.PROCEDURES,
        DataDomain.DEVICES,
    ),
    CriterionKind.CONCURRENT: (DataDomain.MEDICATIONS,),
    CriterionKind.RETREATMENT: (DataDomain.PROCEDURES, DataDomain.REFERRALS, DataDomain.SCORES),
}


@dataclass(frozen=True, slots=True)
class Inputs:
    record: PatientRecord
    facts: PathwayFacts
    policy: Policy

    def unseen(self, kind: CriterionKind) -> bool:
        """Whether some of the data this kind reads could not be seen (an absence unproven)."""
        record = self.record
        if not record.gaps:  # nothing left out (most charts): no domain to look at (issue 14)
            return False
        return any(record.incomplete(d) for d in DOMAINS[kind])


quick_frozen_init(Inputs)


def absent(c: Criterion, inputs: Inputs, what: str, evidence: str) -> CriterionResult:
    """Nothing found: "not available" when the data could not all be seen, else "not on record"."""
    if inputs.unseen(c.kind):
        return judged(c, CriterionStatus.NOT_AVAILABLE, (f"{what} not available",))
    return judged(c, CriterionStatus.NOT_ON_RECORD, (evidence,))
