"""A failed or partial trial whose dose was just raised is reassessed before anything else is
proposed (review s20 RA finding 5).

Fluoxetine raised 20 -> 40 mg/day on 2025-07-14 read "1 adequate trial failed (fluoxetine):
switch ... or augment" the same day and five weeks later with no PHQ-9 since; sertraline raised
100 -> 150 on 2025-03-03 read "raise 150 -> 200" three weeks later. The raise is the dose
optimisation CANMAT 2023 puts first (Figure 7.1, para 187), already made: its effect is judged
after policy.mapping.on_treatment_from_week on it (services/dose_raises.py, the relapse card's
window too), so until then the card proposes no switch, adjunct or further raise and says when
to reassess. After that day, with no PHQ-9 since it, the card asks for one (the options stay
named in the trials table, nothing ready to accept: an unmeasured dose may be the one working).

Not this card: a PHQ-9 after the raise higher than the one at the raise (worse on the higher
dose): the optimise card speaks, led by the worsening and with its drug proposals held as text
(optimize/worse_after_raise.py, review s20 R3 finding 2), since a worsening is a reason to see
the patient, not to wait and not to raise again in one click. Not held at all: a PHQ-9 taken on
or after the reassessment day (it judges the raise), a course with no raise on record.

On the reassessment day itself the card is the info card, "reassess today" (review s20 R3
finding 8: "2025-06-23 has passed" was said on 2025-06-23); the warning comes the day after.

A raise to a dose the record shows once stopped for an adverse effect, in this course or an
earlier one of the drug (Trial.doses_not_tolerated; review s20 R3 finding 7, p2: sertraline back
to 150 mg/day, stopped for GI upset and insomnia in July), is named with its reason: the
reassessment asks about that reaction too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import DoseNotTolerated, PatientRecord, Score, Trial
from services import cards, trial_count
from services.card_format import plural
from services.dose_raises import DoseRaise, unjudged_raise
from services.order_doses import segment_dose
from services.recommendation import Indicator, Recommendation
from services.rules.context import RuleContext
from services.rules.optimize.card import TOPIC, basis, card_evidence, opening
from services.rules.relapse_steps import step_text


@dataclass(frozen=True, slots=True)
class Reassess:
    trial: Trial
    raised: DoseRaise
    judge: date  # the first day a PHQ-9 judges the raised dose
    baseline: Score | None  # the latest PHQ-9 on or before the raise
    since: tuple[Score, ...]  # the PHQ-9 totals after the raise (all before `judge`)
    worse: Score | None = None  # the highest of `since` above `baseline`, if one is

    def once_stopped(self) -> tuple[DoseNotTolerated, ...]:
        """The doses the course's drug was once stopped at for an adverse effect that the raise
        reaches (at or below the raised dose's upper end)."""
        top = self.raised.segment.mg_per_day_upper or self.raised.segment.mg_per_day
        if top is None:
            return ()
        return tuple([d for d in self.trial.doses_not_tolerated if d.mg_per_day <= top])


def reassessing(ctx: RuleContext, trial: Trial) -> Reassess | None:
    """The raise of a running course not yet judged (module docstring), else None."""
    return reassessment(ctx.record, ctx.policy.mapping, trial)


def reassessment(record: PatientRecord, mapping: MappingPolicy, trial: Trial) -> Reassess | None:
    """`reassessing` from the record and the mapping policy alone: the timeline's lane says the
    card's verdict from it (review s20 R4 item 9), and the raise not judged yet is
    dose_raises.unjudged_raise, the packet's rule too: one reading of the raise."""
    scores = [s for s in record.phq9() if s.value is not None]
    found = unjudged_raise(trial, scores, mapping)
    if found is None:
        return None
    judge = found.judged_from(mapping)
    start = found.segment.start
    before = [s for s in scores if s.date <= start]
    since = tuple([s for s in scores if s.date > start])
    baseline = before[-1] if before else None
    worse = None
    if baseline is not None and baseline.value is not None:
        higher = [s for s in since if s.value is not None and s.value > baseline.value]
        # The highest, the latest of equals: the worsening the card names.
        worse = max(higher, key=lambda s: (s.value or 0, s.date)) if higher else None
    return Reassess(trial, found, judge, baseline, since, worse)


def _raised(ctx: RuleContext, current: tuple[Trial, ...]) -> list[Reassess]:
    failed = set(ctx.facts.failed_trials)
    return [r for t in current if t in failed and (r := reassessing(ctx, t)) is not None]


def pending(ctx: RuleContext, current: tuple[Trial, ...]) -> tuple[Reassess, ...]:
    """The failed (or partially responding) running trials whose raise is not judged yet, with
    no PHQ-9 worse since it."""
    return tuple([r for r in _raised(ctx, current) if r.worse is None])


def worsened(ctx: RuleContext, current: tuple[Trial, ...]) -> tuple[Reassess, ...]:
    """The failed (or partially responding) running trials whose raise is not judged yet and a
    PHQ-9 since it is worse than the one at the raise (optimize/worse_after_raise.py)."""
    return tuple([r for r in _raised(ctx, current) if r.worse is not None])


def raised_text(found: Reassess) -> str:
    """ "sertraline raised from 100 mg/day to 150 mg/day on 2025-03-03"."""
    trial, step = found.trial, found.raised
    return (
        f"{trial.ingredient} raised from {segment_dose(trial, step.before)} to "
        f"{segment_dose(trial, step.segment)} on {step.segment.start.isoformat()}"
    )


def once_stopped_text(found: Reassess) -> str | None:
    """ "150 mg/day was stopped on 2025-07-14 for an adverse effect (Adverse effect: GI upset
    and insomnia): ask about it again", or None (nearly every raise)."""
    doses = found.once_stopped()
    if not doses:
        return None
    said = "; ".join(
        f"{cards.fmt_mg(d.mg_per_day)} mg/day was stopped"
        + (f" on {d.intolerance.date.isoformat()}" if d.intolerance.date is not None else "")
        + f" for an adverse effect ({d.intolerance.reason})"
        for d in doses
    )
    return f"{said}: ask about that reaction again, and lower the dose if it has come back"


def _scores_text(found: Reassess) -> str:
    base = found.baseline
    if base is None:
        return "no PHQ-9 at the raise"
    at = f"PHQ-9 {base.value} on {base.date.isoformat()}"
    if not found.since:
        return f"{at}, none since"
    last = found.since[-1]
    return f"{at} -> {last.value} on {last.date.isoformat()}"


def card(ctx: RuleContext, found: tuple[Reassess, ...]) -> Recommendation:
    """The card while the raise waits: before the reassessment day an info card saying when;
    from it, with no PHQ-9 since, a warning asking for one. No one-click: nothing is proposed."""
    first = found[0]
    as_of = ctx.record.as_of
    due = as_of > first.judge  # on the day itself: "reassess today" (module docstring)
    today = as_of == first.judge
    failed, failed_short = trial_count.failed_words(ctx.facts.failed_trials, ctx.record)
    weeks = cards.fmt_mg(ctx.policy.mapping.on_treatment_from_week)
    name = first.trial.ingredient.capitalize()
    dose = segment_dose(first.trial, first.raised.segment)
    day, judge = first.raised.segment.start.isoformat(), first.judge.isoformat()
    head = f"{name} raised to {dose} on {day}"
    if due:
        tail = f", no PHQ-9 since {judge}: repeat it before switching or augmenting"
        candidates = [f"{head}{tail} ({failed_short})", f"{head}{tail}"]
        then = (
            f"{judge} has passed and no PHQ-9 is on record since: repeat the PHQ-9 to judge the "
            "raise; then, without a response, switch or augment"
        )
    else:
        tail = ": " + (
            "reassess today with a PHQ-9 before switching or augmenting"
            if today
            else f"reassess from {judge}, no switch or adjunct before"
        )
        candidates = [f"{head} ({failed_short}){tail}", f"{head}{tail}"]
        then = (
            f"today ({judge}) is the reassessment day: repeat the PHQ-9 to judge the raise; "
            "then, without a response, switch or augment"
            if today
            else f"reassess from {judge} with a PHQ-9; no switch, adjunct or further raise "
            "before then unless the PHQ-9 worsens"
        )
    if first.once_stopped():
        # The reaction first: the reassessment asks about it (module docstring).
        candidates.insert(0, f"{head}, a dose once stopped for side effects{tail}")
    lines = [
        f"**Dose raised, not judged yet:** {raised_text(r)} ({_scores_text(r)}), after {failed}."
        + (f" {once}." if (once := once_stopped_text(r)) else "")
        for r in found
    ]
    lines.append(
        f"Response to a dose is judged after {plural(weeks, 'week')} on it (CANMAT 2023 para 191: "
        f"{step_text('raise-window')}; policy on_treatment_from_week): {then}."
    )
    evidence = card_evidence(ctx)
    return cards.make(
        TOPIC,
        summary=cards.fit_summary(*candidates),
        detail=cards.join_sections(*opening(ctx), *lines, *basis(ctx, evidence=evidence)),
        indicator=Indicator.WARNING if due else Indicator.INFO,
        evidence=evidence,
    )
