"""Loaded from the `[policy]` table of the TOML configuration (pydantic at the edge, a frozen dataclass
inside)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ConfigDict, Field, model_validator

from fhir_mapping.policy import MappingPolicy
from services.policy.card_delivery import CardDeliveryPolicyConfig
from services.policy.core import Policy
from services.policy.mapping_config import _MappingPolicyConfig
from services.policy.safety_readings import SafetyReadingPolicyConfig
from services.policy.suicide_risk import SuicideRiskPolicyConfig
from services.policy.tms import TmsPolicyConfig
from services.policy.treatment import TreatmentPolicyConfig


class PolicyConfig(
    TmsPolicyConfig,
    SuicideRiskPolicyConfig,
    SafetyReadingPolicyConfig,
    TreatmentPolicyConfig,
    CardDeliveryPolicyConfig,
):
    """The `[policy]` table. Unknown keys are refused so a typo cannot silently keep a default."""

    model_config = ConfigDict(extra="forbid")
    mapping: _MappingPolicyConfig = Field(default_factory=_MappingPolicyConfig)

    @model_validator(mode="after")
    def _payer_criteria(self) -> PolicyConfig:
        """Load the payer rule set now, so a start with an unknown name or a broken file fails
        with the file and the problem named instead of on the first TMS card."""
        # Imported here: services.payer_criteria reads the pathway, which reads this module.
        from services.payer_criteria import PayerCriteriaError, resolve_rule_set

        if self.payer_criteria_file and "payer_criteria" in self.model_fields_set:
            raise ValueError(
                "set payer_criteria or payer_criteria_file, not both: the file's rule set is "
                "the one used"
            )
        try:
            resolve_rule_set(self.payer_criteria, self.payer_criteria_file)
        except PayerCriteriaError as exc:
            raise ValueError(str(exc)) from exc
        return self

    def to_policy(self) -> Policy:
        data = self.model_dump()
        mapping = MappingPolicy(**data.pop("mapping"))
        return Policy(mapping=mapping, **data)


def load_policy(table: Mapping[str, Any] | None) -> Policy:
    """Build a Policy from the TOML `[policy]` table (None = all defaults)."""
    return PolicyConfig.model_validate(dict(table or {})).to_policy()
