"""What every rule receives: the record, the clinic policy, the shared pathway facts and the stage."""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.record import PatientRecord
from services.pathway import PathwayFacts, derive_facts
from services.policy import Policy
from services.staging import MaudsleyStage, maudsley_stage


@dataclass(frozen=True, slots=True)
class RuleContext:
    record: PatientRecord
    policy: Policy
    facts: PathwayFacts
    stage: MaudsleyStage
    hook: str = "patient-view"  # "patient-view" | "order-select" | "order-sign"

    @property
    def patient_id(self) -> str | None:
        return self.record.patient.id


def build_context(record: PatientRecord, policy: Policy, hook: str = "patient-view") -> RuleContext:
    facts = derive_facts(record, policy)
    return RuleContext(
        record=record, policy=policy, facts=facts, stage=maudsley_stage(record, facts), hook=hook
    )
