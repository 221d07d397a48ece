"""The clinic policy as the rules read it: one frozen value holding every topic's settings and the
mapping's."""

from __future__ import annotations

from dataclasses import dataclass, field

from fhir_mapping.policy import MappingPolicy
from services.policy.card_delivery import CardDeliveryPolicy
from services.policy.safety_readings import SafetyReadingPolicy
from services.policy.suicide_risk import SuicideRiskPolicy
from services.policy.tms import TmsPolicy
from services.policy.treatment import TreatmentPolicy


@dataclass(frozen=True, slots=True)
class Policy(
    TmsPolicy, SuicideRiskPolicy, SafetyReadingPolicy, TreatmentPolicy, CardDeliveryPolicy
):
    mapping: MappingPolicy = field(default_factory=MappingPolicy)

    @property
    def remission_below(self) -> int:
        return self.mapping.remission_below
