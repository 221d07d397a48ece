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

A lithium whose last supply ended more than policy mapping supply_gap_days (30) ago, its order
still open (lithium_level_reading.supply_ended), keeps the card (tablets at home may still be
taken, and a high level is acted on: the safer reading), but the summary says "last supply ended
DATE" where it said "on 900 mg/day", and the detail asks to confirm it is taken (session 35
lith52, as lith51 made the due card say).

While it is on the screen (not snoozed), the optimise card's medication proposals are not one
click (`hold_one_click`): an adjunct or a higher antidepressant dose added now brings its own
adverse effects (tremor, sedation, nausea) on top of possible lithium toxicity, so which drug
causes what can no longer be told; the level is settled first. A referral (ECT) stays one click.

This module holds the card (`rule`, `detail`) and what the other cards say of it (`level_words`,
`hold_one_click`). Which level is judged and where it stands against the lab_safety.csv lines
(`judged_level`, `level_lines`, `high_level`, `toxic_history`, `raisers`) is
lithium_level_reading.py, shared with the lithium order check (order_checks/lithium.py); its
names stay importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import date

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
from services.recommendation import Indicator, Recommendation
from services.rules import lithium_due, one_click_hold
from services.rules.context import RuleContext
from services.rules.lithium_level_reading import (
    _DRUG,
    HighLevel,
    LevelLines,
    ToxicHistory,
    high_level,
    judged,
    judged_level,
    latest_judged,
    level_lines,
    running_lithium,
    since_supply,
    started_since,
    supply_confirm,
    supply_ended,
    target_for,
    toxic_history,
)

# The names other modules use, kept importable from here (lithium_level_reading.py's among them).
__all__ = [
    "LevelLines",
    "ToxicHistory",
    "hold_one_click",
    "judged_level",
    "level_lines",
    "level_words",
    "rule",
    "running_lithium",
    "started_since",
    "toxic_history",
]

TOPIC = "running-lithium-level"


def _dose(taking: Taking) -> str:
    return f"{cards.fmt_mg(taking.mg_per_day)} mg/day" if taking.mg_per_day is not None else ""


def _summary(found: HighLevel, ended: date | None = None) -> str:
    """ "Lithium 1.4 mmol/L on 2025-05-29 (above 0.5-0.8) on 900 mg/day with lisinopril: hold
    or reduce, check toxicity, repeat level, eGFR": the level, its date and the dose first."""
    lab, target = found.lab, found.target
    level = f"Lithium {lab_safety.text(lab)}"
    dose = _dose(found.lithium)
    on = f" on {dose}" if dose else ""
    if ended is not None:
        # Never "on 900 mg/day" of a supply run out (lith52): the record shows an open order.
        on = f", last supply ended {ended.isoformat()}"
    names = cards.and_list([t.ingredient for t in found.raisers])
    with_raisers = f" with {names}" if names else ""
    if lab_safety.by_flag(lab):
        # The lab's own flag, never this service's line (session 29 RL: "0.9 (above the 1.0
        # limit)"): the lines not compared are the detail's.
        line = lab_safety.flag_short(lab)
        if found.critical:
            acts = ("hold it, assess for toxicity now, repeat level, eGFR", "hold, assess now")
        else:
            acts = ("hold or reduce, check toxicity, repeat level, eGFR", "hold or reduce, recheck")
    elif found.toxic is not None:
        line = f"at or above {cards.fmt_mg(found.toxic.high)}, toxicity risk"
        acts = ("hold it, assess for toxicity now, repeat level, eGFR", "hold, assess toxicity now")
    elif found.high is not None:
        line = f"above the {found.high.high:.1f} limit"  # "1.0", never "1"
        if found.older_from is not None:  # the clinic's older-adult age (lab63 item 1)
            line += f" at {found.older_from} and over"  # "above the 0.8 limit at 65 and over"
        if lab.critical and lab.flag == "high":
            line += ", flagged critical by the lab"
            acts = ("hold it, assess for toxicity now, repeat level, eGFR", "hold, assess now")
        else:
            acts = ("hold or reduce, check toxicity, repeat level, eGFR", "hold or reduce, recheck")
    elif found.called is not None:
        # Under the lines by its value, but the lab called it critical (AA / HH): the safer
        # reading acts on the call (recheck K27b s31 finding 5, as labs38 for a tricyclic level).
        line = lab_safety.called_words(found.called, lab)
        acts = ("hold it, assess for toxicity now, repeat level, eGFR", "hold, assess now")
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
    # The raising drug outlasts the dose when the summary must shorten: it is why the level is
    # high (recheck K27b s31 finding 4: "1800 umol/L" dropped "with lisinopril").
    return cards.fit_summary(
        *(f"{level} ({line}){on}{with_raisers}: {act}" for act in acts),
        *(f"{level} ({line}){with_raisers}: {act}" for act in acts),
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


def detail(ctx: RuleContext, found: HighLevel, ended: date | None = None) -> str:
    lab, target = found.lab, found.target
    age = level_monitoring.age_text(lab.date, ctx.record.as_of)
    if lab_safety.by_flag(lab):
        # The lab's flag, against the lab's range: the lines are named, not compared.
        crossed = cards.and_list(
            [
                f"the {r.bounds()} {w}"
                for r, w in ((target, "target"), (found.high, "limit"), (found.toxic, "line"))
                if r is not None
            ]
        )
        head = (
            f"**Lithium level {lab_safety.text(lab)}** ({age} ago, the last level the lab "
            f"flagged): {lab_safety.flag_words(lab, crossed)} (toxicity follows the serum level: "
            f"{target.effect_cite})"
        )
    else:
        head = (
            f"**Lithium level {lab_safety.text(lab)}** ({age} ago, the last comparable level): "
            f"above the {target.bounds()} augmentation target ({target.cite}; toxicity follows "
            f"the serum level: {target.effect_cite})"
        )
    if found.high is not None and not lab_safety.by_flag(lab):
        high = found.high
        head += f", and above {high.high:.1f} {high.unit}, {high.says} ({high.cite})"
    if found.toxic is not None and lab_safety.by_flag(lab):
        head += f". {found.toxic.cause[0].upper()}{found.toxic.cause[1:]}."
    elif found.toxic is not None:
        toxic = found.toxic
        status = " (UNVERIFIED)" if toxic.status == "UNVERIFIED" else ""
        head += (
            f", and at or above {toxic.bounds()}, {toxic.says} ({toxic.cite}{status}). "
            f"{toxic.cause[0].upper()}{toxic.cause[1:]}."
        )
    elif found.high is None and not lab_safety.by_flag(lab):
        names = cards.and_list([t.ingredient for t in found.started_since])
        head += (
            f". Within the usual range on its own; but {names} started after it was taken and "
            "raises the level, so the level now is likely higher."
        )
    else:
        head += "."
    taking = found.lithium.text()
    supply = (
        [
            f"- {supply_confirm(ended, since_supply(ctx))} (its order is open; tablets at home "
            "may still be taken): if it is, act on this level as below."
        ]
        if ended is not None
        else []
    )
    lines = [head, f"- {taking[0].upper()}{taking[1:]}.", *supply, *_raiser_lines(found)]
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
        # No level above the target: the monitoring due, if any (lithium_due.py, lith49).
        return lithium_due.card(ctx, TOPIC)
    ended = supply_ended(ctx)
    card = cards.make(
        TOPIC,
        summary=_summary(found, ended),
        detail=detail(ctx, found, ended),
        indicator=Indicator.CRITICAL if found.critical else None,
    )
    return screen.with_fields(card, evidence_key=fingerprint(found))


# --- what the other cards say of it ----------------------------------------------------------------


def level_words(ctx: RuleContext) -> str:
    """The last lithium level as the interaction card says it: "last level 1.4 mmol/L on
    2025-05-29, above the 0.5-0.8 mmol/L target", or "no lithium level on record" (review 13 U1:
    the card asked for a level in 5-7 days beside a 1.4 it never read)."""
    lab = latest_judged(ctx.record)
    last = lab_safety.latest(ctx.record, _DRUG)
    if last is not None and not judged(last) and (lab is None or last.date > lab.date):
        # A later level no check can compare: named as such, never "no lithium level on
        # record" beside the optimise card's line showing it (session 29 RL).
        said = f"last level {lab_safety.text(last)}"
        if last.value is not None:  # one with no value says so already
            said += f", not compared ({lab_safety.unread_words(last)})"
        return said + (f"; {level_words_of(ctx, lab, 'the last compared')}" if lab else "")
    if lab is None:
        return lab_safety.absent_text(ctx.record, "lithium level", test="lithium")
    return level_words_of(ctx, lab)


def level_words_of(ctx: RuleContext, lab: LabResult, lead: str = "last level") -> str:
    """ "last level 1.4 mmol/L on 2025-05-29, above the 0.5-0.8 mmol/L target"."""
    target = target_for(ctx)
    said = f"{lead} {lab_safety.text(lab)}"
    if target is not None and lab_safety.by_flag(lab):
        said += (
            f", {lab_safety.flag_words(lab, 'the ' + lab_safety.target_words(target, ctx.policy))}"
        )
    elif target is not None and lab_safety.above(target, lab):
        said += f", above the {lab_safety.target_words(target, ctx.policy)}"
    elif target is not None and lab_safety.below(target, lab):
        said += f", below the {lab_safety.target_words(target, ctx.policy)}"
    return said


def hold_one_click(
    recs: Sequence[Recommendation],
    hidden: AbstractSet[str] = frozenset(),
    ctx: RuleContext | None = None,
) -> list[Recommendation]:
    """`recs` with the optimise card's medication proposals as text while this card is on the
    screen (not in `hidden`): see the module docstring. A due-monitoring card of the same topic
    (lithium_due.py) holds them with its own line while the LEVEL is due (lith51; `ctx` needed:
    without it nothing is held for that card)."""
    # (the due card is the topic's only info card: above the target it is a warning or critical;
    # but a due card naming a level under a local code is a warning too (labs70), so with `ctx`
    # the topic's card is the due card whenever no level is above the target)
    due_card = any(r.topic == TOPIC and r.indicator is Indicator.INFO for r in recs) or (
        ctx is not None and any(r.topic == TOPIC for r in recs) and high_level(ctx) is None
    )
    if due_card:
        return list(recs) if ctx is None else lithium_due.hold_one_click(ctx, recs, hidden, TOPIC)
    return one_click_hold.hold_while_shown(
        recs,
        hidden,
        TOPIC,
        "the lithium level is above its target",
        "An adjunct or a higher dose added now brings its own adverse effects on top of possible "
        "lithium toxicity: settle the level first.",
    )
