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
the restart step).

Both cards step aside (`steps_aside`) for bipolar or a primary psychotic disorder, puerperal psychosis,
psychotic features of this episode or catatonia: the card that speaks then (diagnosis review,
emergency, optimise) would be contradicted by "optimise the dose first" or "restart it" (review
11 wave 4, finding 1). A past puerperal psychosis keeps them, with the history card's line (screen
for bipolarity before the antidepressant is raised or restarted; with a later pregnancy on record,
perinatal psychiatry now), and the relapse summary says the screen comes first ("screen for
bipolarity first, then optimise the dose"), never "optimise the dose first". Every step from
data/relapse_steps.csv whose row is UNVERIFIED is printed with "(UNVERIFIED)" beside it.

Text only, no one-click order: a dose change after a relapse rests on the review the card asks
for (adherence, stressors, substances, medical causes), which the record cannot show.

`recurrence_rule` (its own topic, recurrence-off-treatment) is the same silence off treatment:
the latest antidepressant course brought remission and stopped in it, none runs now, and the
PHQ-9 is back at the relapse cut-off (chart M3). It names the drug and dose that brought
remission, asks for the same review, and proposes restarting what worked; text only as well.
Never a drug stopped for harm it did (recheck 2 finding 3, chart M5: escitalopram stopped with
a documented "Hyponatremia" and a sodium of 121, while the optimise card said "never proposed
again"): a documented intolerance (Trial.intolerance), or a safety lab beyond its
data/lab_safety.csv line (a low sodium on an SSRI or SNRI, a QTc above the stop line) taken on
the drug or in the days after its last supply (`stopped_for`), is named in the summary ("stopped
2024-02-05 for Hyponatremia, sodium 121 mmol/L: not restarted") and the step is another agent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from fhir_mapping.episode import in_current_episode, remission_on
from fhir_mapping.record import (
    RESPONSE_FRACTION,
    DoseSegment,
    FindingKind,
    PatientRecord,
    Role,
    Score,
    Trial,
    Verdict,
)
from services import age_limits, cards, lab_safety, tables
from services.order_doses import dose_text, trial_dose
from services.pathway_options import unverified_mark
from services.recommendation import Recommendation
from services.rules import populations, postpartum_psychosis
from services.rules.context import RuleContext

TOPIC = "relapse-on-treatment"
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL
_CATATONIA = FindingKind.CATATONIA


@dataclass(frozen=True, slots=True)
class Relapse:
    trial: Trial
    remission: tuple[Score, ...]  # the PHQ-9 run below the remission cut-off, oldest first
    since: tuple[Score, ...]  # the PHQ-9 totals after it, oldest first; the last is the latest


@cache
def _table() -> dict[str, tuple[str, str]]:
    """data/relapse_steps.csv: step -> (text, status), read once."""
    return {row["step"]: (row["text"], row["status"]) for row in tables._rows("relapse_steps.csv")}


def _step(key: str) -> str:
    """A step's text, with " (UNVERIFIED)" after it when its row is not confirmed: every step
    the card prints says so beside it (review 11 wave 4, finding 3)."""
    text, status = _table()[key]
    return text + unverified_mark(status)


def _text(key: str) -> str:
    """A step's text alone, for a step whose status `_cite` says after its citation."""
    return _table()[key][0]


def _cite(key: str, source: str) -> str:
    """The citation of a step printed after it: "(APA 2010)", "(APA 2010; UNVERIFIED)"."""
    flag = "; UNVERIFIED" if _table()[key][1] == "UNVERIFIED" else ""
    return f"({source}{flag})"


def _phq9(record: PatientRecord) -> tuple[Score, ...]:
    """The PHQ-9 totals with a value, oldest first (read once per card)."""
    return tuple([s for s in record.phq9() if s.value is not None])


def steps_aside(ctx: RuleContext) -> bool:
    """Whether the relapse and recurrence cards step aside (review 11 wave 4, finding 1): bipolar
    or a primary psychotic disorder (the diagnosis review speaks), puerperal psychosis (the
    emergency card: the outpatient cards hold back), psychotic features of this episode or
    catatonia (ECT, an antipsychotic combination or a benzodiazepine first: the optimise card
    names them). "Optimise the dose first" or "restart escitalopram" beside any of them would
    contradict the card that speaks."""
    facts = ctx.facts
    return bool(
        facts.bipolar
        or facts.psychotic_disorder
        or facts.puerperal is not None
        or facts.psychotic
        or facts.findings_of(_CATATONIA)
    )


def _history(ctx: RuleContext) -> list[str]:
    """A past puerperal psychosis (a bipolarity marker: screen before an antidepressant is
    raised or restarted), as the optimise card names it; the cards are text only."""
    past = ctx.facts.puerperal_past
    if not past:
        return []
    pregnancy = postpartum_psychosis.pregnant_now(ctx, past)
    return [postpartum_psychosis.history_line(past, False, pregnancy=pregnancy)]


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
        phq9 = _phq9(record)
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


def _scores(scores: tuple[Score, ...]) -> str:
    return ", ".join(f"{s.value} on {s.date.isoformat()}" for s in scores)


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
    high = _segment_dose(trial, raised)
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
    after = f"; since then PHQ-9 {_scores(tuple(since))}" if since else "; no PHQ-9 since then"
    why = (
        f"On record: it was {cards.intolerance_text(trial)}."
        if trial.intolerance is not None
        else "No reason for lowering it is on record."
    )
    detail = (
        f"{trial.ingredient} raised from {_segment_dose(trial, found.before)} to {high} on "
        f"{raised.start.isoformat()}; {weeks} weeks on it: {judged}; then lowered to "
        f"{_segment_dose(trial, lowered)} on {lowered.start.isoformat()}{after}. {why} "
        f"{_sentence(_text('lowered'))} {_cite('lowered', 'CANMAT 2023 para 190')}."
    )
    tried = f"{high} tried {raised.start.isoformat()} to {lowered.start.isoformat()}"
    step = "then lowered: ask why; switch or augment"
    return DoseStep(
        f"{tried}{arrow}, {step}",
        detail,
        (f"{tried}, {step}", f"higher dose tried, {step}"),
    )


def _segment_dose(trial: Trial, segment: DoseSegment) -> str:
    """A segment's dose as the cards write it."""
    return dose_text(
        segment.mg_per_day,
        segment.mg_per_day_high,
        trial.dose_equivalence,
        as_needed=segment.as_needed,
        as_needed_max=segment.as_needed_max_mg,
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
    lowered again (`lowered`), ask why, then switch or augment."""
    trial = relapse.trial
    never = populations.never(ctx, trial.ingredient, trial.drug_class)
    if never is not None:
        # A drug the population rules never propose for this patient (as _restart_step asks):
        # no "raise the dose", which would propose more of it.
        return DoseStep(
            f"review; {trial.ingredient} not proposed here, no dose raise",
            f"{trial.ingredient} is not proposed for this patient: {never.reason()}. No dose "
            "raise is proposed: weigh the next step with the prescriber.",
        )
    if found is None and lowered is not None:
        return _lowered_step(ctx, relapse, lowered)
    top = age_limits.capped(trial.ingredient, ctx.record.patient.age, trial.max_mg)
    upper = trial.current_mg_per_day_upper
    at_top = top is not None and upper is not None and upper >= top
    top_text = (
        f"{trial.ingredient} is at the top of its range ({cards.fmt_mg(top)} mg/day): "
        f"{_text('at-top')} {_cite('at-top', 'CANMAT 2023 Figure 7.1')}."
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
            f"{trial.ingredient} {trial_dose(trial)}{reach}: {_step('optimise')}.",
            brief="optimise the dose",
        )
    base, latest = found.baseline, found.latest
    days = (latest.date - found.segment.start).days
    wait = ctx.policy.mapping.on_treatment_from_week
    raised = (
        f"{trial.ingredient} raised from {_segment_dose(trial, found.before)} to "
        f"{_segment_dose(trial, found.segment)} on {found.segment.start.isoformat()}"
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
        then = _step("at-top" if at_top else "raised-no-response")
        weeks = f"{_text('too-early')} {cards.fmt_mg(wait)} weeks at a dose"
        cite = _cite("too-early", "CANMAT 2023 para 191")
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
        f"{said}: {_text(key)} {_cite(key, reach + 'CANMAT 2023 para 190')}.",
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    # Another card speaks (steps_aside): a "raise the antidepressant" line would contradict it.
    if steps_aside(ctx):
        return None
    phq9 = _phq9(ctx.record)
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
        f"remission is PHQ-9 < {below}, CMS159), then PHQ-9 {_scores(since)} (>= "
        f"{ctx.policy.mapping.relapse_phq9_at_least} is moderate or worse, Kroenke 2001).",
        f"**Adherence on record:** {cards.adherence_text(trial)}.",
        f"**Review first:** {_text('review')} {_cite('review', 'CANMAT 2023 para 184')}.",
        *_history(ctx),
        f"**Then:** {step.detail}",
    ]
    others = [r.trial.ingredient for r in found[1:]]
    if others:
        sections.append(f"Also running through the same remission: {cards.and_list(others)}.")
    sections.append(f"{_step('not-counted')} (this episode from {ctx.facts.episode_start}).")
    # The scores only: the trials table judges a course by its first and last score ("20 -> 18,
    # failed"), which is what this card says it is not.
    evidence = (cards.scores_evidence(ctx.record),)
    detail = cards.join_sections(
        *sections, *cards.evidence_sections(*evidence), cards.guideline_links("canmat2023")
    )
    return cards.make(TOPIC, summary=summary, detail=detail, evidence=evidence)


# --- Recurrence off treatment (review 11 finding 3 follow-up, chart M3) --------------------------
#
# The other half of the same silence: escitalopram 10 mg renewed yearly 2019-2024, PHQ-9 18 -> 4,
# 3, 2 on it, the last renewal's supply ended 2024-05-01, then PHQ-9 20 and 21 in 2025 with no
# antidepressant on record: no card at all. The drug that brought remission is the first thing a
# clinician weighs (restart what worked), after the same review as a relapse on a running drug.
# Said only when the record shows each step: the course held remission (PHQ-9 below the
# remission cut-off while it ran) up to its last PHQ-9 before it stopped, it is the latest
# antidepressant course, none runs now, and the latest PHQ-9 is at the relapse cut-off. A course
# that was worse again before it stopped, or a later course tried since, is left to the other
# cards: "restart what worked" would then claim more than the record shows.

RECURRENCE_TOPIC = "recurrence-off-treatment"


@dataclass(frozen=True, slots=True)
class Recurrence:
    trial: Trial
    stopped: date  # its last day on record: the course's end, or the day it was put on hold
    remission: tuple[Score, ...]  # the PHQ-9 run below the remission cut-off on it, oldest first
    since: tuple[Score, ...]  # the PHQ-9 totals after it stopped, oldest first; last is latest
    together: tuple[Trial, ...]  # other antidepressants that ran on the day of its remission


def _stopped(trial: Trial) -> date | None:
    """The day a course stopped, or None while it runs. A course on hold is not taken now (Trial.on_hold):
    it stopped on the last day the record supports."""
    if not trial.ongoing:
        return trial.end
    return trial.on_hold


def recurrence(ctx: RuleContext) -> Recurrence | None:
    """The latest antidepressant course, stopped while in remission on it, when no
    antidepressant runs now and the latest PHQ-9 is at or above the relapse cut-off."""
    latest = ctx.facts.latest_phq9
    if latest is None or latest.value is None:
        return None
    if latest.value < ctx.policy.mapping.relapse_phq9_at_least:
        return None
    courses = [
        t for t in ctx.record.trials if t.role is _ANTIDEPRESSANT and t.verdict is not _NOT_A_TRIAL
    ]
    stops = [(_stopped(t), t) for t in courses]
    ended = [(day, t) for day, t in stops if day is not None]
    if not ended or len(ended) < len(stops):
        return None  # none on record, or one runs now: the relapse and optimise cards speak
    stopped, trial = max(ended, key=lambda pair: (pair[0], pair[1].start))
    phq9 = _phq9(ctx.record)
    remission = remission_on(trial, phq9, before=stopped + timedelta(days=1))
    if not remission:
        return None  # the remission was not on this drug (or no PHQ-9 was taken on it)
    low = remission[-1]
    if any(low.date < s.date <= stopped for s in phq9):
        return None  # worse again before it stopped: not stopped in remission
    since = tuple([s for s in phq9 if s.date > stopped])
    if not since:
        return None
    together = tuple([t for day, t in ended if t is not trial and t.start <= low.date <= day])
    return Recurrence(trial, stopped, remission, since, together)


def _dose_at(trial: Trial, day: date) -> tuple[DoseSegment | None, str]:
    """The segment in force on `day` (else the latest one begun before it) and its dose as the
    cards write it, "dose not recorded" when unknown."""
    begun = [s for s in trial.segments if s.start <= day]
    segment = begun[-1] if begun else (trial.segments[0] if trial.segments else None)
    if segment is None or segment.mg_per_day is None:
        return segment, "dose not recorded"
    return segment, _segment_dose(trial, segment)


# The data/lab_safety.csv checks whose line, crossed on the drug, is a reason it was stopped:
# a low sodium on an SSRI, SNRI, mirtazapine or a TCA (SIADH) and a QTc above the label's stop
# line. The caution lines (qtc-caution) and the lithium target are no reason to stop.
_STOP_CHECKS = frozenset({"sodium-low", "qtc-stop"})


@dataclass(frozen=True, slots=True)
class StoppedFor:
    """Why a course that brought remission is not proposed again (recheck 2 finding 3, chart
    M5): its documented intolerance and/or a safety lab beyond its line on it."""

    reaction: str | None  # the intolerance as documented ("Hyponatremia"), else None
    lab: str | None  # the safety lab, short ("sodium 121 mmol/L"), else None
    detail: str  # the "Then:" line's words: the intolerance with its source, the lab with its line

    def shorts(self) -> tuple[str, ...]:
        """The summary's words after "stopped <date>", longest first: ", not tolerated:
        Hyponatremia, sodium 121 mmol/L", " for Hyponatremia, sodium 121 mmol/L", then the
        reaction alone, the lab alone, the least."""
        reaction, lab = self.reaction, self.lab
        found = [
            f", not tolerated: {reaction}, {lab}" if reaction and lab else "",
            f" for {reaction}, {lab}" if reaction and lab else "",
            f", not tolerated: {reaction}" if reaction else "",
            f", {lab}" if lab else "",
            ", not tolerated" if reaction else ", a safety lab beyond its line",
        ]
        return tuple(part for part in found if part)


def _safety_lab(ctx: RuleContext, trial: Trial, stopped: date) -> tuple[str, str] | None:
    """A stop check's result beyond its line around the stop: (short, detail), else None. Read:
    the latest result of the test taken on the course (its start to the day it stopped), and the
    first taken in the days after (MappingPolicy.on_treatment_days_after_end, the days a PHQ-9 is
    still the course's: a supply end is the last day the record proves, not the day the drug
    was stopped, and a sodium drawn two days later still shows the drug). Either beyond the
    line is why it may have stopped. Not an earlier result only: a low sodium the drug ran on
    past, back to normal before the stop, was not why it stopped."""
    after = stopped + timedelta(days=ctx.policy.mapping.on_treatment_days_after_end)
    for rule in lab_safety.rules():
        if rule.check not in _STOP_CHECKS:
            continue
        if not rule.applies_to(trial.ingredient, trial.drug_class):
            continue
        found = [
            lab
            for lab in ctx.record.context.labs
            if lab.test == rule.test
            and trial.start <= lab.date <= after
            and lab_safety.readable(lab)
        ]
        on_it = [lab for lab in found if lab.date <= stopped]
        since = [lab for lab in found if lab.date > stopped]
        low = rule.low is not None
        for lab in (
            *([max(on_it, key=lambda lab: lab.date)] if on_it else []),
            *([min(since, key=lambda lab: lab.date)] if since else []),
        ):
            if (lab_safety.below(rule, lab) if low else lab_safety.above(rule, lab)) is not True:
                continue
            name = lab_safety.LABEL.get(rule.test, rule.test)
            value = lab_safety.value(lab)
            short = (
                f"{name} {cards.fmt_mg(value)} {rule.unit}"
                if value is not None
                else f"{name} {lab.flag}"
            )
            days = (lab.date - stopped).days
            when = " while on it" if days <= 0 else f", {days} days after its last day on record"
            side = "below" if low else "above"
            return (
                short,
                f"{name} {lab_safety.text(lab)}{when} ({side} {rule.bounds()}, {rule.cite})",
            )
    return None


def stopped_for(ctx: RuleContext, trial: Trial, stopped: date) -> StoppedFor | None:
    """Why the course may not be restarted, from the record: a documented intolerance (a stop
    reason, an AllergyIntolerance, an AdverseEvent: Trial.intolerance) and a safety lab beyond
    its line on it; None when the record shows neither."""
    lab = _safety_lab(ctx, trial, stopped)
    intolerance = trial.intolerance
    if intolerance is None:
        return None if lab is None else StoppedFor(None, lab[0], f"it stopped with {lab[1]}")
    detail = f"it was {cards.intolerance_text(trial)}"
    # The summary names the reaction, not how it was recorded: "documented intolerance:
    # Hyponatremia" and "adverse event: hypomania" (fhir_mapping/intolerance.py) say
    # "Hyponatremia" and "hypomania"; a stop reason ("Medication stopped - side effect") as is.
    head, said, reaction = intolerance.reason.partition(": ")
    if not (said and head.startswith(("documented ", "adverse event"))):
        reaction = intolerance.reason
    if lab is None:
        return StoppedFor(reaction, None, detail)
    return StoppedFor(reaction, lab[0], f"{detail}, with {lab[1]}")


def _restart_step(
    ctx: RuleContext,
    trial: Trial,
    segment: DoseSegment | None,
    dose: str,
    why: StoppedFor | None = None,
) -> str:
    """Restart what worked, unless the record says it may not be: a population rule that never
    proposes it, a documented intolerance or a safety lab beyond its line on it (`why`: never
    restarted), the older-adult maximum below that dose."""
    never = populations.never(ctx, trial.ingredient, trial.drug_class)
    if never is not None:
        return f"{trial.ingredient} is not proposed for this patient: {never.reason()}."
    if why is not None:
        # Safer: a drug stopped for harm it did is not proposed again (the optimise card says
        # "never proposed again" of the same course): the next step is another agent.
        return (
            f"{trial.ingredient} {dose} is not proposed again: {why.detail}. "
            f"{_sentence(_text('not-restarted'))} {_cite('not-restarted', 'CANMAT 2023 para 190')}."
        )
    text = f"{trial.ingredient} {dose}: {_text('restart')} {_cite('restart', 'APA 2010')}"
    mg = segment.mg_per_day_upper if segment is not None else None
    limit = age_limits.exceeded(trial.ingredient, ctx.record.patient.age, mg)
    if limit is not None:
        text += (
            f", at most {cards.fmt_mg(limit.max_mg)} mg/day at age {ctx.record.patient.age} "
            f"({age_limits.label(limit)})"
        )
    cautions = [
        r.reason() for r in populations.restrictions(ctx, trial.ingredient, trial.drug_class)
    ]
    if cautions:
        text += f"; weigh: {'; '.join(cautions)}"
    return f"{text}. {_sentence(_text('maintain'))} {_cite('maintain', 'CANMAT 2023')}."


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def recurrence_rule(ctx: RuleContext) -> Recommendation | None:
    # Another card speaks (steps_aside): a "restart the antidepressant" line would contradict it.
    if steps_aside(ctx):
        return None
    found = recurrence(ctx)
    if found is None:
        return None
    trial, stopped, remission, since = found.trial, found.stopped, found.remission, found.since
    low, high = remission[-1], since[-1]
    segment, dose = _dose_at(trial, low.date)
    # Within the episode the remission began (no break: fhir_mapping/episode.py) the return is a
    # relapse; after the break a recurrence, a new episode.
    word = "Relapse" if in_current_episode(trial, ctx.facts.episode_start) else "Recurrence"
    off = (
        f"on hold since {stopped.isoformat()}"
        if trial.ongoing
        else f"stopped {stopped.isoformat()}"
    )
    now = f"PHQ-9 {high.value} on {high.date.isoformat()}"
    why = stopped_for(ctx, trial, stopped)
    if why is None:
        summary = cards.fit_summary(
            f"{word} off treatment: {now} ({trial.ingredient} {dose} brought remission, PHQ-9 "
            f"{low.value} on {low.date.isoformat()}; {off})",
            f"{word} off treatment: {now} ({trial.ingredient} {dose} brought remission; {off})",
            f"{word} off treatment: {now} ({trial.ingredient} brought remission; {off})",
        )
    else:
        # Why it stopped leads: "restart what worked" is the first thing a reader would
        # otherwise take from "brought remission" (recheck 2 finding 3).
        shorts = why.shorts()
        summary = cards.fit_summary(
            f"{word} off treatment: {now} ({trial.ingredient} brought remission; {off}"
            f"{shorts[0]}): not restarted",
            *[
                f"{word} off treatment: {now} ({trial.ingredient} {off}{short}): not restarted"
                for short in shorts
            ],
            f"{word} off treatment: {now}; {trial.ingredient} {off}, not restarted",
        )
    below = ctx.policy.mapping.remission_below
    held = (
        f"from {remission[0].date.isoformat()} to {low.date.isoformat()}"
        if len(remission) > 1
        else f"on {low.date.isoformat()}"
    )
    basis = (
        f"it is on hold on record, taken to {stopped.isoformat()} at most"
        if trial.ongoing
        else f"the last supply on record ends {stopped.isoformat()}"
    )
    if trial.assumed_days:
        basis += " (its records state no duration: that end is counted, not recorded)"
    sections = [
        f"**{word} off treatment:** {trial.ingredient} {dose} ({trial.start.isoformat()} to "
        f"{stopped.isoformat()}) brought remission {held} (PHQ-9 "
        f"{', '.join(str(s.value) for s in remission)}; remission is PHQ-9 < {below}, CMS159). "
        f"It stopped in remission: {basis}, and no antidepressant is on record since. Then "
        f"PHQ-9 {_scores(since)} (>= {ctx.policy.mapping.relapse_phq9_at_least} is moderate "
        "or worse, Kroenke 2001).",
        f"**Review first:** {_text('review')}"
        + ("" if why is not None else f", and why {trial.ingredient} was stopped")
        + f" {_cite('review', 'CANMAT 2023 para 184')}.",
        *_history(ctx),
        f"**Then:** {_restart_step(ctx, trial, segment, dose, why)}",
    ]
    if found.together:
        names = cards.and_list([t.ingredient for t in found.together])
        sections.append(f"Also taken at the time of that remission: {names}.")
    if word == "Recurrence":
        sections.append(
            f"Not counted as a failed trial of this episode (from {ctx.facts.episode_start}): "
            f"{trial.ingredient} brought remission before it began."
        )
    evidence = (cards.scores_evidence(ctx.record),)
    detail = cards.join_sections(
        *sections, *cards.evidence_sections(*evidence), cards.guideline_links("canmat2023")
    )
    return cards.make(RECURRENCE_TOPIC, summary=summary, detail=detail, evidence=evidence)
