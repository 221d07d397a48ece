"""patient-view: lithium running with its last level above the target (review 13 U1).

Before, a level of 1.4 mmol/L on 900 mg/day with lisinopril running was said only halfway
through the optimise card's detail (a card whose summary offered another drug), and the
interaction card asked for "a level in 5-7 days" without seeing the 1.4 on record; the
lithium-target row of data/lab_safety.csv made it a line on chart open and a card only on a
lithium order. Here, on chart open:

- lithium running (not on hold: running_cautions.running), and its latest comparable level
  (lab_safety.latest_readable) taken on this course (on or after its start: a level of an earlier
  course says nothing of this dose) above the lithium-high row (NICE NG222: a level for
  augmentation should not exceed 1.0 mmol/L), or above the lithium-target row (CANMAT 2023 Table
  7.2: 0.5-0.8 mmol/L for augmentation) with a drug that raises the level started after the level
  was taken (recheck 13 n01/n03: 0.9 mmol/L in a stable responder got "hold or
  reduce" and held every one-click, yet it is inside the usual therapeutic range; hold/reduce
  there risks relapse). Between the target and 1.0 with nothing new, no card: the optimise card's
  lithium line already says "above the 0.5-0.8 mmol/L target". A raising drug started since the
  level makes the level on record an underestimate of today's (an ACE inhibitor, a thiazide or an
  NSAID raises it), so the safer reading is a card at any level above the target. Toxicity signs
  coded would be the other reason, but no finding kind reads them yet (not done);
- critical at or above the lithium-toxic row (1.5 mmol/L: the lithium labels' line of greater
  toxicity risk), a warning below it;
- the level, its date and the dose in the summary, with what to do (the rows' `if_running`);
- each running drug the interaction table says raises the level (ACE inhibitors, ARBs, thiazides,
  NSAIDs: data/drug_interactions.csv), the kidney labs with their dates, and a later level that
  could not be compared.

However old the level: it is the last one on record and the drug still runs, so nothing on the
chart says the level came down (a design choice, the safer one; the age is said, and the level is
"due" by data/level_monitoring.csv). Its own snooze fingerprint (the level and the drugs): a new
level or a new raising drug ends a snooze.

While it is on the screen (not snoozed), the optimise card's medication proposals are not one
click (`hold_one_click`): an adjunct or a higher antidepressant dose added now brings its own
adverse effects (tremor, sedation, nausea) on top of possible lithium toxicity, so which drug
causes what can no longer be told; the level is settled first. A referral (ECT) stays one click.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from fhir_mapping.record import LabResult
from services import (
    cards,
    interaction_table,
    lab_safety,
    level_monitoring,
    screen,
    screen_refs,
)
from services.interaction_table import Taking
from services.lab_safety import LabRule
from services.recommendation import Indicator, Recommendation
from services.rules import one_click_hold, running_cautions
from services.rules.context import RuleContext

TOPIC = "running-lithium-level"
_DRUG = "lithium"
_TARGET = "lithium-target"
_HIGH = "lithium-high"
_HIGH_OLDER = "lithium-high-older"
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

    @property
    def started_since(self) -> tuple[Taking, ...]:
        """The raising drugs started after the level was taken: the level now is likely higher."""
        return tuple([t for t in self.raisers if t.start is not None and t.start > self.lab.date])

    @property
    def critical(self) -> bool:
        return self.toxic is not None


def _rule(check: str) -> LabRule | None:
    return lab_safety.rule_for(check, _DRUG, "")


def at_or_above(rule: LabRule, lab: LabResult) -> bool:
    """Whether the level is at or above the rule's line (the label's greater risk starts at
    1.5): by its value in a known unit, a bound ("> 2.0") read as what it says."""
    number = lab_safety.value(lab)
    if rule.high is None or number is None:
        return False
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

    @property
    def beyond_usual(self) -> bool:
        """Above the patient's upper line (1.0 mmol/L, 0.8 from 65): a card on its own.
        Without the upper-line rows the target decides (the old, stricter reading)."""
        return self.line is None or self.high is not None


def level_lines(ctx: RuleContext, lab: LabResult) -> LevelLines | None:
    """The lines a level above the augmentation target crosses, or None (no target row, or the
    level is not above the target)."""
    target = _rule(_TARGET)
    if target is None or not lab_safety.above(target, lab):
        return None
    toxic = _rule(_TOXIC)
    line = _high_line(ctx)
    return LevelLines(
        target=target,
        high=line if line is not None and lab_safety.above(line, lab) else None,
        toxic=toxic if toxic is not None and at_or_above(toxic, lab) else None,
        line=line,
    )


def started_since(ctx: RuleContext, lab: LabResult) -> tuple[Taking, ...]:
    """The running drugs that raise the level, started after it was taken: the level now is
    likely higher than the one on record."""
    return tuple([t for t in raisers(ctx) if t.start is not None and t.start > lab.date])


def running_lithium(ctx: RuleContext) -> Taking | None:
    return next((t for t, _ in running_cautions.running(ctx) if t.ingredient == _DRUG), None)


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
    lab = lab_safety.latest_readable(ctx.record, _DRUG)
    if lab is None:
        return None
    if lithium is not None:
        return None if lithium.start is not None and lab.date < lithium.start else lab
    return lab if lab_safety.is_recent(ctx.record, ctx.policy, lab) else None


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
    return ToxicHistory(worst, words, earlier_course=lithium is None or start is not None)


def high_level(ctx: RuleContext) -> HighLevel | None:
    """The finding the card states, or None (nearly every chart: no lithium, or a level in range)."""
    target = _rule(_TARGET)
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
    )
    if not lines.beyond_usual and not found.started_since:
        return None  # above the target, within the usual range: the optimise card's line says so
    return found


def _high_line(ctx: RuleContext) -> LabRule | None:
    """The upper line for this patient: lithium-high-older at its min_age and over (recheck 2
    m23: 0.9 mmol/L at 79 got no card; NICE NG222 advises 0.4-0.6 mmol/L at 65 and over), else
    lithium-high (1.0). An unknown age: the general line (nothing says the patient is older)."""
    older = _rule(_HIGH_OLDER)
    age = ctx.record.patient.age
    if older is not None and older.min_age is not None and age is not None and age >= older.min_age:
        return older
    return _rule(_HIGH)


def raisers(ctx: RuleContext) -> tuple[Taking, ...]:
    """Running drugs in a row of the interaction table about lithium (lisinopril, an NSAID)."""
    rows = interaction_table.rows_about(_DRUG)
    return tuple(
        taking
        for taking in interaction_table.running(ctx.record)
        if taking.ingredient != _DRUG and any(row.names(taking.ingredient) for row in rows)
    )


def _dose(taking: Taking) -> str:
    return f"{cards.fmt_mg(taking.mg_per_day)} mg/day" if taking.mg_per_day is not None else ""


def _summary(found: HighLevel) -> str:
    """ "Lithium 1.4 mmol/L on 2025-05-29 (above 0.5-0.8) on 900 mg/day with lisinopril: hold
    or reduce, check toxicity, repeat level, eGFR": the level, its date and the dose first."""
    lab, target = found.lab, found.target
    level = f"Lithium {lab_safety.text(lab)}"
    dose = _dose(found.lithium)
    on = f" on {dose}" if dose else ""
    names = cards.and_list([t.ingredient for t in found.raisers])
    with_raisers = f" with {names}" if names else ""
    if found.toxic is not None:
        line = f"at or above {cards.fmt_mg(found.toxic.high)}, toxicity risk"
        acts = ("hold it, assess for toxicity now, repeat level, eGFR", "hold, assess toxicity now")
    elif found.high is not None:
        line = f"above the {found.high.high:.1f} limit"  # "1.0", never "1"
        if found.high.min_age is not None:
            line += f" at {found.high.min_age} and over"  # "above the 0.8 limit at 65 and over"
        acts = ("hold or reduce, check toxicity, repeat level, eGFR", "hold or reduce, recheck")
    else:
        # Within the usual range, but a raising drug started since the level: the level today
        # is not known, so the card asks for it rather than a dose change.
        line = f"above {cards.fmt_mg(target.low)}-{cards.fmt_mg(target.high)}"
        started = cards.and_list([t.ingredient for t in found.started_since])
        acts = ("repeat level now, check toxicity, eGFR", "repeat level now")
        return cards.fit_summary(
            *(f"{level} ({line}){on}, {started} started since: {act}" for act in acts),
            *(f"{level} ({line}), {started} started since: {act}" for act in acts),
            f"{level} ({line}): {acts[-1]}",
        )
    return cards.fit_summary(
        *(f"{level} ({line}){on}{with_raisers}: {act}" for act in acts),
        *(f"{level} ({line}){on}: {act}" for act in acts),
        f"{level} ({line}): {acts[-1]}",
    )


def _kidney_line(ctx: RuleContext) -> str:
    kidney = [
        f"{lab_safety.LABEL[test]} {lab_safety.text(found)}"
        for test in ("creatinine", "egfr")
        if (found := lab_safety.latest(ctx.record, test)) is not None
    ]
    known = (
        "; ".join(kidney) if kidney else lab_safety.absent_text(ctx.record, "creatinine or eGFR")
    )
    return f"**Kidney function:** {known}."


def _raiser_lines(found: HighLevel) -> list[str]:
    lines = []
    for taking in found.raisers:
        rows = interaction_table.rows_for(_DRUG, taking.ingredient)
        risk = rows[0].risk if rows else "raises the lithium level"
        text = taking.text()
        lines.append(f"- {text[0].upper()}{text[1:]}: {risk} (drug-interaction card).")
    return lines


def detail(ctx: RuleContext, found: HighLevel) -> str:
    lab, target = found.lab, found.target
    age = level_monitoring.age_text(lab.date, ctx.record.as_of)
    head = (
        f"**Lithium level {lab_safety.text(lab)}** ({age} ago, the last comparable level): above "
        f"the {target.bounds()} augmentation target ({target.cite}; toxicity follows the serum "
        f"level: {target.effect_cite})"
    )
    if found.high is not None:
        high = found.high
        head += f", and above {high.high:.1f} {high.unit}, {high.says} ({high.cite})"
    if found.toxic is not None:
        toxic = found.toxic
        status = " (UNVERIFIED)" if toxic.status == "UNVERIFIED" else ""
        head += (
            f", and at or above {toxic.bounds()}, {toxic.says} ({toxic.cite}{status}). "
            f"{toxic.cause[0].upper()}{toxic.cause[1:]}."
        )
    elif found.high is None:
        names = cards.and_list([t.ingredient for t in found.started_since])
        head += (
            f". Within the usual range on its own; but {names} started after it was taken and "
            "raises the level, so the level now is likely higher."
        )
    else:
        head += "."
    taking = found.lithium.text()
    lines = [head, f"- {taking[0].upper()}{taking[1:]}.", *_raiser_lines(found)]
    advice = (found.toxic or found.high or target).if_running or target.if_running
    unread = (
        f"A later lithium level ({found.unread.date.isoformat()}) could not be compared: read it "
        "before acting on this one."
        if found.unread is not None
        else ""
    )
    history = toxic_history(ctx)
    return cards.join_sections(
        "\n".join(lines),
        f"{advice[0].upper()}{advice[1:]}." if advice else "",
        f"**Toxicity history:** {history.line()}." if history is not None else "",
        _kidney_line(ctx),
        unread,
        "Not offered as an order: whether to hold, reduce or stop lithium, or change the drug "
        f"that raises it, is the prescriber's decision. {screen_refs.HOLDS_OPTIMISE}",
    )


def fingerprint(found: HighLevel) -> str:
    """The level (date and value) and the drugs: a new level or a new raising drug ends a
    snooze."""
    lab = found.lab
    return screen.pairs_key(
        [f"lithium|{lab.date.isoformat()}|{lab.value}|{lab.flag}"]
        + [f"drug|{t.ingredient}" for t in found.raisers]
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    found = high_level(ctx)
    if found is None:
        return None
    card = cards.make(
        TOPIC,
        summary=_summary(found),
        detail=detail(ctx, found),
        indicator=Indicator.CRITICAL if found.critical else None,
    )
    return screen.with_fields(card, evidence_key=fingerprint(found))


# --- what the other cards say of it ----------------------------------------------------------------


def level_words(ctx: RuleContext) -> str:
    """The last lithium level as the interaction card says it: "last level 1.4 mmol/L on
    2025-05-29, above the 0.5-0.8 mmol/L target", or "no lithium level on record" (review 13 U1:
    the card asked for a level in 5-7 days beside a 1.4 it never read)."""
    target = _rule(_TARGET)
    lab = lab_safety.latest_readable(ctx.record, _DRUG)
    if lab is None:
        return lab_safety.absent_text(ctx.record, "lithium level")
    said = f"last level {lab_safety.text(lab)}"
    if target is not None and lab_safety.above(target, lab):
        said += f", above the {target.bounds()} target"
    elif target is not None and lab_safety.below(target, lab):
        said += f", below the {target.bounds()} target"
    return said


def hold_one_click(
    recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's medication proposals as text while this card is on the
    screen (not in `hidden`): see the module docstring."""
    return one_click_hold.hold_while_shown(
        recs,
        hidden,
        TOPIC,
        "the lithium level is above its target",
        "An adjunct or a higher dose added now brings its own adverse effects on top of possible "
        "lithium toxicity: settle the level first.",
    )
