"""How the card words a course: its dose, its range for this patient's age, its PHQ-9 change."""

from __future__ import annotations

from fhir_mapping.record import Trial
from services import age_limits, cards, formulation_ceilings, label_maximums, trial_dates
from services.dose_units import per_day
from services.order_doses import trial_dose
from services.rules.context import RuleContext
from services.site_ceiling import site_ceiling


def dose_text(trial: Trial) -> str:
    # The running dose as the record states it: a range as its range, an equivalent-dose product
    # (Aplenzin, Prozac Weekly) as written beside its equivalent (order_doses.trial_dose).
    return f"{trial.ingredient} {trial_dose(trial)}"


def dose_since_text(trial: Trial) -> str:
    """ "escitalopram 20 mg/day since 2026-05-04", or "escitalopram since 2026-05-04; 20 mg/day
    since 2026-05-25" when the dose began after the course (trial_dates.dose_since)."""
    named, since = trial_dates.dose_since(trial, trial_dose(trial))
    return f"{named} {since}"


def range_top(ctx: RuleContext, trial: Trial) -> float | None:
    """The top of the trial's range for this patient: the labelled older-adult maximum where one
    applies (citalopram 20 mg/day from 60), else the adult maximum, that of the formulation the
    course is taken in when its label sets its own (bupropion SR 400 mg/day: review 15 W3), and
    the clinic's market's label where it stops lower (mirtazapine 45 mg/day in the US: review
    s19 item 4; room.site_ceiling)."""
    return age_limits.capped(
        trial.ingredient, ctx.record.patient.age, site_ceiling(ctx.policy, trial), trial.formulation
    )


def range_label(ctx: RuleContext, trial: Trial) -> str:
    """ "20-40" for an adult; "20, also the maximum at age 70" when the older-adult maximum meets
    the minimum; "10-20 at age 70" when it lowers the top; "from 150 mg/day" when no maximum is
    on record (review 12 finding 13: "150-unknown" read as if "unknown" were a dose)."""
    low, top = trial.min_adequate_mg, range_top(ctx, trial)
    if top is None or low is None:
        if low is not None:
            return f"from {cards.fmt_mg(low)} {per_day(trial.ingredient)}"
        return (
            f"up to {cards.fmt_mg(top)} {per_day(trial.ingredient)}"
            if top is not None
            else "not on record"
        )
    if top == formulation_ceilings.daily_ceiling(trial):
        return f"{cards.fmt_mg(low)}-{cards.fmt_mg(top)}"
    label = label_maximums.binding(
        trial.ingredient, formulation_ceilings.daily_ceiling(trial), ctx.policy.drug_market
    )
    if label is not None and top == label.max_mg:
        return f"{cards.fmt_mg(low)}-{cards.fmt_mg(top)}, {label.market} label maximum"
    age = ctx.record.patient.age
    if top is not None and low is not None and top <= low:
        return f"{cards.fmt_mg(top)}, also the maximum at age {age}"
    return f"{cards.fmt_mg(low)}-{cards.fmt_mg(top)} at age {age}"


def no_baseline_text(trial: Trial) -> str | None:
    """ "response not measurable: no baseline PHQ-9 at its start on 2026-05-01; PHQ-9 20 on
    2026-11-28 on treatment" for a course with a score on treatment and none at its start
    (meds44 item 2: the cards said "PHQ-9 not measured" beside a PHQ-9 of 20 they quoted
    elsewhere; what is missing is the baseline, so the response, never the score, is what cannot
    be measured). None when the course has a baseline or no score on treatment."""
    after = trial.on_treatment
    if trial.baseline is not None or after is None or after.value is None:
        return None
    scale = after.instrument
    return (
        f"response not measurable: no baseline {scale} at its start on "
        f"{trial_dates.start_text(trial)}; {scale} {after.value} on {after.date.isoformat()} "
        "on treatment"
    )


def failed_on_score_alone(trial: Trial) -> str | None:
    """ "counted as failed on that score alone, remission being below 5" for a failed course
    judged with no baseline (Trial.failed: an adequate course whose score on treatment is not
    remission and whose response cannot be measured counts as failed, "response unknown"): the
    basis the card states, so it never claims a response it could not measure (meds44 item 2).
    None for any other course."""
    if not trial.failed or no_baseline_text(trial) is None:
        return None
    return (
        "counted as failed on that score alone, remission being below "
        f"{trial.outcome_remission_below}"
    )


def drop_text(trial: Trial) -> str:
    """ "PHQ-9 18 (2025-01-06) → 8 (2025-05-19), -56 %" for a trial with both scores; with no
    baseline, what the record shows (`no_baseline_text`)."""
    before, after = trial.baseline, trial.on_treatment
    if before is None or after is None or before.value is None or after.value is None:
        return no_baseline_text(trial) or "PHQ-9 not measured"
    change = (before.value - after.value) / before.value if before.value else 0.0
    return (
        f"{after.instrument} {before.value} ({before.date.isoformat()}) → {after.value} "
        f"({after.date.isoformat()}), -{cards.fmt_pct(change)}"
    )


def short_drop(trial: Trial) -> str:
    before, after = trial.baseline, trial.on_treatment
    if before is None or after is None:
        return no_baseline_text(trial) or "PHQ-9 not measured"
    return f"{after.instrument} {before.value} → {after.value}"


def did_not_bring(trial: Trial) -> str:
    """ "did not bring response or remission"; with no baseline PHQ-9 only what the record shows
    (meds44 item 2: no response is measured, the failure rests on no remission on treatment)."""
    basis = failed_on_score_alone(trial)
    if basis is None:
        return "did not bring response or remission"
    return f"did not bring remission ({no_baseline_text(trial)}; {basis})"
