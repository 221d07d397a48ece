"""patient-view: a relapse or recurrence off treatment (review 11 finding 3 follow-up, chart M3).

The other half of the relapse card's silence (services/rules/relapse.py): escitalopram 10 mg
renewed yearly 2019-2024, PHQ-9 18 -> 4, 3, 2 on it, the last renewal's supply ended 2024-05-01,
then PHQ-9 20 and 21 in 2025 with no antidepressant on record: no card at all. The drug that
brought remission is the first thing a clinician weighs (restart what worked), after the same
review as a relapse on a running drug. Said only when the record shows each step: the course held
remission (PHQ-9 below the remission cut-off while it ran) up to its last PHQ-9 before it stopped,
it is the latest antidepressant course, none runs now, and the latest PHQ-9 is at the relapse
cut-off. A course that was worse again before it stopped, or a later course tried since, is left
to the other cards: "restart what worked" would then claim more than the record shows.

The card names the drug and dose that brought remission, asks for the same review, and proposes
restarting what worked; text only. It steps aside as the relapse card does (relapse_steps.py
`steps_aside`). Never a drug stopped for harm it did (recheck 2 finding 3, chart M5: escitalopram
stopped with a documented "Hyponatremia" and a sodium of 121, while the optimise card said "never
proposed again"): a documented intolerance (Trial.intolerance), or a safety lab beyond its
data/lab_safety.csv line (a low sodium on an SSRI or SNRI, a QTc above the stop line) taken on the
drug or in the days after its last supply (`stopped_for`), is named in the summary ("stopped
2024-02-05 for Hyponatremia, sodium 121 mmol/L: not restarted") and the step is another agent.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from fhir_mapping.episode import in_current_episode, remission_on
from fhir_mapping.record import DoseSegment, Role, Score, Trial, Verdict
from services import age_limits, cards, lab_safety
from services.card_format import plural
from services.order_doses import segment_dose
from services.recommendation import Recommendation
from services.rules import populations
from services.rules.context import RuleContext
from services.rules.relapse_steps import (
    history_lines,
    scores_text,
    sentence,
    step_cite,
    step_text,
    steps_aside,
    valued_phq9,
)
from services.trial_table import dose_unknown_text

TOPIC = "recurrence-off-treatment"
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL


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
    phq9 = valued_phq9(ctx.record)
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
    cards write it; an unknown dose as every card says it (trial_table.dose_unknown_text: "dose
    to confirm (up to N mg/day)" when the course's latest dosage lines are unclear, review 14
    recheck k01/k02)."""
    begun = [s for s in trial.segments if s.start <= day]
    segment = begun[-1] if begun else (trial.segments[0] if trial.segments else None)
    if segment is None or segment.mg_per_day is None:
        # The to-confirm reading is of the course's latest dose: an earlier segment with no
        # dose says only that it is not recorded.
        latest = segment is None or segment is trial.segments[-1]
        return segment, dose_unknown_text(
            trial if latest else replace(trial, dose_to_confirm_mg=None)
        )
    return segment, segment_dose(trial, segment)


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
            when = (
                " while on it"
                if days <= 0
                else f", {plural(days, 'day')} after its last day on record"
            )
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
            f"{sentence(step_text('not-restarted'))} {step_cite('not-restarted', 'CANMAT 2023 para 190')}."
        )
    text = f"{trial.ingredient} {dose}: {step_text('restart')} {step_cite('restart', 'APA 2010')}"
    mg = segment.mg_per_day_upper if segment is not None else None
    limit = age_limits.exceeded(trial.ingredient, ctx.record.patient.age, mg, trial.formulation)
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
    return f"{text}. {sentence(step_text('maintain'))} {step_cite('maintain', 'CANMAT 2023')}."


def rule(ctx: RuleContext) -> Recommendation | None:
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
        f"PHQ-9 {scores_text(since)} (>= {ctx.policy.mapping.relapse_phq9_at_least} is moderate "
        "or worse, Kroenke 2001).",
        f"**Review first:** {step_text('review')}"
        + ("" if why is not None else f", and why {trial.ingredient} was stopped")
        + f" {step_cite('review', 'CANMAT 2023 para 184')}.",
        *history_lines(ctx),
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
    return cards.make(TOPIC, summary=summary, detail=detail, evidence=evidence)
