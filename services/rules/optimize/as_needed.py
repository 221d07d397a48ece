"""A running antidepressant ordered only as needed (review 15 W5): no trial, and no card waits on it.

Its days never count toward an adequate trial (DoseSegment.as_needed; fhir_mapping/adequacy.py):
an antidepressant works only when taken every day for weeks (CANMAT 2023 para 184 judges a trial
at an adequate dose for an adequate duration), so "sertraline 50 mg as needed" for half a year
with a PHQ-9 of 18 is untreated depression in practice. Before, such a course was "not judged
yet" for ever (courses._pending waits for weeks at an adequate dose that never come) and the
screen stayed empty. The optimise card now names it and proposes a daily dose, as it raises a
dose below the range.

Not here: a course below its minimum (courses.subtherapeutic raises it, and the dose section
says it is as needed), a responding course (the card optimises it toward remission), and a drug
with a low-dose use of its own (trazodone or mirtazapine as needed for sleep: data column
low_dose_use), whose as-needed order is that use, not a failed attempt at an antidepressant."""

from __future__ import annotations

from fhir_mapping import product_conflict
from fhir_mapping.record import Role, Trial
from services import age_limits, cards, drugs, suggestions
from services.card_format import plural
from services.order_doses import trial_dose
from services.recommendation import HELD, HeldSummary, Suggestion
from services.rules.context import RuleContext
from services.rules.optimize.courses import not_tolerated
from services.rules.optimize.orders import medication
from services.rules.optimize.wording import range_label

_ANTIDEPRESSANT = Role.ANTIDEPRESSANT


def only_as_needed(trial: Trial) -> bool:
    """The course's running dose is ordered only as needed (its latest dose segment), and the
    drug has no low-dose use of its own that an as-needed order would be."""
    if trial.role is not _ANTIDEPRESSANT or not trial.segments or not trial.segments[-1].as_needed:
        return False
    info = drugs.info(trial.ingredient)
    return info is None or not info.low_dose_use


def below_moderate(trial: Trial) -> bool:
    """The latest score on the course is below the moderate band: the clinic's PHQ-9 cut-off
    (Trial.failure_min_baseline: MappingPolicy.failure_min_baseline_phq9, 10, Kroenke 2001), or
    the other scale's own floor (Trial.outcome_moderate_from). Review 15 recheck W-e: sertraline
    50 mg as needed for anxiety at PHQ-9 5 got a warning and a one-click daily dose; at a
    mild or no depression score there is no untreated depression to act on, and a card is
    noise. No score on the course is not "below": the card still names the order (the
    measurement-based-care card asks for the PHQ-9)."""
    score = trial.on_treatment
    return (
        score is not None and score.value is not None and score.value < trial.outcome_moderate_from
    )


def as_needed_courses(current: tuple[Trial, ...], low: tuple[Trial, ...]) -> tuple[Trial, ...]:
    """The current antidepressant courses taken only as needed, not responding, not below
    their minimum (`low`: the dose section already names those, "as needed") and not scored
    below the moderate band (`below_moderate`)."""
    return tuple(
        [
            t
            for t in current
            if only_as_needed(t)
            and t.response is not True
            and t not in low
            and not below_moderate(t)
        ]
    )


def _score(trial: Trial) -> str:
    """ "PHQ-9 18 on 2025-05-19", the latest score on the course; "no PHQ-9 on it"."""
    score = trial.on_treatment
    if score is None or score.value is None:
        return "no PHQ-9 on it"
    return f"{score.instrument} {score.value} on {score.date.isoformat()}"


def _weeks(trial: Trial) -> str:
    return cards.fmt_weeks((trial.end - trial.start).days / 7)


def _to_confirm(trial: Trial) -> str:
    """ " (dose to confirm: the code's strength (...) gives 25 mg/day, the name (...) 75
    mg/day)" when the running as-needed dose's record disagrees with itself (meds45, review K51a
    finding 3: one reading was stated as the dose); "" otherwise."""
    last = trial.segments[-1] if trial.segments else None
    if last is None or last.mg_per_day is not None or last.mg_per_day_high is None:
        return ""
    said = product_conflict.readings(trial.notes)
    return f" (dose to confirm: {said})" if said is not None else ""


def section(ctx: RuleContext, trial: Trial) -> str:
    cite = drugs.dose_cite(trial.ingredient, trial.role)
    where = f", {cite}" if cite else ""
    weeks = cards.fmt_weeks(ctx.policy.mapping.min_adequate_weeks)
    return (
        f"**Ordered as needed:** {trial.ingredient} {trial_dose(trial)}{_to_confirm(trial)} since "
        f"{trial.start.isoformat()} ({plural(_weeks(trial), 'week')}); {_score(trial)}. An as-needed dose "
        "is not a daily dose: its days never count toward an adequate trial (an adequate dose "
        f"taken daily for {plural(weeks, 'week')}), so this is no antidepressant trial yet. If it is meant "
        "to treat the depression, order a daily dose in the adequate range "
        f"({range_label(ctx, trial)} mg/day{where}) and judge it after an adequate trial."
    )


def suggestion(ctx: RuleContext, trial: Trial) -> Suggestion | None:
    """The daily dose at the minimum adequate dose (never above the older-adult maximum); None
    for a drug with a reaction on record (more of it is never one click) or no minimum."""
    if trial.ingredient in not_tolerated(ctx) or trial.min_adequate_mg is None:
        return None
    mg = age_limits.capped(
        trial.ingredient, ctx.record.patient.age, trial.min_adequate_mg, trial.formulation
    )
    label = f"Order {trial.ingredient} {cards.fmt_mg(mg)} mg/day as a daily dose"
    cite = drugs.dose_cite(trial.ingredient, trial.role)
    note = (
        f"A daily dose in the adequate range{f' ({cite})' if cite else ''}: the as-needed "
        "order it replaces is not an antidepressant trial."
    )
    resource = medication(ctx, drugs.info(trial.ingredient), trial.ingredient, mg, note)
    return suggestions.create(label, resource, recommended=True)


def _summaries(trial: Trial) -> tuple[str, str, str]:
    name = trial.ingredient.capitalize()
    return (
        f"{name} is ordered as needed (not a daily dose: not a trial); {_score(trial)}: {HELD}",
        f"{name} ordered as needed: not a trial; {_score(trial)}: {HELD}",
        f"{name} ordered as needed, not a trial: {HELD}",
    )


def summary(trial: Trial) -> str:
    return cards.fit_summary(
        *(text.replace(HELD, "order a daily dose") for text in _summaries(trial))
    )


def while_held(trial: Trial) -> HeldSummary:
    """`summary` while a safety card holds the daily-dose order (one_click_hold.held_summary)."""
    return HeldSummary(trial.ingredient, _summaries(trial), what="daily dose")
