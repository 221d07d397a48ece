"""What every rule receives: the record, the clinic policy, the shared pathway facts and the stage."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from fhir_mapping.record import PatientRecord
from services import cards, drugs, interaction_takings, tolerability
from services.pathway import PathwayFacts, derive_facts
from services.policy import Policy
from services.recommendation import Evidence
from services.rules.populations import Population, population
from services.staging import MaudsleyStage, maudsley_stage


# Not slots: the cached properties below keep what several cards of one evaluation read in the
# instance's own dictionary, so it lives exactly as long as this one context (issue 14).
@dataclass(frozen=True)
class RuleContext:
    record: PatientRecord
    policy: Policy
    facts: PathwayFacts
    # The population rules that apply to this patient (age, pregnancy, ...), read once per
    # evaluation: the cards ask them for every drug they weigh (services/rules/populations.py).
    population: Population
    hook: str = "patient-view"  # "patient-view" | "order-select" | "order-sign"
    # The cards go through screen.compose (patient_view.run_rules sets it): a section that
    # composition puts behind the timeline on every screen a card is on is marked in its detail,
    # built only if shown (Evidence.build; issue 14). False: each card complete on its own, as a
    # rule called alone (the tests) returns it.
    composed: bool = False

    @property
    def patient_id(self) -> str | None:
        return self.record.patient.id

    @cached_property
    def kept(self) -> dict[object, tuple[object, object]]:
        """Answers of pure functions of this context kept for its life (rules/per_context.py):
        what several cards ask of the same trial or of the same running drugs is computed once
        per evaluation, and dies with the context (issue 14)."""
        return {}

    @cached_property
    def stage(self) -> MaudsleyStage:
        """The Maudsley stage (services/staging.py), staged on first use: only the cards that
        rest on a failed trial show it."""
        return maudsley_stage(
            self.record,
            self.facts,
            gap_months=self.policy.mapping.episode_gap_months,
            rating_window_days=self.policy.mbc_interval_days,
        )

    @cached_property
    def staging_evidence(self) -> Evidence:
        """The stage as the evidence section a card shows (cards.staging_evidence), built once
        for the cards of one evaluation that carry it (the optimise and TMS cards both do)."""
        return cards.staging_evidence(self.stage)

    @cached_property
    def held_back(self) -> frozenset[str]:
        """Ingredients no card may propose for intolerance (tolerability.held_back), read on
        first use: the switch, the adjuncts and the dose raise each ask."""
        return tolerability.held_back(self.record)

    @cached_property
    def running_takings(self) -> tuple[interaction_takings.Taking, ...]:
        """What the patient takes on the as-of date (interaction_takings.running), read on
        first use: the interaction card, the thyroid review and the thyroid-hormone cautions
        each ask."""
        return tuple(interaction_takings.running(self.record))

    @cached_property
    def drug_lines(self) -> drugs.Lines:
        """The drug-table rows the cards propose from (drugs.lines), read on first use: the
        switch and augment sections and the orders each weigh a group of them."""
        return drugs.lines()


def build_context(
    record: PatientRecord, policy: Policy, hook: str = "patient-view", *, composed: bool = False
) -> RuleContext:
    facts = derive_facts(record, policy)
    return RuleContext(
        record=record,
        policy=policy,
        facts=facts,
        population=population(record, policy, facts.findings_by_kind, facts.pregnancy),
        hook=hook,
        composed=composed,
    )
