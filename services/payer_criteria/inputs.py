"""What a criterion's evaluator reads (record, pathway facts, policy) and returns, and the
rule that an absence is "not available", not "not on record", when the data could not all be
seen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fhir_mapping.record import DataDomain, PatientRecord
from services.pathway import PathwayFacts
from services.payer_criteria.model import CriterionKind, CriterionStatus
from services.policy import Policy

# The chart data each kind reads: a gap in one makes an absence "not available".
DOMAINS: Mapping[CriterionKind, tuple[DataDomain, ...]] = {
    CriterionKind.AGE: (DataDomain.PATIENT,),
    CriterionKind.DIAGNOSIS: (DataDomain.CONDITIONS,),
    CriterionKind.EXCLUSIONS: (DataDomain.CONDITIONS,),
    CriterionKind.SEVERITY: (DataDomain.SCORES,),
    CriterionKind.TRIALS: (DataDomain.MEDICATIONS, DataDomain.INTOLERANCES),
    CriterionKind.AUGMENTATION: (DataDomain.MEDICATIONS,),
    CriterionKind.PSYCHOTHERAPY: (DataDomain.PROCEDURES, DataDomain.REFERRALS),
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
        return any(self.record.incomplete(d) for d in DOMAINS[kind])


@dataclass(frozen=True, slots=True)
class Outcome:
    status: CriterionStatus
    evidence: tuple[str, ...]
    to_document: str | None = None  # overrides the criterion's own wording when set
    details: tuple[str, ...] = ()


def absent(inputs: Inputs, kind: CriterionKind, what: str, evidence: str) -> Outcome:
    """Nothing found: "not available" when the data could not all be seen, else "not on record"."""
    if inputs.unseen(kind):
        return Outcome(CriterionStatus.NOT_AVAILABLE, (f"{what} not available",))
    return Outcome(CriterionStatus.NOT_ON_RECORD, (evidence,))
