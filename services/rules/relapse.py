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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fhir_mapping.episode import in_current_episode, remission_on
from fhir_mapping.record import (
    RESPONSE_FRACTION,
    DoseSegment,
    Role,
    Score,
    Trial,
    Verdict,
)
from services import age_limits, cards
from services.order_doses import trial_dose
from services.recommendation import Recommendation
from services.rules import populations
from services.rules.context import RuleContext
from services.rules.relapse_steps import (
    history_lines,
    marked_step,
    scores_text,
    segment_dose,
    sentence,
    step_cite,
    step_text,
    steps_aside,
    valued_phq9,
)

TOPIC = "relapse-on-treatment"
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL


@dataclass(frozen=True, slots=True)
class Relapse:
    trial: Trial
    remission: tuple[Score, ...]  # the PHQ-9 run below the remission cut-off, oldest first
    since: tuple[Score, ...]  # the PHQ-9 totals after it, oldest first; the last is the latest


def relapses(ctx: RuleContext, phq9: tuple[Score, ...] | None = None) -> tuple[Relapse, ...]:
    """Running antidepressant courses started before the current episode that held remission
    and under which the latest PHQ-9 is at or above the relapse cut-off, oldest course first.
    `phq9`: the record's valued PHQ-9 totals, oldest first, when already read."""
    record, start = ctx.record, ctx.facts.episode_start
    latest = ctx.facts.latest_phq9
    cut_off = ctx.policy.mapping.relapse_phq9_at_least
    if start is None or latest is None or latest.value is None or latest.value < cut_off:
        return ()
    if phq9 is None:
        phq9 = valued_phq9(record)
    found = []
    for trial in sorted(record.trials, key=lambda t: t.start):
        if (
            trial.role is not _ANTIDEPRESSANT
            or trial.verdict is _NOT_A_TRIAL
            or not trial.ongoing
            or trial.on_hold is not None  # not taken now: a relapse off the drug, not on it
            or in_current_episode(trial, start)
        ):
            continue
        remission = remission_on(trial, phq9, before=start)
        if not remission:
            continue
        since = tuple([s for s in phq9 if s.date > remission[-1].date])
        if since:
            found.append(Relapse(trial, remission, since))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Raise:
    """The running dose, raised after the last PHQ-9 of the remission: the optimisation a
    "raise the dose first" would ask for, already made."""

    segment: DoseSegment  # the first segment at the raised dose
    before: DoseSegment  # the segment it was raised from
    baseline: Score  # the latest PHQ-9 on or before the raise
    latest: Score  # the latest PHQ-9


def _raise(trial: Trial, relapse: Relapse, phq9: tuple[Score, ...]) -> Raise | None:
    """The latest raise of a course's daily dose when it began after the remission's last PHQ-9
    (at or after the relapse), else None. Segments at the same dose in a row are one dose (a
    course split by a gap keeps its dose); an as-needed or unknown dose is no raise the record
    can show."""
    segments = trial.segments
    i = len(segments) - 1
    if i < 1 or segments[i].as_needed or segments[i].mg_per_day is None:
        return None
    while i > 0 and segments[i - 1].mg_per_day == segments[i].mg_per_day:
        i -= 1
    if i == 0:
        return None
    raised, before = segments[i], segments[i - 1]
    upper = before.mg_per_day_upper
    if before.as_needed or upper is None or raised.mg_per_day is None:
        return None
    # A range raised to a dose above its upper end is a raise; 50-200 -> 150 is none.
    if raised.mg_per_day <= upper or raised.start <= relapse.remission[-1].date:
        return None
    on_or_before = [s for s in phq9 if s.date <= raised.start]
    return Raise(raised, before, on_or_before[-1], relapse.since[-1])


@dataclass(frozen=True, slots=True)
class Lowered:
    """A dose raised after the last PHQ-9 of the remission and then lowered again (recheck 2
    finding 7, chart L5: sertraline 100 -> 150 mg on 2025-01-06, back to 100 mg on 2025-04-07):
    the raise was tried, so "raise the dose first" would ask for it again without asking why it
    was undone."""

    raised: DoseSegment  # the first segment at the raised dose
    before: DoseSegment  # the segment it was raised from
    lowered: DoseSegment  # the first segment of the running (lower) dose
    baseline: Score  # the latest PHQ-9 on or before the raise
    on_it: tuple[Score, ...]  # the PHQ-9 taken on the raised dose (to the day it was lowered)


def _runs(trial: Trial) -> list[DoseSegment]:
    """The first segment of each run of segments at the same daily dose, oldest first (a course
    split by a gap keeps its dose)."""
    runs: list[DoseSegment] = []
    for segment in trial.segments:
        if not runs or (segment.mg_per_day, segment.mg_per_day_high, segment.as_needed) != (
            runs[-1].mg_per_day,
            runs[-1].mg_per_day_high,
            runs[-1].as_needed,
        ):
            runs.append(segment)
    return runs


def _lowered(trial: Trial, relapse: Relapse, phq9: tuple[Score, ...]) -> Lowered | None:
    """The running dose when it is below the one before it and that one was a raise made after
    the remission's last PHQ-9 (at the relapse), else None. A range is read at its ends: lowered
    when the running dose's upper end is below the raised dose's lower end; raised as `_raise`
    reads it. An as-needed or unknown dose is no change the record can show."""
    runs = _runs(trial)
    if len(runs) < 3:
        return None
    before, raised, lowered = runs[-3], runs[-2], runs[-1]
    if any(s.as_needed or s.mg_per_day is None for s in (before, raised, lowered)):
        return None
    high, low, upper = raised.mg_per_day, lowered.mg_per_day_upper, before.mg_per_day_upper
    if high is None or low is None or upper is None or low >= high or high <= upper:
        return None
    if raised.start <= relapse.remission[-1].date:
        return None  # raised during the remission: no change made at the relapse
    on_or_before = [s for s in phq9 if s.date <= raised.start]
    on_it = tuple([s for s in phq9 if raised.start < s.date <= lowered.start])
    return Lowered(raised, before, lowered, on_or_before[-1], on_it)


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
        f"{raised.start.isoformat()}; {weeks} weeks on it: {judged}; then lowered to "
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
    top = age_limits.capped(trial.ingredient, ctx.record.patient.age, trial.max_mg)
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
            brief="optimise the dose",
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
        judge = found.segment.start + timedelta(weeks=wait)
        then = marked_step("at-top" if at_top else "raised-no-response")
        weeks = f"{step_text('too-early')} {cards.fmt_mg(wait)} weeks at a dose"
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
    said = f"{raised}; {days // 7} weeks on it: {scores}, {verdict}"
    if at_top:
        return DoseStep(f"{brief}; at maximum dose, switch or augment", f"{said}; {top_text}")
    key = "raised-partial" if responded else "raised-no-response"
    reach = f"range to {cards.fmt_mg(top)} mg/day; " if top is not None else ""
    then = "augment or switch" if responded else "switch or augment"
    return DoseStep(
        f"{brief}: raise further, or {then}",
        f"{said}: {step_text(key)} {step_cite(key, reach + 'CANMAT 2023 para 190')}.",
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    # Another card speaks (steps_aside): a "raise the antidepressant" line would contradict it.
    if steps_aside(ctx):
        return None
    phq9 = valued_phq9(ctx.record)
    found = relapses(ctx, phq9)
    if not found:
        return None
    first = found[0]
    trial, remission, since = first.trial, first.remission, first.since
    low, high = remission[-1], since[-1]
    dose = trial_dose(trial)
    arrow = (
        f"PHQ-9 {low.value} on {low.date.isoformat()} -> {high.value} on {high.date.isoformat()}"
    )
    found_raise = _raise(trial, first, phq9)
    lowered = _lowered(trial, first, phq9) if found_raise is None else None
    step = _dose_step(ctx, first, found_raise, lowered)
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
    sections = [
        f"**Relapse on {trial.ingredient} {dose}** (running since {trial.start.isoformat()}): "
        f"in remission on it {held} (PHQ-9 {', '.join(str(s.value) for s in remission)}; "
        f"remission is PHQ-9 < {below}, CMS159), then PHQ-9 {scores_text(since)} (>= "
        f"{ctx.policy.mapping.relapse_phq9_at_least} is moderate or worse, Kroenke 2001).",
        f"**Adherence on record:** {cards.adherence_text(trial)}.",
        f"**Review first:** {step_text('review')} {step_cite('review', 'CANMAT 2023 para 184')}.",
        *history_lines(ctx),
        f"**Then:** {step.detail}",
    ]
    others = [r.trial.ingredient for r in found[1:]]
    if others:
        sections.append(f"Also running through the same remission: {cards.and_list(others)}.")
    sections.append(f"{marked_step('not-counted')} (this episode from {ctx.facts.episode_start}).")
    # The scores only: the trials table judges a course by its first and last score ("20 -> 18,
    # failed"), which is what this card says it is not.
    evidence = (cards.scores_evidence(ctx.record),)
    detail = cards.join_sections(
        *sections, *cards.evidence_sections(*evidence), cards.guideline_links("canmat2023")
    )
    return cards.make(TOPIC, summary=summary, detail=detail, evidence=evidence)
