"""The repeat check of a running course lowered after it failed, drafted back up to the dose it
failed on (meds44 item 1).

Venlafaxine XR 150 mg/day filled 2026-05-01 to 11-20 (28 weeks), PHQ-9 still 20: failed at an
adequate dose; lowered to 75 mg/day on 2026-11-20, filled. orders43 stopped the optimise card
from offering "Raise venlafaxine to 150 mg/day" as a one-click (rules/optimize/lowered_failed.py),
but a clinician's own order of venlafaxine 150 mg/day got no card at all: the repeat check leaves
out every drug taken now ("raising or renewing the current drug is optimisation"), and the lowering
made the failed dose look like a raise. The same order with the course stopped in between gets the
repeat card; the lowering must not hide that the dose already failed.

Said here, as information (no warning, nothing to accept or remove: the clinician may know why it
was lowered and mean to go back), only when the draft is the same drug at a dose above the running
one and not above the dose that failed (lowered_failed.failed_above: the highest earlier dose held
for an adequate trial's weeks). Retrying a failed dose without knowing it failed costs weeks; a
card on every order of a failed drug would be noise, so not on:
- a renewal at the running (lowered) dose: nothing is retried;
- a raise past the failed dose (225 mg/day): the dose step the optimise card names as left;
- a failed course never lowered, renewed at its dose (decided, meds44): the drug is continued,
  which is also what augmentation needs (an adjunct is added to the failed drug, CANMAT 2023
  Figure 7.1), and the patient-view card already names the failure and the next step;
- a lowering not filled yet (Trial.lower_unfilled: failed_above gives None): the record does not
  show the lower dose taken, and lowered_dose.py asks which dose is taken; the draft may simply
  keep the dose the fills show.
"""

from __future__ import annotations

from fhir_mapping.partial_response import partial_response
from fhir_mapping.record import DoseBasis, DraftOrder, Role, Trial
from services import cards
from services.card_format import fmt_mg, fmt_weeks
from services.dose_units import per_day
from services.order_checks.model import REPEATS, OrderCheck
from services.recommendation import Indicator
from services.rules.context import RuleContext
from services.rules.optimize.lowered_failed import FailedAbove, failed_above
from services.rules.optimize.wording import drop_text, failed_on_score_alone


def _running_failed(ctx: RuleContext, draft: DraftOrder) -> Trial | None:
    """The draft's drug running now as a failed antidepressant course taken daily."""
    for trial in ctx.facts.failed_trials:
        if (
            trial.ongoing
            and trial.ingredient == draft.ingredient
            and trial.role is Role.ANTIDEPRESSANT
            and trial.dose_basis is DoseBasis.DAILY
        ):
            return trial
    return None


def _outcome(trial: Trial) -> str:
    """ "PHQ-9 22 (2026-04-28) → 20 (2026-11-28), -9 %", or with no baseline what the record
    shows and why the course still counts as failed (wording.failed_on_score_alone)."""
    basis = failed_on_score_alone(trial)
    return drop_text(trial) if basis is None else f"{drop_text(trial)}; {basis}"


def lowered_back_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """The information card of a draft raising a lowered failed course back into the dose it
    failed on; None for any other draft (see the module's docstring)."""
    trial = _running_failed(ctx, draft)
    low, high = draft.mg_per_day, draft.mg_per_day_upper
    now = None if trial is None else trial.current_mg_per_day_upper
    if trial is None or now is None or low is None or high is None or high <= now:
        return None
    found = failed_above(trial, now, ctx.policy.mapping.min_adequate_weeks)
    if found is None or low > found.mg:
        return None
    return OrderCheck(
        REPEATS,
        draft,
        _summary(trial, found, now, high),
        cards.join_sections(
            _body(trial, found, now, high), cards.trial_table([trial], ctx.policy.mapping)
        ),
        Indicator.INFO,
        short=f"{draft.ingredient.capitalize()} {fmt_mg(found.mg)} already failed",
    )


def _summary(trial: Trial, found: FailedAbove, now: float, asked: float) -> str:
    unit = per_day(trial.ingredient)
    name = trial.ingredient.capitalize()
    dates = f"{found.start.isoformat()} – {found.end.isoformat()}"
    back = "back to it" if asked == found.mg else f"to {fmt_mg(asked)}"
    return cards.fit_summary(
        f"{name} {fmt_mg(found.mg)} {unit} already failed ({dates}) before it was lowered to "
        f"{fmt_mg(now)}: this order goes {back}",
        f"{name} {fmt_mg(found.mg)} {unit} already failed ({dates}), lowered to {fmt_mg(now)}",
        f"{name} {fmt_mg(found.mg)} {unit} already failed before it was lowered",
    )


def _body(trial: Trial, found: FailedAbove, now: float, asked: float) -> str:
    unit = per_day(trial.ingredient)
    was, ordered = f"{fmt_mg(found.mg)} {unit}", f"{fmt_mg(asked)} {unit}"
    what = (
        f"goes back to {was}"
        if asked == found.mg
        else f"raises it to {ordered}, at or below the {was} that failed"
    )
    return (
        f"{trial.ingredient.capitalize()} {was} was taken {found.start.isoformat()} – "
        f"{found.end.isoformat()} ({fmt_weeks(found.weeks)} weeks at it or higher, an adequate "
        f"trial), {_verdict(trial)}{_outcome(trial)}. It was then lowered to {fmt_mg(now)} "
        f"{unit}; this order {what}, a dose already tried. Check why it was lowered (ask the "
        "patient, the prescriber, the pharmacy) before going back to a dose that did not work."
    )


def _verdict(trial: Trial) -> str:
    """What the failure was, never more than the scores show: with no baseline only "not in
    remission" (meds44 item 2); a partial response named as one (partial_response.py)."""
    if failed_on_score_alone(trial) is not None:
        return "not in remission; "
    if partial_response(trial) is not None:
        return "a partial response only: "
    return "without response or remission: "
