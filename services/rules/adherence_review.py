"""Adherence and adequacy review: the trials in this episode that were not a fair test, and why.

An inadequate trial (below the minimum adequate dose, too short, adherence contradicted by refill
data, or dose unknown) does not count toward treatment resistance; CANMAT 2023 (para 184) asks to
assess adherence before concluding that an antidepressant failed. Ongoing trials whose refill data
already contradict adherence are listed too, and so are ongoing trials that have run for the minimum adequate duration without
being adequate (e.g. 12 weeks below the minimum dose). Low-dose use for another indication (e.g. trazodone
for sleep) is not an antidepressant trial and is not flagged.
"""

from __future__ import annotations

from fhir_mapping.record import AdherenceStatus, InadequacyReason, Trial, Verdict
from services import cards
from services.recommendation import Recommendation
from services.rules.context import RuleContext

TOPIC = "adherence-review"
FLAGGED_REASONS = (
    InadequacyReason.DOSE_BELOW_MINIMUM,
    InadequacyReason.TOO_SHORT,
    InadequacyReason.POOR_ADHERENCE,
    InadequacyReason.DOSE_UNKNOWN,
)


def flagged_trials(ctx: RuleContext) -> tuple[Trial, ...]:
    flagged = [
        t
        for t in ctx.facts.inadequate_trials
        if any(r in FLAGGED_REASONS for r in t.reasons) or not t.reasons
    ]
    flagged += [t for t in ctx.facts.ongoing_trials if _ongoing_but_unfair(ctx, t)]
    return tuple(sorted(dict.fromkeys(flagged), key=lambda t: t.start))


def _ongoing_but_unfair(ctx: RuleContext, trial: Trial) -> bool:
    """A running trial already contradicted by refill data, or one that has run long enough to be
    adequate but is not (e.g. 12 weeks below the minimum dose)."""
    if trial.verdict is not Verdict.ONGOING:
        return False
    if trial.adherence.status is AdherenceStatus.POOR:
        return True
    weeks_running = (ctx.record.as_of - trial.start).days / 7
    return weeks_running >= ctx.policy.mapping.min_adequate_weeks and any(
        r in FLAGGED_REASONS for r in trial.reasons
    )


def _short_reason(trial: Trial) -> str:
    reasons = trial.reasons
    if InadequacyReason.DOSE_BELOW_MINIMUM in reasons:
        return (
            f"{trial.ingredient} {cards.fmt_mg(trial.max_mg_per_day)} mg/day "
            f"< {cards.fmt_mg(trial.min_adequate_mg)} minimum"
        )
    if InadequacyReason.POOR_ADHERENCE in reasons or trial.adherence.status is AdherenceStatus.POOR:
        if trial.adherence.pdc is not None:
            return f"{trial.ingredient} PDC {cards.fmt_pct(trial.adherence.pdc)}"
        return f"{trial.ingredient} refill gaps"
    if InadequacyReason.TOO_SHORT in reasons:
        return f"{trial.ingredient} {cards.fmt_weeks(trial.weeks_at_adequate_dose)} wk"
    if InadequacyReason.DOSE_UNKNOWN in reasons:
        return f"{trial.ingredient} dose unknown"
    return f"{trial.ingredient} not adequate"


def _reason_lines(trial: Trial, min_weeks: float) -> list[str]:
    lines = [cards.reason_text(trial, r, min_weeks) for r in trial.reasons if r in FLAGGED_REASONS]
    if trial.verdict is Verdict.ONGOING:
        poor = trial.adherence.status is AdherenceStatus.POOR
        if poor and InadequacyReason.POOR_ADHERENCE not in trial.reasons:
            lines.append(
                f"ongoing; refill data contradict adherence ({cards.adherence_text(trial)})"
            )
        else:
            lines.append("ongoing")
    return lines


def rule(ctx: RuleContext) -> Recommendation | None:
    flagged = flagged_trials(ctx)
    if not flagged:
        return None
    mapping = ctx.policy.mapping
    count = len(flagged)
    noun = "trial" if count == 1 else "trials"
    parts = "; ".join(_short_reason(t) for t in flagged)
    summary = cards.fit_summary(
        f"{count} {noun} not adequate ({parts}): review dose and adherence before counting failures",
        f"{count} {noun} not adequate ({parts}): review before counting as failed",
        f"{count} antidepressant {noun} not adequate ({cards.names(flagged)}): review dose, "
        "duration and adherence",
        f"{count} antidepressant {noun} not adequate: review dose, duration and adherence",
    )
    bullets = []
    for trial in flagged:
        why = "; ".join(_reason_lines(trial, mapping.min_adequate_weeks))
        bullets.append(f"- **{trial.ingredient}** ({trial.start.isoformat()}): {why}")
    detail = cards.join_sections(
        "**Not a fair test yet:**\n" + "\n".join(bullets),
        cards.trial_table(ctx.facts.episode_trials, mapping.min_adequate_weeks),
        (
            f"Adequate trial = at least the minimum adequate dose (CANMAT 2023 Table 3.3) for "
            f"{cards.fmt_weeks(mapping.min_adequate_weeks)} weeks, adherence not contradicted "
            f"(PDC at least {cards.fmt_pct(mapping.pdc_threshold)}, no refill gap over "
            f"{cards.fmt_weeks(mapping.refill_gap_weeks)} weeks). Ask about missed doses, side "
            "effects and cost; confirm the dose taken; record intolerance if the drug was stopped "
            "for side effects."
        ),
        cards.scores_section(ctx.record),
        cards.guideline_links("canmat2023"),
    )
    return cards.make(TOPIC, summary=summary, detail=detail)
