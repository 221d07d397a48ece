"""patient-view: a tricyclic running with its last serum level above the optimal range, at any age
(review s26 RQ finding 1).

Before, a nortriptyline level of 400 ng/mL at 45 gave no card: the only level reading was the
older-adult one (older_adult_level_reading.py, from 65), and only as a line of the optimise card,
so even at 70 a patient in remission with that level got nothing. A tricyclic level far above its
range is a toxicity signal at any age. Here, on chart open:

- a running course of a drug with a `level-above` row in data/lab_safety.csv (nortriptyline,
  LOINC 3872-9; since session 27 item 3 the combined totals of amitriptyline + nortriptyline,
  3335-7, and imipramine + desipramine, 9627-1, on an amitriptyline or imipramine course, with
  their laboratory lines), and its latest comparable level taken on this course (on or after its
  start: an earlier course's level says nothing of this one);
- the level above that row's range (the label's 50-150 ng/mL: the one range, which the
  older-adult reading reads too, older_adult_levels.level_range): a warning; above the
  `level-toxic` row (500 ng/mL, where major cardiac toxicity is reported): critical;
- no card when the dose was lowered after the level: the prescriber already acted on it (a raise
  since, or the same dose, keeps the card: nothing says the level came down);
- however old the level, as the lithium level card (rules/lithium_level.py): it is the last one on
  this course and the drug still runs (the safer reading; its date is said);
- a level drawn fewer than the row's `steady_days` (7, UNVERIFIED) after the current dose
  started is not at steady state: the card says so, as the lithium cards do: after a raise it
  may still rise; after a decrease it is still falling, so the card asks for a repeat, not a
  second decrease (`if_lowered`; a toxic level keeps its assess-now advice: review s26 RK3
  findings 2 and 4);
- a recent level above the range drawn after the drug's latest course ended (review s26 RK3
  finding 1: 600 ng/mL two months after a stop gave no card): still taken, or an overdose
  (`if_stopped`): critical above the toxic line, else a warning "still taking it?" (the safer
  reading: with a half-life of about 30 hours little is left a week after a stop). Recent is
  policy.lab_recent_days; a level drawn on or before the end is the one the stop acted on;
- a running course's last level in a unit no table converts is named, never silent (review s26
  RK3 finding 3; nmol/L and ug/L convert: services/data/lab_unit_factors.csv);
- a recent level above the range drawn after the order's recorded stop but on or before the end
  of the supply dispensed (session 27 item 1: quiet before, read as the one the stop acted on):
  the tablets may still have been at hand, so it is read as after the end, and the card says
  the stop and the supply's end (Trial.supply_after_stop; a stop the record does not date is
  none);
- a recent level above the toxic line on a course on hold (session 27 item 2: not read before): a
  hold is not a stop. Only the toxic line: a level just above the range may be why it was held.

The card's words are tca_level_text.py's.

At 65 and over the optimise card's dose line also reads the level (lower the dose, no raise);
this card is the one that speaks whatever the pathway stage. While it is shown, the optimise
card's medication proposals are text (`hold_one_click`): a higher dose or an added drug on top of
a toxic level is the wrong next step. Warning (critical above the toxic line), snoozable; its
fingerprint is the level and the dose, so a new level ends a snooze.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date

from fhir_mapping.record import LabResult
from fhir_mapping.trial import Trial
from fhir_mapping.trial_parts import DoseSegment
from services import cards, lab_safety, screen
from services.lab_safety import LabRule
from services.recommendation import Indicator, Recommendation
from services.rules import one_click_hold, tca_level_text
from services.rules.context import RuleContext

TOPIC = "running-drug-level"
OPTIMISE_TOPIC = "optimize-switch-augment"


@dataclass(frozen=True, slots=True)
class HighLevel:
    trial: Trial
    lab: LabResult
    line: LabRule  # the level-above row: the range
    toxic: LabRule | None  # the level-toxic row, when the level is above it
    dose_since: date | None  # the current dose's first day (None for an ended course)
    unread: LabResult | None  # a later level that could not be compared
    # The course's recorded end, when the level was drawn after it (review s26 RK3 finding 1).
    ended: date | None = None
    # The higher daily dose before the current one, when the level was drawn under steady_days
    # after the decrease: the level is still falling (review s26 RK3 finding 2).
    lowered_from: float | None = None
    # The level itself could not be compared (a unit neither table converts): named, never
    # silent (review s26 RK3 finding 3); `toxic` is None and `lab` is the unread result.
    not_read: bool = False
    # The day the course's order was stopped, when the level was drawn after it but on or
    # before `ended`, the end of the supply dispensed (session 27 item 1): the tablets may still
    # have been at hand, so the stop did not act on this level.
    stopped: date | None = None
    # The course is on hold (Trial.on_hold, the last day the record shows it taken) and the
    # level is above the toxic line (session 27 item 2): a hold is not a stop.
    held: date | None = None
    # The lab called the level critical (AA or HH) though its value is within the range
    # (lab_safety.called_critical; labs38 item 1): `toxic` is the level-toxic row, whose advice
    # (assess now, hold or lower, repeat) the card gives; its words say the lab's call.
    called: bool = False

    @property
    def days_on_dose(self) -> int | None:
        """Days from the current dose's start to the level; None when drawn before it."""
        if self.dose_since is None or self.lab.date < self.dose_since:
            return None
        return (self.lab.date - self.dose_since).days

    @property
    def unsteady(self) -> bool:
        """Drawn before the current dose reached steady state (the row's steady_days)."""
        days, steady = self.days_on_dose, self.line.steady_days
        return days is not None and steady is not None and days < steady

    @property
    def advice(self) -> str:
        """What the card asks: the toxic row's when above it, else the range row's; after the
        course's end or its order's stop, or on hold, the row's `if_stopped`, just after a decrease (below the toxic line) the
        range row's `if_lowered`: a falling level is repeated, not acted on again."""
        row = self.toxic or self.line
        if self.ended is not None or self.held is not None:
            return row.if_stopped or row.if_running
        if self.lowered_from is not None and self.toxic is None:
            return self.line.if_lowered or self.line.if_running
        return row.if_running


def _dose_run(trial: Trial) -> tuple[date | None, DoseSegment | None]:
    """The first day of the current daily dose (a renewal at the same dose is no change), and
    the segment before that run (another dose), when there is one."""
    segments = trial.segments
    if not segments:
        return None, None
    dose, start = segments[-1].mg_per_day, segments[-1].start
    for index in range(len(segments) - 2, -1, -1):
        if segments[index].mg_per_day != dose:
            return start, segments[index]
        start = segments[index].start
    return start, None


def _dose_on(trial: Trial, day: date) -> float | None:
    return next(
        (s.mg_per_day for s in trial.segments if s.start <= day <= s.end),
        None,
    )


def _lowered_since(trial: Trial, lab: LabResult) -> bool:
    """The dose was lowered after the level was taken: the prescriber acted on it."""
    then, now = _dose_on(trial, lab.date), trial.segments[-1].mg_per_day if trial.segments else None
    return then is not None and now is not None and now < then


def _still_falling(trial: Trial, line: LabRule, lab: LabResult) -> float | None:
    """The higher dose before the current one, when the level was drawn after the decrease and
    fewer than the row's steady_days after the higher dose's last day: the level still carries
    it and is falling, not the new dose's steady state (review s26 RK3 finding 2)."""
    since, before = _dose_run(trial)
    now = trial.segments[-1].mg_per_day if trial.segments else None
    steady = line.steady_days
    if since is None or before is None or now is None or before.mg_per_day is None:
        return None
    if steady is None or lab.date < since or before.mg_per_day <= now:
        return None
    return before.mg_per_day if (lab.date - before.end).days < steady else None


def _latest_courses(ctx: RuleContext) -> list[Trial]:
    """Each drug's latest course, running or ended (a running one ends on the as-of day)."""
    latest: dict[str, Trial] = {}
    for trial in sorted(ctx.record.trials, key=lambda t: (t.end, t.start)):
        latest[trial.ingredient] = trial
    return list(latest.values())


def _toxic(trial: Trial, lab: LabResult) -> LabRule | None:
    toxic = lab_safety.rule_for("level-toxic", trial.ingredient, trial.drug_class)
    return toxic if toxic is not None and lab_safety.above(toxic, lab) else None


def _running(ctx: RuleContext, trial: Trial, line: LabRule) -> HighLevel | None:
    """The running course's last comparable level, above the range and not acted on since; else
    its last level when no check can read it (a unit neither table converts)."""
    lab = lab_safety.latest_readable(ctx.record, line.test)
    if lab is not None and lab.date >= trial.start and lab_safety.above(line, lab):
        if _lowered_since(trial, lab):
            return None
        unread = lab_safety.unread_after(ctx.record, lab)
        since, _ = _dose_run(trial)
        falling = _still_falling(trial, line, lab)
        toxic = _toxic(trial, lab)
        return HighLevel(trial, lab, line, toxic, since, unread, lowered_from=falling)
    if lab is not None and lab.date >= trial.start and lab_safety.called_critical(line, lab):
        # Within the range by its value, but the lab called it critical (labs38 item 1): the
        # lab's call is said, with the toxic row's advice, unless a lower dose acted on it.
        if _lowered_since(trial, lab):
            return None
        toxic = lab_safety.rule_for("level-toxic", trial.ingredient, trial.drug_class)
        unread = lab_safety.unread_after(ctx.record, lab)
        since, _ = _dose_run(trial)
        return HighLevel(trial, lab, line, toxic, since, unread, called=True)
    last = lab_safety.latest(ctx.record, line.test)
    if last is None or last.date < trial.start or last.value is None:
        return None
    if lab_safety.readable(last):
        return None
    return HighLevel(trial, last, line, None, None, None, not_read=True)


def _after_end(ctx: RuleContext, trial: Trial, line: LabRule) -> HighLevel | None:
    """A recent level above the range drawn after the course's recorded end: the drug is still
    being taken, or was taken in overdose (review s26 RK3 finding 1). A level drawn on or before
    the end is the one the stop acted on: nothing to say, unless the order was stopped before
    the end and the level drawn after the stop (session 27 item 1): the end is the supply's, as
    the mapping counts a course on by its fills after a stop (Trial.order_stopped), so the
    tablets may still have been at hand; the card says the stop and the supply's end."""
    lab = lab_safety.latest_readable(ctx.record, line.test)
    if lab is None or not lab_safety.above(line, lab):
        return None
    stop = trial.supply_after_stop
    stopped = stop if stop is not None and stop < lab.date <= trial.end else None
    if lab.date <= trial.end and stopped is None:
        return None
    if not lab_safety.is_recent(ctx.record, ctx.policy, lab):
        return None
    unread = lab_safety.unread_after(ctx.record, lab)
    toxic = _toxic(trial, lab)
    return HighLevel(trial, lab, line, toxic, None, unread, ended=trial.end, stopped=stopped)


def _on_hold(ctx: RuleContext, trial: Trial, line: LabRule) -> HighLevel | None:
    """A recent level above the toxic line on a course on hold (session 27 item 2): a hold is
    not a stop; the drug may still be taken (tablets at hand, a restart not on record) or be
    in the body. Drawn on this course (on or after its start). Only the toxic line: a level
    just above the range may be the very reason for the hold, which the record cannot date
    (FHIR R4 records no hold date), and is left to the prescriber who held it."""
    lab = lab_safety.latest_readable(ctx.record, line.test)
    if lab is None or lab.date < trial.start or trial.on_hold is None:
        return None
    toxic = _toxic(trial, lab)
    if toxic is None or not lab_safety.is_recent(ctx.record, ctx.policy, lab):
        return None
    unread = lab_safety.unread_after(ctx.record, lab)
    return HighLevel(trial, lab, line, toxic, None, unread, held=trial.on_hold)


def high_levels(ctx: RuleContext) -> list[HighLevel]:
    """Each level-dosed drug whose last level is above its range: on its running course, or
    drawn after its latest course ended; and a running course's level no check can read."""
    found = []
    for trial in _latest_courses(ctx):
        line = lab_safety.rule_for("level-above", trial.ingredient, trial.drug_class)
        if line is None:
            continue
        if trial.ongoing and trial.on_hold is None:
            finding = _running(ctx, trial, line)
        elif trial.ongoing:
            # On hold: neither running nor ended; only a toxic level is said (session 27 item 2).
            finding = _on_hold(ctx, trial, line)
        else:
            finding = _after_end(ctx, trial, line) or _on_hold(ctx, trial, line)
        if finding is not None:
            found.append(finding)
    return found


@dataclass(frozen=True, slots=True)
class ActedOn:
    """A running course's latest level above the range that a lower dose since acted on."""

    trial: Trial
    lab: LabResult
    toxic: LabRule | None  # the level-toxic row, when the level is above it
    dose_then: float  # the daily dose the level was drawn on


def acted_on(ctx: RuleContext) -> list[ActedOn]:
    """Each running course whose latest comparable level is above its range and was acted on by
    a lower dose since, with no level after it: no chart-open card (_running drops it), but the
    order hooks read it (review s29 K19b finding 1: a draft back to the dose that produced a
    toxic level got no card)."""
    found = []
    for trial in _latest_courses(ctx):
        line = lab_safety.rule_for("level-above", trial.ingredient, trial.drug_class)
        if line is None or not trial.ongoing or trial.on_hold is not None:
            continue
        lab = lab_safety.latest_readable(ctx.record, line.test)
        if lab is None or lab.date < trial.start or not lab_safety.above(line, lab):
            continue
        then = _dose_on(trial, lab.date)
        if then is not None and _lowered_since(trial, lab):
            found.append(ActedOn(trial, lab, _toxic(trial, lab), then))
    return found


def fingerprint(found: HighLevel) -> str:
    lab = found.lab
    dose = found.trial.segments[-1].mg_per_day if found.trial.segments else None
    return screen.pairs_key(
        [f"level|{lab.test}|{lab.date.isoformat()}|{lab.value}|{lab.flag}", f"dose|{dose}"]
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    found = high_levels(ctx)
    if not found:
        return None
    # The highest risk first when more than one drug's level is high.
    first = sorted(found, key=lambda f: f.toxic is None)[0]
    card = cards.make(
        TOPIC,
        summary=tca_level_text.summary(first),
        detail=tca_level_text.detail(ctx, first),
        # Critical above the toxic line, or when the lab flagged the level critical high (HH)
        # whatever its value (session 29 RL: the lab's critical call keeps its weight).
        indicator=Indicator.CRITICAL
        if first.toxic is not None or (first.lab.critical and first.lab.flag == "high")
        else None,
    )
    return screen.with_fields(card, evidence_key=fingerprint(first))


def yield_to_optimise(
    ctx: RuleContext, shown: list[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`shown` without this card when the optimise card on the screen already says this level
    (at 65 and over its older-adult dose line reads it: "nortriptyline level 180 ng/mL, above
    50-150 ng/mL: lower the dose"): one card per finding (review s26 RQ finding 1: the new rule
    adds no second card there). A level above the toxic line keeps this card: it is critical
    and asks for a toxicity assessment now, which the optimise card does not."""
    topics = {rec.topic for rec in shown} - set(hidden)
    if TOPIC not in topics or OPTIMISE_TOPIC not in topics:
        return shown
    optimise = next(rec for rec in shown if rec.topic == OPTIMISE_TOPIC)
    found = high_levels(ctx)
    if not found or any(f.toxic is not None for f in found):
        return shown
    said = all(
        f"{f.trial.ingredient} level {lab_safety.text(f.lab)}" in optimise.detail for f in found
    )
    return [rec for rec in shown if rec.topic != TOPIC] if said else shown


def hold_one_click(
    recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's medication proposals as text while this card is shown."""
    return one_click_hold.hold_while_shown(
        recs,
        hidden,
        TOPIC,
        "the drug level is above its range",
        "A higher dose or an added drug on top of a high level risks toxicity: settle the level "
        "first.",
    )
