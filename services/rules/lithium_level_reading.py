"""Which lithium level is judged and where it stands (the running-lithium-level card,
lithium_level.py, and the lithium order check, order_checks/lithium.py, read it one way: review
14): the level judged (`judged_level`: the latest comparable level of the running course, or of
the last policy.lab_recent_days with no lithium running), the lines it crosses in
data/lab_safety.csv (`level_lines`: the augmentation target, the patient's upper line, 0.8 from
policy.older_adult_age, and the toxicity line), the running drugs that raise it (`raisers`, `started_since`), a
toxic level of an earlier course (`toxic_history`), and the finding the card states
(`high_level`).

Apart from the card because it reads only the record and the tables, never the card's wording,
and the order check needs it without the card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fhir_mapping.record import LabResult, PatientRecord, Trial
from services import interaction_table, lab_safety
from services.interaction_table import Taking
from services.lab_rules import upper_line
from services.lab_safety import LabRule
from services.rules import running_cautions
from services.rules.context import RuleContext
from services.taken_to_confirm import fills_to_confirm
from services.trial_adherence_text import unread_since

_DRUG = "lithium"
_TARGET = "lithium-target"
_TOXIC = "lithium-toxic"
_TOXIC_HISTORY = "lithium-toxic-history"


@dataclass(frozen=True, slots=True)
class HighLevel:
    target: LabRule  # the augmentation target (lab_safety.csv lithium-target)
    toxic: LabRule | None  # the toxicity line, when the level is at or above it
    lab: LabResult  # the latest comparable level: above the target
    lithium: Taking
    raisers: tuple[Taking, ...]  # running drugs the interaction table says raise the level
    unread: LabResult | None  # a later level that could not be compared
    # The usual upper limit (lab_safety.csv lithium-high, 1.0 mmol/L) when the level is above it;
    # None: between the target and that limit, shown only for a raising drug started since.
    high: LabRule | None = None
    # lithium-toxic when the lab called the level critical though its value is under that line
    # (LevelLines.called; recheck K27b s31 finding 5).
    called: LabRule | None = None
    # The clinic's policy.older_adult_age when `high` is the older-adult line (lithium-high-
    # older), for the card's "above the 0.8 limit at 70 and over" (lab63 item 1); else None.
    older_from: int | None = None

    @property
    def started_since(self) -> tuple[Taking, ...]:
        """The raising drugs started after the level was taken: the level now is likely higher."""
        return tuple([t for t in self.raisers if t.start is not None and t.start > self.lab.date])

    @property
    def critical(self) -> bool:
        """At or above the toxic line, or flagged critical high by the lab (HH) whatever its
        value: the lab's own critical call keeps its weight (session 29 RL: a 1.3 HH)."""
        if self.toxic is not None or self.called is not None:
            return True
        return self.lab.critical and self.lab.flag in ("high", None)


def _rule(check: str) -> LabRule | None:
    return lab_safety.rule_for(check, _DRUG, "")


def target_for(ctx: RuleContext) -> LabRule | None:
    """The augmentation target for this patient's age (lab_safety.level_target: lithium-target,
    or lithium-target-older at policy.older_adult_age and over), the one row every card states
    (session 22)."""
    return lab_safety.level_target(_DRUG, ctx.record.patient.age, ctx.policy)


def at_or_above(rule: LabRule, lab: LabResult) -> bool:
    """Whether the level is at or above the rule's line (the label's greater risk starts at
    1.5): by its value in a known unit, a bound ("> 2.0") read as what it says."""
    number = lab_safety.value(lab)
    if rule.high is None:
        return False
    if number is None:  # judged by the lab's flag: only a critical high one reaches this line
        return lab_safety.above(rule, lab) is True
    if lab.comparator in ("<", "<="):
        return False  # "< 1.6" may be anything below it
    return number >= rule.high


@dataclass(frozen=True, slots=True)
class LevelLines:
    """Where a lithium level stands against the lab_safety.csv rows, read one way by this card
    and by the lithium order check (services/order_checks/labs.py: the order once warned at
    any level above 0.8 while this card waited for 1.0 under 65, so the two disagreed)."""

    target: LabRule  # lithium-target: the level is above it
    high: LabRule | None  # the patient's upper line (`_high_line`) when the level is above it
    toxic: LabRule | None  # lithium-toxic when the level is at or above it
    line: LabRule | None = None  # the patient's upper line, above or not (None: no row)
    # lithium-toxic when the lab called the level critical (AA, or HH) though its value, read, is
    # under that line (lab_safety.called_critical): acted on as a toxic level is, at chart open
    # and order-sign alike, as labs38 made the call act on a tricyclic level or a QTc (recheck
    # K27b s31 finding 5: a 0.9 mmol/L flagged AA got no lithium card).
    called: LabRule | None = None

    @property
    def beyond_usual(self) -> bool:
        """Above the patient's upper line (1.0 mmol/L, 0.8 from policy.older_adult_age), or
        called critical by the lab: a card on its own. Without the upper-line rows the target decides (the old,
        stricter reading)."""
        return self.line is None or self.high is not None or self.called is not None


def level_lines(ctx: RuleContext, lab: LabResult) -> LevelLines | None:
    """The lines a level above the augmentation target (or called critical by the lab) crosses,
    or None (no target row, or the level is not above the target nor called critical)."""
    target = target_for(ctx)
    if target is None:
        return None
    toxic = _rule(_TOXIC)
    called = toxic if toxic is not None and lab_safety.called_critical(toxic, lab) else None
    if not lab_safety.above(target, lab) and called is None:
        return None
    line = _high_line(ctx)
    return LevelLines(
        target=target,
        high=line if line is not None and lab_safety.above(line, lab) else None,
        toxic=toxic if toxic is not None and at_or_above(toxic, lab) else None,
        line=line,
        called=called,
    )


def started_since(ctx: RuleContext, lab: LabResult) -> tuple[Taking, ...]:
    """The running drugs that raise the level, started after it was taken: the level now is
    likely higher than the one on record."""
    return tuple([t for t in raisers(ctx) if t.start is not None and t.start > lab.date])


def running_lithium(ctx: RuleContext) -> Taking | None:
    return next((t for t, _ in running_cautions.running(ctx) if t.ingredient == _DRUG), None)


def _latest_course(ctx: RuleContext, ingredient: str) -> Trial | None:
    """The latest running course of `ingredient`, not on hold: the one running_cautions.running
    names."""
    return max(
        (
            t
            for t in ctx.record.trials
            if t.ongoing and t.on_hold is None and t.ingredient == ingredient
        ),
        key=lambda t: (t.end, t.start),
        default=None,
    )


def supply_ended(ctx: RuleContext, ingredient: str = _DRUG) -> date | None:
    """The day the last supply of the running course of `ingredient` ended, when no fill came
    for policy mapping supply_gap_days since, its order still open (Trial.supply_ran_out); None
    while supplied or within that grace. The course is the one running_cautions.running names
    (the latest running course, not on hold). The lithium cards say "last supply ended DATE",
    never "running", of such a course (lith51 the due card; session 35 lith52 the renal and
    above-target cards): the record shows an open order, not that the drug is taken."""
    latest = _latest_course(ctx, ingredient)
    return latest.supply_ran_out if latest is not None else None


def since_supply(ctx: RuleContext, ingredient: str = _DRUG) -> str:
    """What the record shows after the supply ended (`supply_ended`), in the lithium cards'
    words: "no fill since"; "a fill of 2026-11-02, status unknown" when a fill of a status to
    confirm follows (Trial.fills_to_confirm, session 35 lith53: "no fill since" beside it was
    wrong); "1 fill since could not be read (2026-11-02)" when fills were left out (Trial.
    unread_fills). "" when the supply did not end."""
    latest = _latest_course(ctx, ingredient)
    if latest is None or latest.supply_ran_out is None:
        return ""
    # A fill also left out (its status missing: a gap) is named once, as not read (lab57 item 3).
    confirm = fills_to_confirm(latest)
    said = [confirm] if confirm else []
    if latest.unread_fills:
        days = ", ".join(d.isoformat() for d in latest.unread_fills)
        said.append(f"{unread_since(latest)} ({days})")
    return "; ".join(said) if said else "no fill since"


def supply_confirm(ended: date, since: str) -> str:
    """The lithium cards' line opening on a supply that ended (`supply_ended`, `since_supply`):
    "Last supply ended 2026-10-27, no fill since: confirm lithium is still taken", or, a fill
    since not counted, "Last supply ended 2026-10-27, then a fill of 2026-11-02, status unknown:
    confirm that fill (the pharmacy record) and that lithium is still taken" (lith53)."""
    if since in ("", "no fill since"):
        return (
            f"Last supply ended {ended.isoformat()}, no fill since: confirm lithium is still taken"
        )
    return (
        f"Last supply ended {ended.isoformat()}, then {since}: confirm that fill (the pharmacy "
        "record) and that lithium is still taken"
    )


def judged_level(ctx: RuleContext) -> LabResult | None:
    """The one lithium level this card and the lithium order check (order_checks/labs.py) judge,
    so the two never judge different results (review 14: the order check read the latest level
    of the last lab_recent_days, this card the latest comparable level of the running course).

    With lithium running: its latest comparable level (lab_safety.latest_readable) taken on this
    course (on or after its start: a level of an earlier course says nothing of this dose),
    however old (nothing on the chart says it came down; the cards say its date); None when this
    course has none. With no lithium running (an order that starts it): the latest comparable
    level of the last policy.lab_recent_days, so a restart soon after a high level is warned."""
    lithium = running_lithium(ctx)
    lab = latest_judged(ctx.record)
    if lab is None:
        return None
    if lithium is not None:
        return None if lithium.start is not None and lab.date < lithium.start else lab
    return lab if lab_safety.is_recent(ctx.record, ctx.policy, lab) else None


def judged(lab: LabResult) -> bool:
    """A lithium level a check can compare (`lab_safety.readable`), or one the lab called
    critical with no side and no value ("Critical" alone, v3 AA): toxicity follows the level
    (FDA boxed warning), so the lab's call is judged as a critical high (HH) one is, by this
    card, the order check and the interaction card alike (labs37 item 2)."""
    return lab_safety.readable(lab) or lab_safety.sideless_critical(lab)


def latest_judged(record: PatientRecord) -> LabResult | None:
    """The latest lithium level `judged` reads."""
    return next((lab for lab in lab_safety.newest_first(record, _DRUG) if judged(lab)), None)


@dataclass(frozen=True, slots=True)
class ToxicHistory:
    """A lithium level at or above the lithium-toxic line taken before the running course (an
    earlier course, stopped and restarted since), with the words of the lithium-toxic-history
    row (data/lab_safety.csv)."""

    lab: LabResult
    words: LabRule  # lithium-toxic-history: says ("toxicity history") and if_running
    earlier_course: bool  # False: the running course's start is not known

    def line(self) -> str:
        """ "Lithium level 1.8 mmol/L on 2023-03-14 (earlier course): toxicity history; check a
        level 5-7 days after any change" (the summary of the order's card when it has no other)."""
        when = "earlier course" if self.earlier_course else "an earlier level"
        return (
            f"Lithium level {lab_safety.text(self.lab)} ({when}): {self.words.says}; "
            f"{self.words.if_running}"
        )


def toxic_history(ctx: RuleContext) -> ToxicHistory | None:
    """The highest lithium level at or above the lithium-toxic line (the latest of equal ones)
    taken before the running course started, or, with no lithium running (an order that starts
    it), any level but the one `judged_level` judges (the order's own card states that one).

    `judged_level` reads the running course only (a level of an earlier course says nothing of
    today's dose), so a restart after a toxicity admission (1.8 mmol/L in 2023, lithium stopped,
    restarted 2025) with no level yet on the new course got no lithium card at all on a raise.
    The level says nothing of the dose now, but it says this patient reached a toxic level once:
    the prescriber must see it at a start or raise (and on the chart-open card), with when to
    check the next level. With the running course's start unknown, every other level counts
    (which course it was cannot be told; the safer reading is to say it)."""
    toxic, words = _rule(_TOXIC), _rule(_TOXIC_HISTORY)
    if toxic is None or words is None:
        return None
    lithium = running_lithium(ctx)
    start = lithium.start if lithium is not None else None
    judged = judged_level(ctx)
    found = [
        lab
        for lab in ctx.record.context.labs
        if lab.test == _DRUG
        and lab is not judged
        and (start is None or lab.date < start)
        and at_or_above(toxic, lab)
    ]
    if not found:
        return None
    worst = max(found, key=lambda lab: (lab_safety.value(lab) or 0.0, lab.date))
    # The orders not read (PatientRecord.orders_unread, fix gap48): the running course, its
    # start, may be in them, so the level is never said to be an earlier course's.
    earlier = (lithium is None or start is not None) and not ctx.record.orders_unread
    return ToxicHistory(worst, words, earlier_course=earlier)


def high_level(ctx: RuleContext) -> HighLevel | None:
    """The finding the card states, or None (nearly every chart: no lithium, or a level in range)."""
    target = target_for(ctx)
    if target is None:
        return None
    lithium = running_lithium(ctx)
    if lithium is None:
        return None
    lab = judged_level(ctx)
    if lab is None:
        return None  # no level on this course: the optimise card's line says so
    lines = level_lines(ctx, lab)
    if lines is None:
        return None
    found = HighLevel(
        target=lines.target,
        toxic=lines.toxic,
        lab=lab,
        lithium=lithium,
        raisers=raisers(ctx),
        unread=lab_safety.unread_after(ctx.record, lab),
        high=lines.high,
        called=lines.called,
        older_from=(
            ctx.policy.older_adult_age
            if lines.high is not None and lines.high.check.endswith("-older")
            else None
        ),
    )
    if not lines.beyond_usual and not found.started_since:
        return None  # above the target, within the usual range: the optimise card's line says so
    return found


def _high_line(ctx: RuleContext) -> LabRule | None:
    """The upper line for this patient (lab_rules.upper_line): lithium-high-older at the clinic's
    policy.older_adult_age and over (recheck 2 m23: 0.9 mmol/L at 79 got no card; NICE NG222
    advises 0.4-0.6 mmol/L at 65 and over), else lithium-high (1.0). Read at the policy age as
    the optimise hold and the same-day weighing read it (lab63 item 1: it was the row's fixed
    65). An unknown age: the general line (nothing says the patient is older)."""
    return upper_line(_DRUG, ctx.record.patient.age, ctx.policy)


def raisers(ctx: RuleContext) -> tuple[Taking, ...]:
    """Running drugs in a row of the interaction table about lithium (lisinopril, an NSAID)."""
    rows = interaction_table.rows_about(_DRUG)
    return tuple(
        taking
        for taking in interaction_table.running(ctx.record)
        if taking.ingredient != _DRUG and any(row.names(taking.ingredient) for row in rows)
    )
