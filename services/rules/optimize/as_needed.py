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
from fhir_mapping.record import Role, Score, Trial
from services import age_limits, cards, drugs, suggestions
from services.card_format import plural
from services.order_doses import trial_dose
from services.recommendation import HELD, HeldSummary, Suggestion
from services.rules.context import RuleContext
from services.rules.optimize.courses import current_trials, not_tolerated
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


def below_moderate(ctx: RuleContext, trial: Trial) -> bool:
    """The latest score on the course is below the moderate band: the clinic's PHQ-9 cut-off
    (Trial.failure_min_baseline: MappingPolicy.failure_min_baseline_phq9, 10, Kroenke 2001), or
    the other scale's own floor (Trial.outcome_moderate_from). Review 15 recheck W-e: sertraline
    50 mg as needed for anxiety at PHQ-9 5 got a warning and a one-click daily dose; at a
    mild or no depression score there is no untreated depression to act on, and a card is
    noise. No score on the course is not "below": the card still names the order (the
    measurement-based-care card asks for the PHQ-9)."""
    score = latest_score(ctx, trial)
    return (
        score is not None and score.value is not None and score.value < trial.outcome_moderate_from
    )


def latest_score(ctx: RuleContext, trial: Trial) -> Score | None:
    """The score the card reads for a running as-needed course: the latest PHQ-9 on record
    since its start. Its on-treatment score (Trial.on_treatment) is an outcome window's, cut at
    the next course's start (next_course_scores._cut_off): a patient's "sertraline as needed"
    from 2026-02 beside venlafaxine from 2026-07-31 read "PHQ-9 17 on 2026-07-31" although the
    latest was 23 on 2026-11-15 (prn71). An as-needed course is no trial with an outcome; the
    card speaks of the depression now, so the latest score is the relevant one."""
    score = trial.on_treatment
    latest = ctx.facts.latest_phq9
    if (
        trial.ongoing
        and latest is not None
        and latest.value is not None
        and latest.date >= trial.start
        and (score is None or latest.date > score.date)
    ):
        return latest
    return score


def _others(current: tuple[Trial, ...], trial: Trial) -> tuple[Trial, ...]:
    """The other running antidepressant courses beside `trial` (another drug)."""
    return tuple(
        [t for t in current if t.role is _ANTIDEPRESSANT and t.ingredient != trial.ingredient]
    )


def _daily_beside(current: tuple[Trial, ...], trial: Trial) -> tuple[Trial, ...]:
    """The other running antidepressants taken daily (not only as needed) beside `trial`."""
    return tuple([t for t in _others(current, trial) if not only_as_needed(t)])


def _open(ctx: RuleContext, current: tuple[Trial, ...], low: tuple[Trial, ...]) -> list[Trial]:
    return [
        t
        for t in current
        if only_as_needed(t)
        and t.response is not True
        and t not in low
        and not below_moderate(ctx, t)
    ]


def as_needed_courses(
    ctx: RuleContext, current: tuple[Trial, ...], low: tuple[Trial, ...]
) -> tuple[Trial, ...]:
    """The current antidepressant courses taken only as needed, not responding, not below
    their minimum (`low`: the dose section already names those, "as needed") and not scored
    below the moderate band (`below_moderate`), with no other antidepressant taken daily beside
    them (`beside_daily`: those are a line in the detail, never the card's lead)."""
    return tuple([t for t in _open(ctx, current, low) if not _daily_beside(current, t)])


def beside_daily(
    ctx: RuleContext, current: tuple[Trial, ...], low: tuple[Trial, ...]
) -> tuple[Trial, ...]:
    """The as-needed courses (`as_needed_courses`' kind) taken beside a running daily
    antidepressant (prn71: a patient's "sertraline 100 mg as needed when anxious" beside
    venlafaxine 150 mg/day led the card with "order sertraline 50 mg/day", an SSRI on top of a
    running SNRI, and hid the venlafaxine raise and the TMS referral). The running drug's
    pathway stays the card's business: such a course is no trial to wait for (it never
    becomes one), never the summary, and never a one-click daily dose; `beside_line` names it."""
    return tuple([t for t in _open(ctx, current, low) if _daily_beside(current, t)])


def _record(trial: Trial) -> tuple[str, str]:
    """How the record holds the as-needed dose: ("Listed as taken as needed", " (patient-
    reported)") for a course read from the medication list only (statements, listed orders),
    ("Ordered as needed", "") for an order (prn71: a patient's statement read "is ordered")."""
    listed = trial.patient_reported or trial.listed_order or trial.statement_only
    said = " (patient-reported)" if trial.patient_reported else ""
    return ("Listed as taken as needed" if listed else "Ordered as needed"), said


def beside_line(ctx: RuleContext, current: tuple[Trial, ...], trial: Trial) -> str:
    what, said = _record(trial)
    daily = ", ".join(f"{t.ingredient} {trial_dose(t)}" for t in _daily_beside(current, trial))
    return (
        f"**{what}{said}:** {trial.ingredient} {trial_dose(trial)} since "
        f"{trial.start.isoformat()}, beside {daily} taken daily; {_score(ctx, trial)}. An "
        "as-needed dose is no antidepressant trial; a daily dose of it would be a second "
        f"antidepressant beside {daily}, so none is proposed here: review it with the patient."
    )


def _score(ctx: RuleContext, trial: Trial) -> str:
    """ "PHQ-9 18 on 2025-05-19", the latest score since it started (`latest_score`); "no PHQ-9
    on it"."""
    score = latest_score(ctx, trial)
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


def _also(ctx: RuleContext, trial: Trial) -> str:
    """ "; venlafaxine 150 mg/day is also running: no daily dose of sertraline as one click
    beside it" when another antidepressant runs beside the as-needed one (prn71: a second
    antidepressant is never one click beside a running one); "" otherwise."""
    others = _others(current_trials(ctx), trial)
    if not others:
        return ""
    names = ", ".join(f"{t.ingredient} {trial_dose(t)}" for t in others)
    return (
        f" Also running: {names}; a daily dose of {trial.ingredient} would be a second "
        "antidepressant beside it, so none is proposed as one click."
    )


def section(ctx: RuleContext, trial: Trial) -> str:
    cite = drugs.dose_cite(trial.ingredient, trial.role)
    where = f", {cite}" if cite else ""
    weeks = cards.fmt_weeks(ctx.policy.mapping.min_adequate_weeks)
    what, said = _record(trial)
    return (
        f"**{what}{said}:** {trial.ingredient} {trial_dose(trial)}{_to_confirm(trial)} since "
        f"{trial.start.isoformat()} ({plural(_weeks(trial), 'week')}); {_score(ctx, trial)}. "
        "An as-needed dose is not a daily dose: its days never count toward an adequate trial "
        f"(an adequate dose taken daily for {plural(weeks, 'week')}), so this is no "
        "antidepressant trial yet. If it is meant to treat the depression, order a daily dose "
        f"in the adequate range ({range_label(ctx, trial)} mg/day{where}) and judge it after an "
        f"adequate trial.{_also(ctx, trial)}"
    )


def suggestion(ctx: RuleContext, trial: Trial) -> Suggestion | None:
    """The daily dose at the minimum adequate dose (never above the older-adult maximum); None
    for a drug with a reaction on record (more of it is never one click), no minimum, or
    another antidepressant running beside it (`_also`: a second one is never one click)."""
    if trial.ingredient in not_tolerated(ctx) or trial.min_adequate_mg is None:
        return None
    if _others(current_trials(ctx), trial):
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


def _summaries(ctx: RuleContext, trial: Trial) -> tuple[str, str, str]:
    name = trial.ingredient.capitalize()
    score = _score(ctx, trial)
    if trial.report_only:
        said = " (patient-reported)" if trial.patient_reported else ""
        return (
            f"{name} is listed as taken as needed{said}, not a daily dose: not a trial; "
            f"{score}: {HELD}",
            f"{name} listed as taken as needed{said}: not a trial; {score}: {HELD}",
            f"{name} listed as needed, not a trial: {HELD}",
        )
    return (
        f"{name} is ordered as needed (not a daily dose: not a trial); {score}: {HELD}",
        f"{name} ordered as needed: not a trial; {score}: {HELD}",
        f"{name} ordered as needed, not a trial: {HELD}",
    )


def summary(ctx: RuleContext, trial: Trial) -> str:
    # Beside another running antidepressant no daily dose is proposed (`suggestion`): review.
    step = "review it" if _others(current_trials(ctx), trial) else "order a daily dose"
    return cards.fit_summary(*(text.replace(HELD, step) for text in _summaries(ctx, trial)))


def while_held(ctx: RuleContext, trial: Trial) -> HeldSummary:
    """`summary` while a safety card holds the daily-dose order (one_click_hold.held_summary)."""
    return HeldSummary(trial.ingredient, _summaries(ctx, trial), what="daily dose")
