"""patient-view: a relapse on a running antidepressant (review 11 finding 3).

A course that brought remission and is still running when the PHQ-9 rises again (sertraline
100 mg since 2023, PHQ-9 3-4 through 2024, 14 then 18 in 2025) started before the current
episode: the remission ended the episode it was started for (fhir_mapping/episode.py rule 1),
so it is not a trial of this one and is rightly not counted toward treatment resistance. Before
this card nothing was said at all, although a relapse during maintenance is the commonest
situation in a depression clinic. One card per relapsed course (the first; a second running
antidepressant spanning the same remission is named in the detail):

- the course, its running dose and the remission it held (the latest run of PHQ-9 below the
  remission cut-off while it ran: MappingPolicy.remission_below, CMS159), then the scores since,
  the latest at or above MappingPolicy.relapse_phq9_at_least (the moderate band's floor);
- what to review before changing treatment, and the order of steps: raise the dose within its
  range (capped at the older-adult maximum where one applies: age_limits.py), then switch or
  augment (services/data/relapse_steps.csv, each step with its source and status);
- that it is not counted as a failed trial of this episode.

The dose step reads the course's own dose history (its DoseSegments; recheck 11 finding 3). A
course at the top of its range gets "switch or augment" in the summary as in the detail, never
"optimise the dose first". A dose raised after the last PHQ-9 of the remission (sertraline 100 ->
150 mg on 2025-03-10, at the relapse) is the optimisation already made: the card names the raise
and the PHQ-9 from it to the latest ("15 -> 16, no response"), and once the latest score is
MappingPolicy.on_treatment_from_week weeks after it, proposes the next step (raise further within
the range, or switch or augment); before that it says when the raise can be judged, and once
that day has passed with no PHQ-9 since, asks for one (review 11 wave 4, finding 2). A raise at
the relapse lowered again (sertraline 100 -> 150 mg on 2025-01-06, back to 100 mg on 2025-04-07:
recheck 2 finding 7, chart L5) was tried: the card names it with the PHQ-9 on it and asks why it
was lowered before any further raise; switch or augment if it was not tolerated or did not help
(`_lowered`). A drug the population rules never propose for this patient gets no dose raise (as
recurrence.py's restart step). A running dose recorded as needed (asNeededBoolean, an
asNeededCodeableConcept or "as needed" in the sig: DoseSegment.as_needed) is no maintenance dose
to raise: the card says so and asks how it is taken (review L6, `_as_needed_step`).

The card steps aside as the recurrence card does (relapse_steps.steps_aside: review 11 wave 4,
finding 1). A past puerperal psychosis keeps it, with the history card's line, and the summary
says the bipolarity screen comes first ("screen for bipolarity first, then optimise the dose").
Every step from data/relapse_steps.csv whose row is UNVERIFIED says so beside it.

Text only, no one-click order: a dose change after a relapse rests on the review the card asks
for (adherence, stressors, substances, medical causes), which the record cannot show.

This module holds the card (`rule`). What it reads lives beside it, one idea each, so that the
card's wording can be read apart from the record reading under it:
relapse_courses.py (which running courses relapsed: the remission each held, the PHQ-9 since);
relapse_dose_history.py (the course's dose history: a raise made at the relapse, `_raise`, or
one lowered again, `_lowered`); relapse_dose_step.py (the dose step: the summary's closing words
and the "Then:" line, `_dose_step`, `_as_needed_step`); relapse_steps.py (the steps table and
the lines shared with recurrence.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from services import cards, trial_dates
from services.last_answer import kept
from services.order_doses import trial_dose
from services.recommendation import Recommendation
from services.rules.context import RuleContext
from services.rules.relapse_courses import Relapse, relapses
from services.rules.relapse_dose_history import Raise, _lowered, _raise
from services.rules.relapse_dose_step import OPTIMISE_BRIEF, DoseStep, _dose_step
from services.rules.relapse_steps import (
    history_lines,
    marked_step,
    scores_text,
    step_cite,
    step_text,
    steps_aside,
    valued_phq9,
)

TOPIC = "relapse-on-treatment"


@dataclass(frozen=True, slots=True)
class _Found:
    relapses: tuple[Relapse, ...]  # the relapsed courses, the card's first
    found_raise: Raise | None  # a raise made at the relapse (relapse_dose_history._raise)
    step: DoseStep


@kept  # the card and its hold on the optimise card (relapse_hold.py) both ask
def _found(ctx: RuleContext) -> _Found | None:
    """The card's one decision (relapse_dose_step._dose_step) and what it rests on, or None."""
    # Another card speaks (steps_aside): a "raise the antidepressant" line would contradict it.
    if steps_aside(ctx):
        return None
    phq9 = valued_phq9(ctx.record)
    found = relapses(ctx, phq9)
    if not found:
        return None
    first = found[0]
    found_raise = _raise(first.trial, first, phq9)
    lowered = _lowered(first.trial, first, phq9) if found_raise is None else None
    return _Found(tuple(found), found_raise, _dose_step(ctx, first, found_raise, lowered))


def first_step(ctx: RuleContext) -> str | None:
    """What the card puts before any other treatment change, as another card says it before its
    own "first, then" (relapse_hold.py: the optimise card's proposals wait for it): "review the
    relapse and optimise sertraline" (a dose with room: the card's "review, then optimise the
    dose first"), "screen for bipolarity and review the relapse on sertraline" (a past puerperal
    psychosis), else "review the relapse on sertraline"; None without a relapse card."""
    found = _found(ctx)
    if found is None:
        return None
    drug = found.relapses[0].trial.ingredient
    if ctx.facts.puerperal_past:
        return f"screen for bipolarity and review the relapse on {drug}"
    if found.step.brief == OPTIMISE_BRIEF:
        return f"review the relapse and optimise {drug}"
    return f"review the relapse on {drug}"


def rule(ctx: RuleContext) -> Recommendation | None:
    decided = _found(ctx)
    if decided is None:
        return None
    found, found_raise, step = decided.relapses, decided.found_raise, decided.step
    first = found[0]
    trial, remission, since = first.trial, first.remission, first.since
    low, high = remission[-1], since[-1]
    dose = trial_dose(trial)
    arrow = (
        f"PHQ-9 {low.value} on {low.date.isoformat()} -> {high.value} on {high.date.isoformat()}"
    )
    if step.shorter:
        # The raise tried and undone leads (`_lowered_step`): the relapse's low is in the detail.
        summary = cards.fit_summary(
            *[
                f"Relapse on {trial.ingredient} {dose}: {said}"
                for said in (step.summary, *step.shorter)
            ]
        )
    elif found_raise is None:
        summary = cards.fit_summary(
            f"Relapse on {trial.ingredient} {dose} ({arrow}): {step.summary}",
            f"Relapse on {trial.ingredient} {dose} ({arrow})",
            f"Relapse on {trial.ingredient} ({arrow})",
        )
    else:
        # The raise and the PHQ-9 from it lead: the relapse's low is in the detail.
        base = found_raise.baseline
        raised = (
            f"Relapse on {trial.ingredient}, raised to {dose} on "
            f"{found_raise.segment.start.isoformat()}"
        )
        on_it = (
            f"PHQ-9 {base.value} -> {high.value} on {high.date.isoformat()}"
            if base.date < high.date
            else f"PHQ-9 {high.value} on {high.date.isoformat()}"
        )
        short = f"PHQ-9 {base.value} -> {high.value}" if base.date < high.date else on_it
        summary = cards.fit_summary(
            f"{raised}: {on_it}, {step.summary}",
            f"{raised}: {short}, {step.summary}",
            f"{raised}: {step.summary}",
            f"{raised}: {on_it}",
        )
    if ctx.facts.puerperal_past:
        # A past puerperal psychosis (K5's leftover): the detail asks for the bipolarity screen
        # before the antidepressant is raised, switched or restarted, so the summary says it
        # first, whatever the dose step (never "optimise the dose first" before the screen).
        head = f"Relapse on {trial.ingredient} {dose}"
        screen = "screen for bipolarity before any antidepressant change"
        then = f"screen for bipolarity first, then {step.brief}"
        summary = cards.fit_summary(
            *([f"{head} ({arrow}): {then}"] if step.brief else []),
            f"{head} ({arrow}): {screen}",
            *([f"{head}: {then}"] if step.brief else []),
            f"{head}: {screen}",
        )
    below = ctx.policy.mapping.remission_below
    held = (
        f"from {remission[0].date.isoformat()} to {low.date.isoformat()}"
        if len(remission) > 1
        else f"on {low.date.isoformat()}"
    )
    # The course named by the day its present dose began (trial_dates.dose_since): "sertraline 150
    # mg/day (running since 2025-01-06)" read as 150 mg since then when 150 began at the relapse.
    named, since_text = trial_dates.dose_since(trial, dose)
    held_text = (
        f"in remission on it {held} (PHQ-9 {', '.join(str(s.value) for s in remission)}; "
        f"remission is PHQ-9 < {below}, CMS159)"
    )
    if first.in_episode and trial.baseline is not None and not (low.value or 0) < below:
        # A response of this episode's course, without remission (review s23 RC finding 1).
        held_text = (
            f"response on it on {low.date.isoformat()} (PHQ-9 {trial.baseline.value} -> "
            f"{low.value}, >= 50 % drop, CANMAT 2023 para 180)"
        )
    sections = [
        f"**Relapse on {named}** (running {since_text}): {held_text}, then PHQ-9 "
        f"{scores_text(since)} (>= {ctx.policy.mapping.relapse_phq9_at_least} is moderate or "
        "worse, Kroenke 2001).",
        f"**Adherence on record:** {cards.adherence_text(trial)}.",
        f"**Review first:** {step_text('review')} {step_cite('review', 'CANMAT 2023 para 184')}.",
        *history_lines(ctx),
        f"**Then:** {step.detail}",
    ]
    others = [r.trial.ingredient for r in found[1:]]
    if others:
        sections.append(f"Also running through the same remission: {cards.and_list(others)}.")
    if first.in_episode:
        sections.append(f"{marked_step('not-counted-relapse')}.")
    else:
        sections.append(
            f"{marked_step('not-counted')} (this episode from {ctx.facts.episode_start})."
        )
    # The scores only: the trials table judges a course by its first and last score ("20 -> 18,
    # failed"), which is what this card says it is not.
    evidence = (cards.scores_evidence(ctx.record),)
    detail = cards.join_sections(
        *sections, *cards.evidence_sections(*evidence), cards.guideline_links("canmat2023")
    )
    return cards.make(TOPIC, summary=summary, detail=detail, evidence=evidence)
