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
the range, or switch or augment); before that it says when the raise can be judged.

Text only, no one-click order: a dose change after a relapse rests on the review the card asks
for (adherence, stressors, substances, medical causes), which the record cannot show.

`recurrence_rule` (its own topic, recurrence-off-treatment) is the same silence off treatment:
the latest antidepressant course brought remission and stopped in it, none runs now, and the
PHQ-9 is back at the relapse cut-off (chart M3). It names the drug and dose that brought
remission, asks for the same review, and proposes restarting what worked; text only as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from fhir_mapping.episode import in_current_episode, remission_on
from fhir_mapping.record import RESPONSE_FRACTION, DoseSegment, Role, Score, Trial, Verdict
from services import age_limits, cards, tables
from services.order_doses import dose_text, trial_dose
from services.recommendation import Recommendation
from services.rules import populations
from services.rules.context import RuleContext

TOPIC = "relapse-on-treatment"
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL


@dataclass(frozen=True, slots=True)
class Relapse:
    trial: Trial
    remission: tuple[Score, ...]  # the PHQ-9 run below the remission cut-off, oldest first
    since: tuple[Score, ...]  # the PHQ-9 totals after it, oldest first; the last is the latest


@cache
def _steps() -> dict[str, str]:
    return {row["step"]: row["text"] for row in tables._rows("relapse_steps.csv")}


@cache
def _unverified(step: str) -> str:
    """Added to the citation of a step whose row is not confirmed: the card says so beside it."""
    rows = {row["step"]: row["status"] for row in tables._rows("relapse_steps.csv")}
    return "; UNVERIFIED" if rows[step] == "UNVERIFIED" else ""


def relapses(ctx: RuleContext) -> tuple[Relapse, ...]:
    """Running antidepressant courses started before the current episode that held remission
    and under which the latest PHQ-9 is at or above the relapse cut-off, oldest course first."""
    record, start = ctx.record, ctx.facts.episode_start
    latest = ctx.facts.latest_phq9
    cut_off = ctx.policy.mapping.relapse_phq9_at_least
    if start is None or latest is None or latest.value is None or latest.value < cut_off:
        return ()
    phq9 = sorted(
        [s for s in record.scores if s.instrument == "PHQ-9" and s.value is not None],
        key=lambda s: s.date,
    )
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


def _segment_dose(trial: Trial, segment: DoseSegment) -> str:
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


def _dose_step(ctx: RuleContext, relapse: Relapse, found: Raise | None) -> DoseStep:
    """Raise within the range (to the older-adult maximum where one applies), or, at its top,
    switch or augment; after a raise at the relapse, what the PHQ-9 did on it."""
    trial = relapse.trial
    steps = _steps()
    top = age_limits.capped(trial.ingredient, ctx.record.patient.age, trial.max_mg)
    upper = trial.current_mg_per_day_upper
    at_top = top is not None and upper is not None and upper >= top
    top_text = (
        f"{trial.ingredient} is at the top of its range ({cards.fmt_mg(top)} mg/day): "
        f"{steps['at-top']} (CANMAT 2023 Figure 7.1)."
    )
    if found is None:
        if at_top:
            return DoseStep("review; at maximum dose, switch or augment", top_text)
        reach = f" (range to {cards.fmt_mg(top)} mg/day)" if top is not None else ""
        return DoseStep(
            "review, then optimise the dose first",
            f"{trial.ingredient} {trial_dose(trial)}{reach}: {steps['optimise']}.",
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
        judge = (found.segment.start + timedelta(weeks=wait)).isoformat()
        then = steps["at-top"] if at_top else steps["raised-no-response"]
        return DoseStep(
            f"too early to judge before {judge}",
            f"{raised}: {scores}. {steps['too-early']} {cards.fmt_mg(wait)} weeks at a dose "
            f"(CANMAT 2023 para 191): judge it from {judge}; then, without a response, {then}.",
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
    step = steps["raised-partial" if responded else "raised-no-response"]
    reach = f"range to {cards.fmt_mg(top)} mg/day; " if top is not None else ""
    then = "augment or switch" if responded else "switch or augment"
    return DoseStep(
        f"{brief}: raise further, or {then}", f"{said}: {step} ({reach}CANMAT 2023 para 190)."
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    found = relapses(ctx)
    if not found:
        return None
    # Bipolar disorder or a primary psychotic disorder: the diagnosis-review card speaks; a
    # "raise the antidepressant" line beside it would contradict it.
    if ctx.facts.bipolar or ctx.facts.psychotic_disorder:
        return None
    first = found[0]
    trial, remission, since = first.trial, first.remission, first.since
    low, high = remission[-1], since[-1]
    dose = trial_dose(trial)
    arrow = (
        f"PHQ-9 {low.value} on {low.date.isoformat()} -> {high.value} on {high.date.isoformat()}"
    )
    phq9 = tuple(
        sorted(
            [s for s in ctx.record.scores if s.instrument == "PHQ-9" and s.value is not None],
            key=lambda s: s.date,
        )
    )
    found_raise = _raise(trial, first, phq9)
    step = _dose_step(ctx, first, found_raise)
    if found_raise is None:
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
        f"**Review first:** {_steps()['review']} (CANMAT 2023 para 184).",
        f"**Then:** {step.detail}",
    ]
    others = [r.trial.ingredient for r in found[1:]]
    if others:
        sections.append(f"Also running through the same remission: {cards.and_list(others)}.")
    sections.append(f"{_steps()['not-counted']} (this episode from {ctx.facts.episode_start}).")
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
    phq9 = sorted(
        [s for s in ctx.record.scores if s.instrument == "PHQ-9" and s.value is not None],
        key=lambda s: s.date,
    )
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
    return segment, dose_text(
        segment.mg_per_day,
        segment.mg_per_day_high,
        trial.dose_equivalence,
        as_needed=segment.as_needed,
        as_needed_max=segment.as_needed_max_mg,
    )


def _restart_step(ctx: RuleContext, trial: Trial, segment: DoseSegment | None, dose: str) -> str:
    """Restart what worked, unless the record says it may not be: a population rule that never
    proposes it, a documented intolerance, the older-adult maximum below that dose."""
    never = populations.never(ctx, trial.ingredient, trial.drug_class)
    if never is not None:
        return f"{trial.ingredient} is not proposed for this patient: {never.reason()}."
    steps = _steps()
    text = f"{trial.ingredient} {dose}: {steps['restart']} (APA 2010{_unverified('restart')})"
    mg = segment.mg_per_day_upper if segment is not None else None
    limit = age_limits.exceeded(trial.ingredient, ctx.record.patient.age, mg)
    if limit is not None:
        text += (
            f", at most {cards.fmt_mg(limit.max_mg)} mg/day at age {ctx.record.patient.age} "
            f"({age_limits.label(limit)})"
        )
    if trial.intolerance is not None:
        # Safer: a drug that worked but was stopped for its side effects is weighed, not simply
        # restarted.
        text += f"; it was {cards.intolerance_text(trial)}: weigh that before restarting it"
    cautions = [
        r.reason() for r in populations.restrictions(ctx, trial.ingredient, trial.drug_class)
    ]
    if cautions:
        text += f"; weigh: {'; '.join(cautions)}"
    return f"{text}. {steps['maintain'][0].upper()}{steps['maintain'][1:]} (CANMAT 2023)."


def recurrence_rule(ctx: RuleContext) -> Recommendation | None:
    found = recurrence(ctx)
    if found is None:
        return None
    # Bipolar disorder or a primary psychotic disorder: the diagnosis-review card speaks; a
    # "restart the antidepressant" line beside it would contradict it.
    if ctx.facts.bipolar or ctx.facts.psychotic_disorder:
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
    summary = cards.fit_summary(
        f"{word} off treatment: {now} ({trial.ingredient} {dose} brought remission, PHQ-9 "
        f"{low.value} on {low.date.isoformat()}; {off})",
        f"{word} off treatment: {now} ({trial.ingredient} {dose} brought remission; {off})",
        f"{word} off treatment: {now} ({trial.ingredient} brought remission; {off})",
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
        f"**Review first:** {_steps()['review']}, and why {trial.ingredient} was stopped "
        "(CANMAT 2023 para 184).",
        f"**Then:** {_restart_step(ctx, trial, segment, dose)}",
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
