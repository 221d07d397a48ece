"""The `[policy.mapping]` table: the bounds of fhir_mapping.policy.MappingPolicy's settings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _MappingPolicyConfig(BaseModel):
    """Every MappingPolicy field a clinic may set (all but site_codes and site_zone, which the
    `[codes]` table and `[server] timezone` set: tests/services/test_policy_config_keys.py)."""

    model_config = ConfigDict(extra="forbid")
    min_adequate_weeks: float = Field(6.0, gt=0, le=52)
    possibly_adequate_weeks: float = Field(4.0, ge=0, le=52)
    pdc_threshold: float = Field(0.8, gt=0, le=1)
    new_trial_gap_weeks: float = Field(26.0, gt=0)
    refill_gap_weeks: float = Field(14.0, gt=0)
    renewal_join_days: int = Field(400, ge=1, le=3660)
    supply_gap_days: int = Field(30, ge=1, le=365)
    ward_alone_share: float = Field(0.5, gt=0.0, le=1.0)
    ward_alone_days: int = Field(14, ge=1, le=3660)
    ward_held_days: int = Field(7, ge=1, le=3660)
    ward_stop_days: int = Field(3, ge=0, le=30)
    statement_confirmed_days: int = Field(365, ge=1, le=3660)
    maybe_running_days: int = Field(365, ge=1, le=3660)
    unknown_ended_days: int = Field(35, ge=0, le=3660)
    unknown_order_days: int = Field(70, ge=1, le=3660)
    baseline_days_before: int = Field(30, ge=0)
    baseline_days_after: int = Field(14, ge=0)
    on_treatment_from_week: float = Field(4.0, ge=0)
    on_treatment_days_after_end: int = Field(30, ge=0)
    adverse_effect_code_days: int = Field(14, ge=0, le=90)
    relapse_held_scores: int = Field(2, ge=1, le=6)
    episode_gap_months: int = Field(6, ge=1)
    remission_below: int = Field(5, ge=1, le=27)
    episode_recovery_months: int = Field(2, ge=1, le=60)
    relapse_phq9_at_least: int = Field(10, ge=1, le=27)
    failure_min_baseline_phq9: int = Field(10, ge=0, le=27)
    pregnancy_status_weeks: float = Field(42.0, gt=0, le=60)
    pregnancy_edd_overdue_days: int = Field(14, ge=0, le=60)
    postpartum_after_edd_days: int = Field(365, ge=0, le=730)
    cross_taper_weeks: float = Field(4.0, ge=0, le=26)
    stay_left_min_days: int = Field(2, ge=1, le=30)
    stay_left_after_days: int = Field(7, ge=1, le=365)
    stay_left_single_after_days: int = Field(30, ge=1, le=365)
    ed_visit_max_days: int = Field(3, ge=1, le=30)
    ed_reason_unread_days: int = Field(90, ge=1, le=365)
    psychotic_visit_current_days: int = Field(365, ge=1, le=3660)

    @field_validator("maybe_running_days")
    @classmethod
    def _not_within_a_washout(cls, days: int) -> int:
        """A record to confirm is set aside only once no washout could still run from its day
        (MappingPolicy.maybe_running_days): never fewer days than the longest washout."""
        from services.washout_table import longest_washout_days  # the table imports no policy

        floor = longest_washout_days()
        if days < floor:
            raise ValueError(
                f"must be at least {floor} days, the longest washout of maoi_washout.csv: a "
                "record to confirm within a washout period is still read as possibly running"
            )
        return days

    @field_validator("unknown_order_days")
    @classmethod
    def _taken_then_washed_out(cls, days: int) -> int:
        """An order read `unknown` stating no supply is read as ended only once the drug could
        neither still be taken nor still act (MappingPolicy.unknown_order_days, fix maoi56):
        never fewer days than unknown_ended_days' default plus the longest washout."""
        from fhir_mapping.policy import UNKNOWN_ENDED_DAYS
        from services.washout_table import longest_washout_days  # the table imports no policy

        floor = UNKNOWN_ENDED_DAYS + longest_washout_days()
        if days < floor:
            raise ValueError(
                f"must be at least {floor} days ({UNKNOWN_ENDED_DAYS} the drug may have been "
                "taken plus the longest washout of maoi_washout.csv): an MAOI order read unknown "
                "within them may still be taken or still act"
            )
        return days

    @model_validator(mode="after")
    def _relapse_above_remission(self) -> _MappingPolicyConfig:
        """A PHQ-9 read as relapse (or a new episode) must not also be read as remission: below
        remission_below the same score would be both, and a patient in remission would be told
        she relapsed."""
        if self.relapse_phq9_at_least < self.remission_below:
            raise ValueError(
                f"relapse_phq9_at_least ({self.relapse_phq9_at_least}) must be at least "
                f"remission_below ({self.remission_below}): a score in remission cannot be a relapse"
            )
        return self
