"""TMS referral: MDD with enough adequate failed trials, still depressed, nothing against it.

Criteria (REFERENCE.md 3.1-3.4; thresholds are clinic policy): a depression diagnosis, not bipolar
and no psychotic features (Ambetter CP.BH.200, L37086, PSY301.015); >= policy.tms_min_failed_trials
adequate failed antidepressant trials in the current episode (CANMAT TRD definition; L34998 accepts
1), optionally from >= policy.tms_min_distinct_classes classes (L37086); latest PHQ-9 >=
policy.tms_min_phq9; no epilepsy/seizure disorder or implanted device near the head (L34998,
L37086); no TMS referral or course already in this episode. The suggestion is a referral for TMS
evaluation (CPT 90867) citing the depression Condition.
"""

from __future__ import annotations

from fhir_mapping.record import AdherenceStatus
from services import cards, suggestions
from services.recommendation import Recommendation
from services.rules import populations
from services.rules.context import RuleContext

TOPIC = "tms-referral"


def _criteria(ctx: RuleContext) -> str:
    facts, policy = ctx.facts, ctx.policy
    latest = facts.latest_phq9
    depression = facts.depression_finding
    lines = [
        f"- Depression diagnosis: {depression.display if depression else 'none'}; no bipolar "
        "disorder or psychotic features on record",
        f"- Adequate failed trials this episode: {len(facts.failed_trials)} "
        f"(policy: at least {policy.tms_min_failed_trials})",
        f"- Classes: {', '.join(facts.failed_classes)}"
        + (
            f" (policy: at least {policy.tms_min_distinct_classes} distinct)"
            if policy.tms_require_distinct_classes
            else " (distinct classes not required by policy)"
        ),
        f"- Latest PHQ-9: {latest.value if latest else 'none'} "
        f"(policy: at least {policy.tms_min_phq9})",
        "- No epilepsy/seizure disorder or implanted device near the head on record",
        "- No TMS referral or course in this episode",
    ]
    unverified = [
        t for t in facts.failed_trials if t.adherence.status is AdherenceStatus.UNVERIFIED
    ]
    if unverified:
        # Adherence not contradicted, but not shown either (no dispensing data): say so, since a
        # referral and a payer will both rely on these trials (issue 3: "say so").
        lines.append(
            f"- Adherence not verified by dispensing data for {cards.names(unverified)}: confirm "
            "with the patient or pharmacy"
        )
    return "**Criteria met:**\n" + "\n".join(lines)


def rule(ctx: RuleContext) -> Recommendation | None:
    facts = ctx.facts
    if not facts.tms.eligible:
        return None
    latest = facts.latest_phq9
    assert latest is not None and latest.value is not None  # eligibility requires a PHQ-9
    count = len(facts.failed_trials)
    failed = cards.names(facts.failed_trials)
    noun = "trial" if count == 1 else "trials"
    summary = cards.fit_summary(
        f"{count} adequate {noun} failed ({failed}); PHQ-9 {latest.value}: consider TMS referral",
        f"{count} adequate {noun} failed; PHQ-9 {latest.value}: consider TMS referral",
    )
    depression = facts.depression_finding
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="tms-evaluation",
            text="Referral for transcranial magnetic stimulation (TMS) evaluation",
            reasons=[depression.source] if depression and depression.source else [],
            note=(
                f"{count} adequate antidepressant trials failed in this episode ({failed}); "
                f"latest PHQ-9 {latest.value} on {latest.date.isoformat()}."
            ),
        )
    sections = []
    if facts.suicide is not None:
        sections.append("**Suicide risk card open:** assess risk before referring.")
    sections.append(populations.population_notes(ctx, tms=True))
    sections += [
        _criteria(ctx),
        cards.trial_table(facts.episode_trials, ctx.policy.mapping),
        cards.scores_section(ctx.record),
        cards.staging_section(ctx.stage),
        cards.guideline_links("lcd-l34998", "lcd-l37086", "canmat2023", "maudsley2018"),
    ]
    return cards.make(
        TOPIC,
        summary=summary,
        detail=cards.join_sections(*sections),
        suggestions=(
            suggestions.create(
                "Refer for TMS evaluation", resource, recommended=facts.suicide is None
            ),
        ),
    )
