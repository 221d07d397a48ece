"""The words of the running-drug-level card (rules/tca_level.py picks the level; split from it by
idea): its summary and detail for each kind of finding.

- a level above the range on the running course (the toxic line: critical), with whether it
  measured the current dose at steady state; after a raise it may still rise, after a decrease
  it is still falling, so the card asks for a repeat, not a second decrease (review s26 RK3
  finding 2; a toxic level keeps its assess-now advice: the safer reading);
- a level above the range drawn after the course's recorded end: the drug is still being taken,
  or was taken in overdose (review s26 RK3 finding 1);
- a running course's level in a unit no table converts: named with its unit, never silent
  (review s26 RK3 finding 3);
- a level within the range by its value that the lab called critical (AA or HH): the lab's call
  and the value both said, with the toxic row's advice (labs38 item 1).

Every advice is a data/lab_safety.csv column (`if_running`, `if_stopped`, `if_lowered`), never
a literal here; a converted level prints in ng/mL with what was sent (lab_safety.text).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from services import cards, lab_safety, level_monitoring, screen_refs
from services.interaction_table import Taking
from services.rules.context import RuleContext

if TYPE_CHECKING:
    from services.rules.tca_level import HighLevel


def _name(found: HighLevel) -> str:
    name = found.trial.ingredient
    return f"{name[0].upper()}{name[1:]}"


def _level_name(found: HighLevel) -> str:
    """ "Nortriptyline level", or for a combined total "Amitriptyline + nortriptyline level"
    (session 27 item 3): the lab's test as the mapping names it, never the course's drug alone."""
    name = lab_safety.LABEL.get(found.lab.test, f"{found.trial.ingredient} level")
    return f"{name[0].upper()}{name[1:]}"


def _mg(found: HighLevel) -> float | None:
    return found.trial.segments[-1].mg_per_day if found.trial.segments else None


def _lines(found: HighLevel) -> str:
    """ "50-150 ng/mL or the 500 ng/mL toxic line": what an unread level was not compared with."""
    toxic = lab_safety.rule_for("level-toxic", found.trial.ingredient, found.trial.drug_class)
    named = f" or the {toxic.bounds()} toxic line" if toxic is not None else ""
    return f"{found.line.bounds()}{named}"


def _short_level(found: HighLevel) -> str:
    """ "Nortriptyline level 527 ng/mL on 2026-09-14": a level converted from another unit
    (2000 nmol/L) in the unit of its lines, rounded, without what was sent (the detail says it);
    as sent when it was not converted. A conversion said beside the lab's value ("2000 nmol/L
    (about 527 ng/mL)": a molar mass, labs33 item 2) keeps both, its date left to the detail."""
    lab, number = found.lab, lab_safety.value(found.lab)
    shown = lab_safety.text(lab)
    if "about " in shown:
        return f"{_level_name(found)} {shown.split(' on ')[0]}"
    if number is None or lab.unit is None or lab.unit.lower() == found.line.unit.lower():
        return f"{_level_name(found)} {lab_safety.text(lab)}"
    sign = f"{lab.comparator} " if lab.comparator else ""
    return f"{_level_name(found)} {sign}{round(number):g} {found.line.unit} on {lab.date}"


def summary(found: HighLevel) -> str:
    """ "Nortriptyline level 400 ng/mL on 2026-09-14 on 75 mg/day: above 50-150 ng/mL; check for
    toxicity (ECG, QRS) and lower the dose"; after the course's end, "Nortriptyline level 600
    ng/mL on 2026-11-28, after its recorded end on 2026-10-30: ..."; a converted level with what
    was sent ("526.76 ng/mL (sent as 2000 nmol/L)") when that fits, else rounded alone."""
    full = _candidates(found, f"{_level_name(found)} {lab_safety.text(found.lab)}")
    short = _candidates(found, _short_level(found))
    # Each wording with what was sent, then without it, before a clause is given up.
    return cards.fit_summary(*(text for pair in zip(full, short, strict=True) for text in pair))


def _candidates(found: HighLevel, level: str) -> tuple[str, ...]:
    """The summary's wordings, longest first (cards.fit_summary takes the first that fits)."""
    if found.not_read:
        unit = lab_safety.shown_unit(found.lab.unit) if found.lab.unit else "not stated"
        return (
            f"{level}: unit {unit} not read, not compared with {_lines(found)}; read the "
            "lab's report",
            f"{level}: unit not read, not compared with {found.line.bounds()}; read the lab's "
            "report",
            f"{level}: unit not read; read the lab's report",
        )
    line = f"above {found.line.bounds()}"
    if found.called:  # in range by its value, the lab's critical call (labs38 item 1)
        line = lab_safety.called_words(found.line, found.lab)
    elif lab_safety.by_flag(found.lab):
        # The lab's flag, never this service's line (session 29 RL: a 160 flagged H, no unit,
        # read "above the 500 ng/mL toxic line"); the lines not compared are the detail's.
        line = lab_safety.flag_short(found.lab)
    elif found.toxic is not None:
        line = f"above the {found.toxic.bounds()} toxic line"
    advice = found.advice
    short = advice.split(", ", 1)[0]
    if found.held is not None:
        held = found.held.isoformat()
        return (
            f"{level}, its order on hold (supply on record to {held}): {line}; {advice}",
            f"{level}, its order on hold: {line}; {advice}",
            f"{level}, its order on hold: {advice}",
            f"{level}, on hold: {advice}",
            f"{level}: {line}",
        )
    if found.ended is not None and found.stopped is not None:
        stop, end = found.stopped.isoformat(), found.ended.isoformat()
        return (
            f"{level}, after its order was stopped on {stop} (supply on record to {end}): "
            f"{line}; {advice}",
            f"{level}, after its order was stopped on {stop}: {line}; {advice}",
            f"{level}, after its order was stopped on {stop}: {advice}",
            f"{level}, after its order was stopped: {advice}",
            f"{level}: {line}",
        )
    if found.ended is not None:
        end, days = found.ended.isoformat(), (found.lab.date - found.ended).days
        # The action is never the clause given up: the dates shorten first.
        return (
            f"{level}, after its recorded end on {end}: {line}; {advice}",
            f"{level}, after its recorded end on {end}: {advice}",
            f"{level}, {days} days after its recorded end: {advice}",
            f"{level}, {days} days after it ended: {advice}",
        )
    dose = _mg(found)
    on = f" on {cards.fmt_mg(dose)} mg/day" if dose is not None else ""
    if found.lowered_from is not None and found.toxic is None:
        drawn, was = found.days_on_dose, cards.fmt_mg(found.lowered_from)
        return (
            f"{level}{on}: {line}, {drawn} days after the dose was lowered from {was} mg/day: "
            f"still falling; {advice}",
            f"{level}, {drawn} days after the dose was lowered from {was} mg/day: still "
            f"falling; {advice}",
            f"{level}, {drawn} days after lowering from {was} mg/day: still falling; {advice}",
            f"{level}, {drawn} days after a decrease: still falling; {advice}",
        )
    # A critical call on a value in range: the lab's call and the action before the value's
    # clause, which the detail says (labs38 item 1).
    called = (f"{level}: {lab_safety.flag_short(found.lab).split(',')[0]}; {short}",)
    return (
        f"{level}{on}: {line}; {advice}",
        f"{level}: {line}; {advice}",
        f"{level}: {line}; {short}",
        *(called if found.called else ()),
        f"{level}: {line}",
    )


def _timing(found: HighLevel) -> str:
    """Whether the level measured the current dose at steady state."""
    since = found.dose_since
    if since is None:
        return ""
    if found.lab.date < since:
        return (
            f"It was taken before the current dose started on {since.isoformat()}: it measured "
            "an earlier, lower dose; repeat the level on this one."
        )
    steady = found.line.steady_days
    if found.lowered_from is not None:
        return (
            f"It was drawn {found.days_on_dose} days after the dose was lowered from "
            f"{cards.fmt_mg(found.lowered_from)} mg/day on {since.isoformat()}: still falling, "
            f"not yet at the new dose's steady state ({steady} days or more); repeat it "
            f"{steady} days or more after the change before acting on it."
        )
    if found.unsteady:
        return (
            f"It was drawn {found.days_on_dose} days after the current dose started on "
            f"{since.isoformat()}: not yet at steady state ({steady} days or more), so the "
            "level may still rise; repeat it."
        )
    return ""


def _course(found: HighLevel) -> str:
    """The course as the card names it: running now, on hold, or its dates when it has ended
    (or its order was stopped before its supply ran out)."""
    dose = _mg(found)
    at = f" {cards.fmt_mg(dose)} mg/day" if dose is not None else ""
    if found.held is not None:
        return (
            f"{_name(found)}{at} from {found.trial.start.isoformat()}, its order on hold, the "
            f"supply on record to {found.held.isoformat()}. A hold is not a stop: a level this "
            "high means it may still be taken (tablets at hand, a restart not on record) or was "
            "taken in overdose."
        )
    if found.ended is None:
        taking = Taking.of_trial(found.trial).text()
        return f"{taking[0].upper()}{taking[1:]}."
    if found.stopped is not None:
        return (
            f"{_name(found)}{at} from {found.trial.start.isoformat()}; its order was stopped on "
            f"{found.stopped.isoformat()}, but the supply dispensed lasted to "
            f"{found.ended.isoformat()}: the level was drawn "
            f"{(found.lab.date - found.stopped).days} days after the stop, while tablets may "
            "still have been at hand. A level this high means it may still be taken (the supply "
            "on hand, another prescriber's order, a restart not on record) or was taken in "
            "overdose."
        )
    return (
        f"{_name(found)}{at} from {found.trial.start.isoformat()} to its recorded end on "
        f"{found.ended.isoformat()}; the level was drawn "
        f"{(found.lab.date - found.ended).days} days after it. Drawn after the end, a level "
        "this high means it may still be taken (an old supply, another prescriber's order, "
        "a restart not on record) or was taken in overdose."
    )


def _whose(found: HighLevel) -> str:
    """What the card leaves to the prescriber: how far to lower the dose, unless the course has
    ended or the dose was just lowered (the level is repeated first)."""
    if found.ended is not None or found.held is not None:
        return "what to do next"
    if found.lowered_from is not None and found.toxic is None:
        return "what to do next"
    return "how far to lower the dose"


def detail(ctx: RuleContext, found: HighLevel) -> str:
    line, lab = found.line, found.lab
    age = level_monitoring.age_text(lab.date, ctx.record.as_of)
    name = _level_name(found)
    if found.not_read:
        return cards.join_sections(
            f"**{name} {lab_safety.text(lab)}** ({age} ago, the last level on this "
            f"course): sent in a unit this service does not convert, so it was not compared "
            f"with {_lines(found)} ({line.cite}).\n- {_course(found)}",
            "Read the value and its unit in the lab's report before acting on the dose.",
        )
    which = "on this course" if found.ended is None and found.held is None else "on record"
    if found.called:
        # The lab's critical call on a value within the range (labs38 item 1): both said.
        head = (
            f"**{name} {lab_safety.text(lab)}** ({age} ago, the last comparable level "
            f"{which}): {lab_safety.called_words(line, lab)} ({line.cite}); the lab may judge "
            "by a range or an assay of its own, so its call is not set aside"
        )
    elif lab_safety.by_flag(lab):
        # The lab's flag against the lab's range: the lines named, not compared.
        head = (
            f"**{name} {lab_safety.text(lab)}** ({age} ago, the last level the lab flagged "
            f"{which}): {lab_safety.flag_words(lab, _lines(found).replace(' or ', ' and '))} "
            f"({line.cite})"
        )
    else:
        head = (
            f"**{name} {lab_safety.text(lab)}** ({age} ago, the last comparable level "
            f"{which}): above {line.bounds()}, {line.says} ({line.cite}: higher concentrations "
            "may bring more adverse effects)"
        )
    toxic = found.toxic
    if toxic is not None and (found.called or lab_safety.by_flag(lab)):
        head += f". Look for {toxic.cause}" if toxic.cause else ""
    elif toxic is not None:
        head += f", and above {toxic.bounds()}, {toxic.says} ({toxic.cite})"
        if toxic.cause:
            head += f". Look for {toxic.cause}"
    advice = found.advice
    unread = (
        f"A later level ({found.unread.date.isoformat()}) could not be compared: read it before "
        "acting on this one."
        if found.unread is not None
        else ""
    )
    return cards.join_sections(
        f"{head}.\n- {_course(found)}",
        _timing(found),
        f"{advice[0].upper()}{advice[1:]}.",
        unread,
        f"Not offered as an order: {_whose(found)} is the prescriber's decision. "
        f"{screen_refs.HOLDS_OPTIMISE}",
    )
