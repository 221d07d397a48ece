"""The dose step of the relapse card (relapse.py): the summary's closing words and the "Then:"
line (`DoseStep`). Raise within the range (to the older-adult maximum where one applies:
age_limits.py), or at its top switch or augment; after a raise at the relapse, what the PHQ-9
did on it, or when it can be judged; after a raise lowered again, ask why; a running dose
recorded as needed, ask how it is taken; a drug the population rules never propose here, no
raise.

Apart from the card because it is the one decision the card makes (the card around it only
names the relapse and the review); the dose history it judges is relapse_dose_history.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.record import RESPONSE_FRACTION, Trial
from services import age_limits, cards
from services.card_format import plural
from services.dose_raises import DoseRaise
from services.order_doses import segment_dose, trial_dose
from services.rules import populations
from services.rules.context import RuleContext
from services.rules.relapse_courses import Relapse
from services.rules.relapse_dose_history import Lowered, Raise
from services.rules.relapse_steps import (
    marked_step,
    scores_text,
    sentence,
    step_cite,
    step_text,
)
from services.site_ceiling import site_ceiling


def _lowered_step(ctx: RuleContext, relapse: Relapse, found: Lowered) -> DoseStep:
    """What the dose history shows (raised, how the PHQ-9 went on it, lowered) and the step:
    ask why before raising it again; switch or augment if it was not tolerated or did not help."""
    trial = relapse.trial
    raised, lowered = found.raised, found.lowered
    high = segment_dose(trial, raised)
    weeks = (lowered.start - raised.start).days // 7
    base = found.baseline
    if found.on_it:
        last = found.on_it[-1]
        judged = (
            f"PHQ-9 {base.value} on {base.date.isoformat()} -> {last.value} on "
            f"{last.date.isoformat()}"
        )
        arrow = f" (PHQ-9 {base.value} -> {last.value})"
    else:
        judged = f"no PHQ-9 on it (PHQ-9 {base.value} on {base.date.isoformat()} before it)"
        arrow = ""
    since = [s for s in relapse.since if s.date > lowered.start]
    after = f"; since then PHQ-9 {scores_text(tuple(since))}" if since else "; no PHQ-9 since then"
    why = (
        f"On record: it was {cards.intolerance_text(trial)}."
        if trial.intolerance is not None
        else "No reason for lowering it is on record."
    )
    detail = (
        f"{trial.ingredient} raised from {segment_dose(trial, found.before)} to {high} on "
        f"{raised.start.isoformat()}; {plural(weeks, 'week')} on it: {judged}; then lowered to "
        f"{segment_dose(trial, lowered)} on {lowered.start.isoformat()}{after}. {why} "
        f"{sentence(step_text('lowered'))} {step_cite('lowered', 'CANMAT 2023 para 190')}."
    )
    tried = f"{high} tried {raised.start.isoformat()} to {lowered.start.isoformat()}"
    step = "then lowered: ask why; switch or augment"
    return DoseStep(
        f"{tried}{arrow}, {step}",
        detail,
        (f"{tried}, {step}", f"higher dose tried, {step}"),
    )


def _as_needed_step(trial: Trial) -> DoseStep:
    """The running dose is recorded as needed (DoseSegment.as_needed; review L6). Safer to ask
    how it is taken than to propose a raise (or name the range's top) on a dose that may be taken
    only some days: a raise rests on regular daily use at a known dose."""
    return DoseStep(
        "review; recorded as needed: confirm how it is taken",
        f"{trial.ingredient} {trial_dose(trial)}: the running order is recorded as needed, not "
        f"as a daily dose, so no dose raise is proposed. {sentence(step_text('as-needed'))} "
        f"{step_cite('as-needed', 'CANMAT 2023 para 184; NIH')}.",
        brief="confirm how the as-needed dose is taken",
    )


# The brief of the step that raises the dose within its range first (relapse.first_step names
# the drug for it).
OPTIMISE_BRIEF = "optimise the dose"


@dataclass(frozen=True, slots=True)
class DoseStep:
    summary: str  # the summary's closing words
    detail: str  # the card's "Then:" line
    # Shorter closing words, when the step's words lead the summary after "Relapse on <drug>
    # <dose>:" (a raise tried and lowered again): fit_summary tries them in turn.
    shorter: tuple[str, ...] = ()
    # The step in a few words after "screen for bipolarity first, then" ("optimise the dose"),
    # when a past puerperal psychosis puts the screen first; "": the summary names no step.
    brief: str = ""


def _dose_step(
    ctx: RuleContext, relapse: Relapse, found: Raise | None, lowered: Lowered | None = None
) -> DoseStep:
    """Raise within the range (to the older-adult maximum where one applies), or, at its top,
    switch or augment; after a raise at the relapse, what the PHQ-9 did on it; after a raise
    lowered again (`lowered`), ask why, then switch or augment; a running dose taken as needed,
    ask how it is taken."""
    trial = relapse.trial
    never = populations.never(ctx, trial.ingredient, trial.drug_class)
    if never is not None:
        # A drug the population rules never propose for this patient (as recurrence.py asks):
        # no "raise the dose", which would propose more of it.
        return DoseStep(
            f"review; {trial.ingredient} not proposed here, no dose raise",
            f"{trial.ingredient} is not proposed for this patient: {never.reason()}. No dose "
            "raise is proposed: weigh the next step with the prescriber.",
        )
    if trial.segments and trial.segments[-1].as_needed:
        return _as_needed_step(trial)
    if found is None and lowered is not None:
        return _lowered_step(ctx, relapse, lowered)
    # The formulation's own ceiling where its label sets one (bupropion SR 400: review 15 W3),
    # the market's label where it stops lower (mirtazapine 45 in the US: review s19 item 4).
    top = age_limits.capped(
        trial.ingredient, ctx.record.patient.age, site_ceiling(ctx.policy, trial), trial.formulation
    )
    upper = trial.current_mg_per_day_upper
    at_top = top is not None and upper is not None and upper >= top
    top_text = (
        f"{trial.ingredient} is at the top of its range ({cards.fmt_mg(top)} mg/day): "
        f"{step_text('at-top')} {step_cite('at-top', 'CANMAT 2023 Figure 7.1')}."
    )
    if found is None:
        if at_top:
            return DoseStep(
                "review; at maximum dose, switch or augment",
                top_text,
                brief="switch or augment (at maximum dose)",
            )
        reach = f" (range to {cards.fmt_mg(top)} mg/day)" if top is not None else ""
        return DoseStep(
            "review, then optimise the dose first",
            f"{trial.ingredient} {trial_dose(trial)}{reach}: {marked_step('optimise')}.",
            brief=OPTIMISE_BRIEF,
        )
    base, latest = found.baseline, found.latest
    days = (latest.date - found.segment.start).days
    wait = ctx.policy.mapping.on_treatment_from_week
    raised = (
        f"{trial.ingredient} raised from {segment_dose(trial, found.before)} to "
        f"{segment_dose(trial, found.segment)} on {found.segment.start.isoformat()}"
    )
    scores = (
        f"PHQ-9 {base.value} on {base.date.isoformat()} -> {latest.value} on "
        f"{latest.date.isoformat()}"
        if base.date < latest.date
        else f"PHQ-9 {latest.value} on {latest.date.isoformat()}, none since"
    )
    if days < wait * 7:
        # Too soon to call the raise a failure: a further change now would stack on a dose not
        # yet judged (CANMAT 2023 para 191: response is judged by week 4).
        judge = DoseRaise(found.segment, found.before).judged_from(ctx.policy.mapping)
        then = marked_step("at-top" if at_top else "raised-no-response")
        weeks = f"{step_text('too-early')} {plural(cards.fmt_mg(wait), 'week')} at a dose"
        cite = step_cite("too-early", "CANMAT 2023 para 191")
        none_since = base.date >= latest.date  # no PHQ-9 after the raise
        as_of = ctx.record.as_of
        # Still before the day it can be judged (on that day, a score taken since the raise is
        # still too early: the next one judges it).
        if as_of < judge or (as_of == judge and not none_since):
            return DoseStep(
                f"too early to judge before {judge.isoformat()}",
                f"{raised}: {scores}. {weeks} {cite}: judge it from {judge.isoformat()}; then, "
                f"without a response, {then}.",
            )
        # That day has passed and no PHQ-9 since it can judge the raise (review 11 wave 4,
        # finding 2): "too early to judge before <a past date>" would be false, and judging
        # needs a score, so the card asks for one.
        if none_since:
            summary = "no PHQ-9 since the raise: repeat it"
            taken = "no PHQ-9 is on record since the raise"
        else:
            summary = f"PHQ-9 of {latest.date.isoformat()} too early to judge: repeat it"
            taken = f"the latest PHQ-9 ({latest.date.isoformat()}) was taken before then"
        return DoseStep(
            summary,
            f"{raised}: {scores}. {weeks} {cite}, from {judge.isoformat()}, and {taken}: repeat "
            f"the PHQ-9 to judge it; then, without a response, {then}.",
        )
    # Response: a >= 50 % drop from the PHQ-9 at the raise (CANMAT 2023 para 180). Still at the
    # relapse cut-off (the card's condition), so never remission.
    responded = (
        base.value is not None
        and latest.value is not None
        and latest.value <= base.value * RESPONSE_FRACTION
    )
    verdict = "response (>= 50 % drop), no remission" if responded else "no response"
    brief = "response, no remission" if responded else verdict  # the summary's words
    said = f"{raised}; {plural(days // 7, 'week')} on it: {scores}, {verdict}"
    if at_top:
        return DoseStep(f"{brief}; at maximum dose, switch or augment", f"{said}; {top_text}")
    key = "raised-partial" if responded else "raised-no-response"
    reach = f"range to {cards.fmt_mg(top)} mg/day; " if top is not None else ""
    then = "augment or switch" if responded else "switch or augment"
    return DoseStep(
        f"{brief}: raise further, or {then}",
        f"{said}: {step_text(key)} {step_cite(key, reach + 'CANMAT 2023 para 190')}.",
    )
