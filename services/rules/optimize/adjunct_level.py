"""Where a running adjunct dosed to a serum level (lithium: augmentation_agents.csv
dose_by_level) stands against its target: the one reading the optimise card's level section, its
summary and its dose-first rule share (review s21 RF finding 3).

Lithium 600 mg/day with a level of 0.3 mmol/L (target 0.5-0.8, CANMAT 2023 Table 7.2) read
"augment (aripiprazole or brexpiprazole)" with aripiprazole one click: a second adjunct before the
first had reached its level. Its mg/day was at the bottom of the Table 7.2 range, so the
below-range rule (courses.below_range_adjuncts) never saw it; the card already raised an
antidepressant below the top of its range first (dose_first.py, CANMAT 2023 Figure 7.1, para
187: optimise before adding). The same rule for a drug dosed by its level reads the level, not
the mg/day: below the target, it is raised toward it first, and no other adjunct is one click
until then (`below_target`).

The level judged is the latest on this course (on or after its start: a level of an earlier
course says nothing of this dose). It stands for today only while it is at most
policy.adjunct_level_current_days old and was taken at the dose running now; older, or taken
before the latest dose change, it is named with its date and a new level is asked for first,
never read as today's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from fhir_mapping import drug_table
from fhir_mapping.record import LabResult, Trial
from services import cards, drug_names, interaction_table, lab_safety, level_monitoring
from services.interaction_takings import Taking
from services.lab_safety import LabRule
from services.rules.context import RuleContext


class LevelState(Enum):
    IN = "in"  # within the target, current
    BELOW = "below"  # below the target, current
    ABOVE = "above"  # above the target, current
    OLD = "old"  # older than policy.adjunct_level_current_days: not today's
    BEFORE_DOSE = "before dose"  # taken before the dose running now started
    EARLY = "early"  # taken before steady state after the dose running now started
    HIGH_BEFORE = "high before"  # current, but an earlier current level on the course was above
    # Drawn before a drug that raises it started (or changed dose) and reached steady state with
    # it: lisinopril, a thiazide or an NSAID since (`raiser`).
    BEFORE_RAISER = "before raiser"
    UNKNOWN = "unknown"  # unit not compared
    NONE = "none"  # no level on this course


# The states whose level is not today's: a new level comes before any dose change.
NOT_TODAYS = frozenset(
    {
        LevelState.OLD,
        LevelState.BEFORE_DOSE,
        LevelState.EARLY,
        LevelState.HIGH_BEFORE,
        LevelState.BEFORE_RAISER,
        LevelState.UNKNOWN,
        LevelState.NONE,
    }
)


# The ingredients a row of the drug table marks dose_by_level, with the table they were read
# from: asked of each course by four parts of the optimise card on every evaluation, which walked
# the whole table each time (issue 14, perf15). A table substituted (tests: conftest's small one)
# is another object and is read afresh. Replaced whole (a tuple): threads only miss.
_level_dosed: tuple[object, frozenset[str]] = ((), frozenset())


def dosed_by_level(ingredient: str) -> bool:
    """Whether any row of the drug table marks the drug as dosed to a serum level (column
    dose_by_level: lithium), whichever role the course has."""
    global _level_dosed
    table = drug_table.all_drugs()
    kept = _level_dosed
    if kept[0] is not table:
        kept = (table, frozenset(d.ingredient for d in table if d.dose_by_level))
        _level_dosed = kept
    return ingredient in kept[1]


def target(ctx: RuleContext, ingredient: str) -> LabRule | None:
    """The serum-level target of a drug dosed by level for this patient (lab_safety.csv
    "lithium-target", or "lithium-target-older" at policy.older_adult_age and over)."""
    return lab_safety.level_target(ingredient, ctx.record.patient.age, ctx.policy)


@dataclass(frozen=True, slots=True)
class LevelReading:
    trial: Trial
    rule: LabRule | None  # the target (None: no target row)
    lab: LabResult | None  # the latest level on this course
    state: LevelState
    # The value below the target whatever the state (an old level below the target is still a
    # reason not to add a second adjunct on it); None: not compared.
    below: bool | None
    as_of: date
    # HIGH_BEFORE: the latest earlier level on the course within policy.adjunct_level_current_days
    # above the target, and the toxicity row when it is at or above that line.
    high: LabResult | None = None
    toxic: LabRule | None = None
    # BELOW as an undetectable bound ("< 0.2") after a level not below the target on the same
    # dose (`_fell_from`): that earlier level (labs31 item 2).
    fell_from: LabResult | None = None
    # BEFORE_RAISER: the running drug that raises the level, started or changed after it.
    raiser: Taking | None = None

    @property
    def todays(self) -> bool:
        return self.state not in NOT_TODAYS

    def bounds(self) -> str:
        """ "0.5-0.8 mmol/L", or "its target" without a target row."""
        return self.rule.bounds() if self.rule is not None else "its target"

    def words(self) -> str:
        """The level in a few words: "level 0.7 mmol/L in the 0.5-0.8 target"; "level 0.3
        mmol/L on 2026-01-20 (old)"; "level 0.3 mmol/L on 2026-10-01 (before the dose running
        since 2026-11-01)"; "no level on record"."""
        lab, rule = self.lab, self.rule
        if lab is None or rule is None:
            return "no level on record"
        if self.state is LevelState.UNKNOWN:
            return f"level on {lab.date.isoformat()} (unit not compared)"
        number = lab_safety.value(lab)
        sign = f"{lab.comparator} " if lab.comparator else ""  # "< 0.2 mmol/L": a bound
        shown = f"{sign}{cards.fmt_mg(number)} {rule.unit}" if number is not None else "level"
        shown += lab_safety.inferred_note(lab)  # a unit not sent, said so (K28c s31 finding 2)
        if self.state is LevelState.OLD:
            return f"level {shown} on {lab.date.isoformat()} (old)"
        if self.state is LevelState.BEFORE_DOSE:
            since = _dose_start(self.trial).isoformat()
            return f"level {shown} on {lab.date.isoformat()} (before the dose since {since})"
        if self.state is LevelState.EARLY:
            return (
                f"level {shown} on {lab.date.isoformat()} (too early after the "
                f"{self.change_words()}: not yet the level of this dose)"
            )
        if self.state is LevelState.HIGH_BEFORE:
            return f"{self.high_words()}, then level {shown} on {lab.date.isoformat()}"
        if self.state is LevelState.BEFORE_RAISER and self.raiser is not None:
            return (
                f"level {shown} on {lab.date.isoformat()} (before {self.raiser_words()}, which "
                "raises the level)"
            )
        bounds = f"{cards.fmt_mg(rule.low)}-{cards.fmt_mg(rule.high)}"
        place = {LevelState.IN: "in", LevelState.BELOW: "below", LevelState.ABOVE: "above"}
        return f"level {shown} {place[self.state]} the {bounds} target"

    def raiser_words(self) -> str:
        """ "lisinopril started on 2026-11-15", "lisinopril's dose changed on 2026-11-20"."""
        taking = self.raiser
        if taking is None:
            return ""
        day = _raiser_began(taking)
        what = "started" if day == taking.start else "dose changed"
        name = drug_names.shown(taking.ingredient)
        return f"{name} {what} on {day.isoformat() if day is not None else 'an unknown date'}"

    def change_words(self) -> str:
        """ "change on 2026-11-17" (a dose change), "start on 2026-09-10" (the first dose)."""
        since = _dose_start(self.trial)
        what = "start" if since <= self.trial.start else "change"
        return f"{what} on {since.isoformat()}"

    def repeat_text(self) -> str:
        """ "repeat the level 5-7 days after it" (data/level_monitoring.csv steady days)."""
        interval = level_monitoring.interval_for(self.trial.ingredient)
        if interval is None or not interval.steady_to_days:
            return "repeat the level at steady state"
        return f"repeat the level {interval.steady_days()} after it"

    def high_words(self) -> str:
        """ "level 1.6 mmol/L on 2026-11-18, above the 0.5-0.8 mmol/L target and at or above
        1.5 mmol/L, where the lithium label puts a greater risk of toxicity"."""
        lab, rule = self.high, self.rule
        if lab is None or rule is None:
            return ""
        number = lab_safety.value(lab)
        shown = f"{cards.fmt_mg(number)} {rule.unit}" if number is not None else "a level"
        shown += lab_safety.inferred_note(lab)
        text = f"level {shown} on {lab.date.isoformat()}, above the {rule.bounds()} target"
        if self.toxic is not None:
            text += f" (at or above {self.toxic.bounds()}, {self.toxic.says})"
        return text

    def short(self) -> str:
        """ "level 0.3 on 2026-11-20" (the summary's parenthesis), "no level since 2026-09-10"."""
        lab = self.lab
        if lab is None:
            return f"no level since {self.trial.start.isoformat()}"
        number = lab_safety.value(lab)
        # A bound keeps its sign (labs31 item 2: "<0.2" read "level 0.2").
        sign = f"{lab.comparator} " if lab.comparator and number is not None else ""
        if number is None and lab.value is not None and lab.unit is None:
            # A value with no unit not read (0.03: under the bare reading's range): the value
            # and that its unit is not stated (recheck K28c s31 finding 3: "level a level").
            return f"level {cards.fmt_mg(lab.value)}, unit not stated, on {lab.date.isoformat()}"
        if number is None and lab.value is not None:  # a unit not read: as sent, with it
            return f"level {lab_safety.text(lab)}"
        shown = f"{sign}{cards.fmt_mg(number)}" if number is not None else "a level"
        return f"level {shown} on {lab.date.isoformat()}"


class LevelStep(Enum):
    """What the optimise card does first with a course dosed by its level: the one decision its
    summary (below_range.level_guided_summary) and every other card that waits on it (the TMS
    card's "X first": tms_referral_held) read, so no card says "raise lithium" beside an optimise
    card that asks for the level again (review s26 RN finding 1: a level drawn 3 days after a
    dose change, read by the TMS card as below target)."""

    RAISE = "raise"  # BELOW: a current level below the target, raised toward it
    # BELOW, undetectable after a level in range on the same dose: adherence and timing first.
    ADHERENCE = "adherence"
    REPEAT = "repeat"  # EARLY: drawn before steady state after the change, repeated
    CHECK_HIGH = "check high"  # HIGH_BEFORE: a high level before the low one, checked first
    CHECK = "check"  # a level not today's (old, before the dose), a new one first
    ADJUST = "adjust"  # any other: adjust by level (or check level and eGFR)


def level_step(found: LevelReading) -> LevelStep:
    """The step `found` leads with (LevelStep)."""
    if found.state is LevelState.BELOW:
        return LevelStep.RAISE if found.fell_from is None else LevelStep.ADHERENCE
    if found.state is LevelState.EARLY:
        return LevelStep.REPEAT
    if found.state is LevelState.HIGH_BEFORE and found.high is not None:
        return LevelStep.CHECK_HIGH
    if not found.todays and found.lab is not None:
        return LevelStep.CHECK
    return LevelStep.ADJUST


def settled(found: LevelReading) -> bool:
    """Whether `found` leaves nothing to do before the next step: a current level in its
    target, on the dose running now (LevelState.IN). The optimise card then reads "adjust by
    level or change strategy": the adjunct has had a fair dose, and no other card waits on a
    level check (review K30c finding 1)."""
    return found.state is LevelState.IN


def first_words(found: LevelReading) -> str:
    """The step of `found` (level_step) as another card says it, naming the drug, before its
    own "first, then ...": "raise lithium to its target level", "repeat the lithium level",
    "check the lithium level and eGFR" (a high level before the low one), "check a lithium
    level" (not today's)."""
    name = found.trial.ingredient
    return {
        LevelStep.RAISE: f"raise {name} to its target level",
        LevelStep.ADHERENCE: f"check {name} adherence and level timing",
        LevelStep.REPEAT: f"repeat the {name} level",
        LevelStep.CHECK_HIGH: f"check the {name} level and eGFR",
        LevelStep.CHECK: f"check a {name} level",
        LevelStep.ADJUST: f"check the {name} level and eGFR",
    }[level_step(found)]


def reading(ctx: RuleContext, trial: Trial) -> LevelReading | None:
    """The level of a running course dosed by its level; None for any other drug."""
    if not dosed_by_level(trial.ingredient):
        return None
    rule = target(ctx, trial.ingredient)
    test = rule.test if rule is not None else trial.ingredient
    lab = lab_safety.latest(ctx.record, test, since=trial.start)
    as_of = ctx.record.as_of
    if lab is None or rule is None:
        return LevelReading(trial, rule, lab, LevelState.NONE, None, as_of)
    low = lab_safety.below(rule, lab)
    high = lab_safety.above(rule, lab)
    dose_start = _dose_start(trial)
    earlier_high = _earlier_high(ctx, trial, rule, lab)
    raiser = _raiser_since(ctx, trial, lab)
    if low is None and high is None:
        state = LevelState.UNKNOWN
    elif (as_of - lab.date).days > ctx.policy.adjunct_level_current_days:
        state = LevelState.OLD
    elif lab.date < dose_start:
        # A level of an earlier dose on the same course: the dose running now has none yet.
        state = LevelState.BEFORE_DOSE
    elif high:
        state = LevelState.ABOVE
    elif earlier_high is not None:
        # 1.6 then 0.3 two days later (review s21 RR2 finding 2): the low level follows a high
        # one (held? toxicity?), never a reason to raise the dose.
        state = LevelState.HIGH_BEFORE
    elif raiser is not None:
        # Lisinopril started two weeks after a level of 0.6 (recheck K31b finding 1): the level
        # now is likely higher; the interaction card asks for a new one, and so does this.
        state = LevelState.BEFORE_RAISER
    elif (lab.date - dose_start).days < _steady_from(trial.ingredient):
        # Drawn before steady state after the start or change (review s21 RR2 finding 1).
        state = LevelState.EARLY
    elif low:
        state = LevelState.BELOW
    else:
        state = LevelState.IN
    toxic = None
    if earlier_high is not None:
        line = lab_safety.rule_for(f"{trial.ingredient}-toxic", trial.ingredient, "")
        if line is not None and line.high is not None:
            number = lab_safety.value(earlier_high)
            toxic = line if number is not None and number >= line.high else None
    fell = _fell_from(ctx, trial, rule, lab) if state is LevelState.BELOW else None
    return LevelReading(
        trial, rule, lab, state, low, as_of, earlier_high, toxic, fell, raiser=raiser
    )


def _raiser_began(taking: Taking) -> date | None:
    """The day a raising drug's present dose began: its start, or a later dose change."""
    days = [d for d in (taking.start, taking.dose_began) if d is not None]
    return max(days, default=None)


def _raiser_since(ctx: RuleContext, trial: Trial, lab: LabResult) -> Taking | None:
    """The running drug that raises the level (a row of the interaction table about the drug:
    lithium_level_reading.raisers, the interaction card's reading) whose start or dose change
    came after `lab` or less than the steady-state days (level_monitoring.csv) before it: the
    level is not that of the two together (the interaction card's `lithium_pair_timing`
    "no lithium level since"); the latest such drug, or None. The rows are read here as
    lithium_level_reading.raisers reads them (not imported: optimize must not import rules). A raiser with no readable start
    is left to the interaction card, which already asks for a level for it."""
    steady = _steady_from(trial.ingredient)
    rows = interaction_table.rows_about(trial.ingredient)
    found = [
        (began, taking)
        for taking in interaction_table.running(ctx.record)
        if taking.ingredient != trial.ingredient
        and any(row.names(taking.ingredient) for row in rows)
        and (began := _raiser_began(taking)) is not None
        and lab.date < began + timedelta(days=steady)
    ]
    return max(found, key=lambda f: f[0])[1] if found else None


def _fell_from(
    ctx: RuleContext, trial: Trial, rule: LabRule, latest: LabResult
) -> LabResult | None:
    """The readable level before `latest` on the running dose, not below the target, when
    `latest` is an undetectable bound ("< 0.2"): a level gone on an unchanged dose points to
    missed doses or a sample not drawn at trough before a raise (labs31 item 2); else None."""
    if latest.comparator not in ("<", "<="):
        return None
    before = lab_safety.readable_before(ctx.record, rule.test, latest.date)
    if before is None or before.date < max(trial.start, _dose_start(trial)):
        return None
    return before if lab_safety.below(rule, before) is False else None


def _steady_from(ingredient: str) -> int:
    """Days after a start or dose change before a level is that dose's (level_monitoring.csv)."""
    interval = level_monitoring.interval_for(ingredient)
    return interval.steady_from_days if interval is not None else 0


def _earlier_high(
    ctx: RuleContext, trial: Trial, rule: LabRule, latest: LabResult
) -> LabResult | None:
    """The latest level on this course before `latest`, within
    policy.adjunct_level_current_days, above the target; None without one."""
    window = ctx.policy.adjunct_level_current_days
    found = [
        lab
        for lab in ctx.record.context.labs
        if lab.test == rule.test
        and lab is not latest
        and trial.start <= lab.date <= latest.date
        and (ctx.record.as_of - lab.date).days <= window
        and lab_safety.above(rule, lab)
    ]
    return max(found, key=lambda lab: lab.date, default=None)


def below_target(ctx: RuleContext, trial: Trial) -> LevelReading | None:
    """The reading of a course dosed by its level whose latest level on the course is below its
    target, today's or not (an old low level or one before the latest dose change asks for a new
    level first: `LevelReading.todays`); None otherwise. Such an adjunct has not had a fair
    dose: it is raised toward the target first (CANMAT 2023 Figure 7.1, para 187), and another
    adjunct is named, not one click, until then."""
    found = reading(ctx, trial)
    if found is None or found.below is not True:
        return None
    return found


def _dose_start(trial: Trial) -> date:
    """The day the dose running now started: the first of the last run of segments at the
    running mg/day (a refill or a gap in the record splits a segment without changing the dose)."""
    if not trial.segments:
        return trial.start
    mg = trial.segments[-1].mg_per_day
    since = trial.segments[-1].start
    for segment in reversed(trial.segments):
        if segment.mg_per_day != mg:
            break
        since = segment.start
    return since
