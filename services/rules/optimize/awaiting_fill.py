"""An order awaiting its first fill on a chart with a fill feed, named on the optimise card
instead of dose advice (orders37, orders leftovers of session 32).

unfilled_order.py marks an order-only course the chart's fill feed shows no fill of yet
(Trial.feed_unfilled, Trial.awaiting_fill): never judged a trial; once one fill's time plus
supply_gap_days have passed with no fill it is listed "never filled" (orders35, orders36), and
before that it runs as "ordered 2026-08-01, no fill yet". Inside that window, once the titration
grace (policy.below_range_grace_weeks) had passed, a venlafaxine 37.5 mg order never dispensed
read "Raise venlafaxine to 75 mg/day ... 37.5 mg/day for 6.4 weeks so far is below the adequate
range": a dose advice on weeks no fill shows taken. A course with no fill has no measured
exposure to raise or judge; whether it was collected is the question. At an adequate dose the same
order read "Current trial not measured: venlafaxine 225 mg/day ... it may be working" once six
weeks had passed, an adequate trial to measure that the record never shows taken; with a PHQ-9
on it, "switch to a non-SSRI mechanism or augment (aripiprazole ...)" beside the ordered switch.

Here such a course is said as awaiting its first fill where the card would otherwise judge it
(below its range past that grace, or its weeks at an adequate dose reached), with no dose advice
and no one-click; it holds the switch and augment options as a course not yet judged does (the
drug ordered is the step already taken), a hold bounded by its listing. Before then the card
waits for it as for any new course (courses.not_yet_judged), as before. Antidepressant courses,
the ones courses.subtherapeutic would raise, and (orders39) adjuncts below their range, the ones
courses.below_range_adjuncts raised ("Mirtazapine 15 mg/day added 2026-11-15 ... raise it or
change strategy" of a mirtazapine order no fill shows taken): below_range_adjuncts leaves them
out, and the card says they await their first fill.

The line holds back only the dose advice for its own order, never the pathway's step (orders38,
recheck K35b finding 6): a re-order of a drug that already failed an adequate trial (venlafaxine
225 mg/day filled 2025-08 to 2026-01, re-ordered 2026-10-15, no fill) read "check it was collected
... no switch or augmentation until then" in place of "2 adequate trials failed (sertraline,
venlafaxine): augment ... or switch class". Repeating a failed drug is no step on the pathway to
wait for: such an order holds nothing (`holding`, not even inside its grace, where
courses.not_yet_judged would hold it as any new course), the failed-trials advice stands, and the
line names the failed trial (`reordered_failed`). An order of a drug with no failed trial is the
step already chosen (a switch ordered after sertraline failed): it holds the switch and augment
options as a course not yet judged does, as in orders37.
"""

from __future__ import annotations

from fhir_mapping.record import Role, Trial, Verdict
from services import cards
from services.card_format import plural
from services.order_doses import trial_dose
from services.rules.context import RuleContext
from services.rules.optimize.courses import in_titration
from services.rules.optimize.first_fill_wait import awaiting_first_fill
from services.rules.optimize.wording import dose_text

# The courses whose dose the card would advise on: antidepressants, and adjuncts (orders39).
_ROLES = frozenset({Role.ANTIDEPRESSANT, Role.AUGMENTATION})


def _judged_now(ctx: RuleContext, trial: Trial) -> bool:
    """Whether the card would judge the course today were it taken: below its range past the
    titration grace (courses.subtherapeutic's "raise the dose", below_range_adjuncts' "raise it
    or change strategy"), or, an antidepressant, adequate by its weeks (courses.unmeasured's "not
    measured yet", a failed trial's switch). An adjunct at its dose has no such advice."""
    if trial.verdict is Verdict.ADEQUATE and trial.role is Role.ANTIDEPRESSANT:
        return True
    minimum, mg = trial.min_adequate_mg, trial.current_mg_per_day
    return (
        minimum is not None
        and mg is not None
        and mg < minimum
        and not in_titration(trial, ctx.policy.below_range_grace_weeks)
    )


def courses(ctx: RuleContext, current: tuple[Trial, ...]) -> tuple[Trial, ...]:
    """The current courses awaiting their first fill that the card would judge today were they
    taken (`_judged_now`); () for nearly every chart."""
    return tuple([t for t in _awaiting(current) if _judged_now(ctx, t)])


def _awaiting(current: tuple[Trial, ...]) -> tuple[Trial, ...]:
    # Antidepressants, as courses.subtherapeutic raises them, and adjuncts below their range as
    # courses.below_range_adjuncts raised them (orders39: that list now leaves them out).
    return tuple([t for t in current if t.role in _ROLES and awaiting_first_fill(t)])


def reordered_failed(ctx: RuleContext, trial: Trial) -> Trial | None:
    """The latest earlier course of the same drug that failed an adequate trial, when `trial`
    is an order awaiting its first fill (the record shows the re-order repeats it); else None."""
    if not awaiting_first_fill(trial):
        return None
    earlier = [
        t
        for t in ctx.facts.failed_trials
        if t is not trial and t.ingredient == trial.ingredient and t.start < trial.start
    ]
    return max(earlier, key=lambda t: t.end, default=None)


def holding(
    ctx: RuleContext, waiting: tuple[Trial, ...], unfilled: tuple[Trial, ...]
) -> tuple[Trial, ...]:
    """The courses that hold the switch and augment options: `waiting` (courses.not_yet_judged,
    where an order inside its grace waits as any new course) and the orders awaiting their first
    fill, less any re-order of a failed drug (no step to wait for), at any point of its wait."""
    return tuple(
        [t for t in dict.fromkeys((*waiting, *unfilled)) if reordered_failed(ctx, t) is None]
    )


def lines(
    ctx: RuleContext, unfilled: tuple[Trial, ...], current: tuple[Trial, ...]
) -> tuple[str, ...]:
    """Beside the failed-trials advice (nothing holds it): the awaiting line of `unfilled` (only
    re-orders of a failed drug get here), and a re-order still inside its grace named with the
    trial it repeats ("check it was collected" would come too early)."""
    early = [t for t in _awaiting(current) if t not in unfilled]
    said = [
        f"{dose_text(t)} ordered {t.awaiting_fill.isoformat()}, no fill yet. "
        + _failed_before(t, before)
        for t in early
        if t.awaiting_fill is not None and (before := reordered_failed(ctx, t)) is not None
    ]
    return ((section(ctx, unfilled),) if unfilled else ()) + tuple(
        [f"**Re-ordered:** {' '.join(said)}"] if said else []
    )


def _days(ctx: RuleContext, trial: Trial) -> str:
    assert trial.awaiting_fill is not None
    return plural((ctx.record.as_of - trial.awaiting_fill).days, "day")


def section(ctx: RuleContext, trials: tuple[Trial, ...]) -> str:
    """ "**Awaiting its first fill:** venlafaxine 37.5 mg/day ordered 2026-08-01, no fill on the
    chart's fill feed in 45 days: check it was collected (ask the patient, the pharmacy) ..."."""
    said = "; ".join(
        f"{dose_text(t)} ordered {t.awaiting_fill.isoformat()}, no fill on the chart's fill feed "
        f"in {_days(ctx, t)}"
        for t in trials
        if t.awaiting_fill is not None
    )
    head = "Awaiting its first fill" if len(trials) == 1 else "Awaiting their first fill"
    # Only an order of a new drug, the step already chosen, holds the switch (`holding`).
    again = {t: reordered_failed(ctx, t) for t in trials}
    hold = "; no switch or augmentation until then" if None in again.values() else ""
    failed = " ".join(_failed_before(t, before) for t, before in again.items() if before)
    return (
        f"**{head}:** {said}: check it was collected (ask the patient, the pharmacy). No dose "
        "advice and not counted as a trial until a fill shows it taken (no exposure to "
        f"judge){hold}." + (f" {failed}" if failed else "")
    )


def _failed_before(trial: Trial, before: Trial) -> str:
    """ "Venlafaxine failed an adequate trial before (225 mg/day, 2025-08-01 to 2026-01-31):
    re-ordering a drug that failed an adequate trial is worth reconsidering." """
    return (
        f"{trial.ingredient.capitalize()} failed an adequate trial before ({trial_dose(before)}, "
        f"{before.start.isoformat()} to {before.end.isoformat()}): re-ordering a drug that "
        "failed an adequate trial is worth reconsidering."
    )


def summary(trial: Trial) -> str:
    """ "Venlafaxine ordered 2026-08-01, no fill yet: check it was collected before judging its
    dose"."""
    assert trial.awaiting_fill is not None
    head = f"{trial.ingredient.capitalize()} ordered {trial.awaiting_fill.isoformat()}, no fill yet"
    return cards.fit_summary(
        f"{head}: check it was collected before judging its dose",
        f"{head}: check it was collected",
    )
