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


def drop_text(trial: Trial) -> str:
    """ "PHQ-9 18 (2025-01-06) → 8 (2025-05-19), -56 %" for a trial with both scores."""
    before, after = trial.baseline, trial.on_treatment
    if before is None or after is None or before.value is None or after.value is None:
        return "PHQ-9 not measured"
    change = (before.value - after.value) / before.value if before.value else 0.0
    return (
        f"{after.instrument} {before.value} ({before.date.isoformat()}) → {after.value} "
        f"({after.date.isoformat()}), -{cards.fmt_pct(change)}"
    )


def short_drop(trial: Trial) -> str:
    before, after = trial.baseline, trial.on_treatment
    if before is None or after is None:
        return "PHQ-9 not measured"
    return f"{after.instrument} {before.value} → {after.value}"
