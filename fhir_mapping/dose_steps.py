"""Dosage lines written in sequence: the steps of one order (review 12 finding 10).

Epic and Oracle Health write a multi-step instruction ("150 mg daily for 7 days, then 75 mg daily
for 7 days, then 75 mg every other day for 7 days") as one dosage line per step, numbered by
`Dosage.sequence`, each with its own `timing.repeat.boundsDuration` or `boundsPeriod`. FHIR R4
defines `sequence` as "the order in which the dosage instructions should be applied or
interpreted": lines of different numbers follow one another, lines of the same number are taken
together (50 mg in the morning + 100 mg at bedtime). Reading only the last step dropped the
first two and ended the course two weeks early (medication_dates.py, taper.py read the steps).

Steps are read only when every line carries a whole-number sequence and there are at least two:
a line without one beside numbered lines says nothing of where it falls, and is then read as
before (dose.py's last sequence), rather than guessed into a step.

Lines with no `sequence` at all (review 12 recheck q20, q21) are read by their own timing
(`unsequenced_shape`): Epic also sends a taper as "Take 1 tablet (150 mg total) by mouth daily for
7 days" + "then 75 mg daily for 7 days" + ... with no number, and a split dose as an AM line and
an HS line with no number. Lines each bounded (boundsDuration / boundsPeriod) that follow one
another are consecutive steps, as numbered ones are; lines at different times of day, or all on
the same schedule ("2 tablets daily" + "1 tablet daily", recheck 13 n21), with no bounds of their
own are parts of one day's dose (dose.py adds them up); anything else is neither for sure, and its dose is to confirm (taper.py): summing a taper's steps would triple its dose,
keeping one line would cut the course short, and either could call a trial adequate that the
record does not show.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from fhir_mapping.dose_line_schedule import (
    apart_in_the_day,
    line_repeat,
    line_texts,
    same_schedule,
)
from fhir_mapping.dose_sig import sig_as_needed, sig_doses, sig_step_days
from fhir_mapping.dose_step_words import course_days, has_step_words, step_length
from fhir_mapping.fhir_fields import JSON_OBJECT, parse_date
from fhir_mapping.frozen_init import quick_frozen_init

Step = tuple[Mapping[str, Any], ...]  # the lines of one step, taken together


def sequence_steps(dosages: Sequence[Mapping[str, Any]] | None) -> tuple[Step, ...]:
    """The steps of `dosages` in order: each the lines of one sequence number, or, for lines
    with no sequence at all, each one line when they follow one another (`unsequenced_shape`);
    () when the lines are not steps (fewer than two, lines taken together, a line without a
    number beside numbered ones, or unsequenced lines whose shape is unclear)."""
    if not dosages or len(dosages) < 2:
        return ()
    by_number: dict[int, list[Mapping[str, Any]]] = {}
    unnumbered = 0
    for line in dosages:
        if not isinstance(line, JSON_OBJECT):
            continue
        number = line.get("sequence")
        if number is None:
            unnumbered += 1
            continue
        if isinstance(number, bool) or not isinstance(number, int):
            return ()
        by_number.setdefault(number, []).append(line)
    if unnumbered:
        return unsequenced_shape(dosages).steps if not by_number else ()
    if len(by_number) < 2:
        return ()
    steps = tuple(tuple(by_number[n]) for n in sorted(by_number))
    return () if _numbered_one_day(steps) else steps


def governing_lines(dosages: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The lines whose doses add up to the dose the patient is on (dose.py, dose_basis.py): the
    lines of the last `sequence` when the numbered lines are steps, the last line when lines
    with no number follow one another (`unsequenced_shape`: "1 tablet daily for 7 days" +
    "then 2 tablets daily"), else every line (one number, none taken apart, or numbered lines
    that are one day's doses: `_numbered_one_day`). Unnumbered steps were added up before: a
    dispense, which taper.py gives no steps, read 1 + 2 tablets of 100 mg as 300 mg/day, above
    sertraline's maximum (session 24 FP); an order's steps are taper.py's, its first step."""
    lines = [d for d in dosages if isinstance(d, JSON_OBJECT)]
    numbers = {d["sequence"] for d in lines if isinstance(d.get("sequence"), int)}
    if not numbers and len(lines) > 1:
        steps = unsequenced_shape(lines).steps
        return list(steps[-1]) if steps else lines
    if len(numbers) <= 1:
        return lines
    by_number = [tuple(d for d in lines if d.get("sequence") == n) for n in sorted(numbers)]
    if _numbered_one_day(by_number):
        return lines
    return [d for d in lines if d.get("sequence") == max(numbers)]


def _numbered_one_day(steps: Sequence[Step]) -> bool:
    """Whether lines of different sequence numbers are one day's doses, not steps (s22 RU
    review finding 2): Epic writes "2 tablets every morning" and "1 tablet every evening" as
    sequence 1 and 2 of one order, both from the same start with no end. A step is over only
    when something ends it, so the lines are steps when a line before the last step ends
    (boundsDuration, boundsPeriod.end, repeat.count, "for 7 days" in its text) or a later line
    says it comes after ("then ..."); without that, lines that share their start (or none
    states one) and each take their own time of day (`apart_in_the_day`: MORN + EVE, or the
    sig's "every morning" + "at bedtime") are taken together. Reading them as steps took the
    last line's 50 mg (or the first's 100) for 150 mg/day and offered a raise to the dose the
    patient already takes. Lines at the same time of day with no end stay steps, as their
    numbers say (nothing in them says the day's dose is their sum).

    Two readings are `unsequenced_shape`'s, shared so that a number on the lines changes
    neither (review K61b findings 1 and 3):
    - the same boundsPeriod on every line (`_shared_period`) ends none of them: Epic copies the
      order's period onto each line, and reading its end as the end of the first step took the
      50 mg + 100 mg split dose for steps and offered "raise 50 -> 100" to a patient on 150;
    - an as-needed line beside scheduled ones is part of one day's doses (dose.py: the
      scheduled dose up to scheduled + as needed), never a step: as a step, "75 mg daily" +
      "additional 75 mg as needed" read "ordered as needed, not a trial" and dropped a 26-week
      trial. Only once nothing ends a line or says "then" ("15 mg nightly for 7 days", then
      "as needed": a step down to as needed stays steps), and the scheduled lines alone decide
      the rest: one step of them (or none) is one day; two or more are read by the rules
      above, so a numbered taper beside an as-needed line is never summed into one dose."""
    every = [line for step in steps for line in step]
    shared = _shared_period(every)
    earlier = [line for step in steps[:-1] for line in step]
    if any(_ends(line, period_ends=not shared) for line in earlier):
        return False
    later = [line for step in steps[1:] for line in step]
    if any(_AFTER_WORDS.search(" ".join(line_texts(line)).lower()) for line in later):
        return False
    # Step words on any line ("Week 1:", "Day 8 on:", "Increase to ... starting week 2": fix
    # dose71, review K62a finding 3) make the lines a titration: summed, "Week 1: 50 mg every
    # morning" + "Week 2 onward: 100 mg at bedtime" read 150 mg/day for a patient on 100, an
    # overstated dose that can make a trial look adequate. In doubt, steps (the lower dose).
    if any(has_step_words(" ".join(line_texts(line))) for line in every):
        return False
    scheduled = [
        kept for kept in (tuple(d for d in step if not _as_needed(d)) for step in steps) if kept
    ]
    if len(scheduled) < len(steps) and len(scheduled) < 2:
        return True
    every = [line for step in scheduled for line in step]
    if len({_period_start(line) for line in every}) != 1:
        return False
    return apart_in_the_day(every)


def shared_step_days(step: Step, following: Step | None) -> int | None:
    """The days a step of lines sharing the order's boundsPeriod lasts (`_shared_period`: the
    period bounds the order, none of its steps; medication_dates.step_spans), from its text
    ("for 14 days", "Week 1", "Days 1-7") or where the step after it begins ("Week 2 onward",
    "starting week 2"): the longest of its lines', None when nothing says (fix dose71, review
    K61b finding 3: "50 mg every morning for 14 days" + "100 mg at bedtime" read 50 mg all
    the order long, "raise 50 -> 100" for a patient on 100)."""
    after = " ".join(t for line in following or () for t in line_texts(line)) or None
    found = [
        d
        for d in (
            text_days(line) or step_length(" ".join(line_texts(line)), after) for line in step
        )
        if d is not None
    ]
    return max(found) if found else None


def shared_period(lines: Sequence[Mapping[str, Any]]) -> bool:
    """`_shared_period`, for medication_dates.step_spans."""
    return _shared_period(lines)


def _shared_period(lines: Sequence[Mapping[str, Any]]) -> bool:
    """Every line carries the same boundsPeriod: Epic copies the order's period onto each line,
    so it bounds none of them apart from the others (numbered or not)."""
    periods = [_period(d) for d in lines]
    return bool(periods) and periods[0] is not None and all(p == periods[0] for p in periods)


def _ends(line: Mapping[str, Any], *, period_ends: bool = True) -> bool:
    """A line that says when it is over: a boundsDuration, a boundsPeriod end (unless
    `period_ends` is False: the period is the order's, shared by every line), a `count` of
    administrations, or a length in its text ("for 7 days")."""
    repeat = line_repeat(line)
    if repeat is not None and (
        isinstance(repeat.get("boundsDuration"), JSON_OBJECT)
        or (period_ends and _period_end(line) is not None)
        or repeat.get("count") is not None
    ):
        return True
    return text_days(line) is not None


@dataclass(frozen=True, slots=True)
class LineShape:
    """What dosage lines written with no `sequence` are. `steps`: consecutive steps, one line
    each, in order (empty when they are not); `to_confirm`: the numbers (1 = the first line as
    written) of dosed lines that are neither steps nor one day's doses (empty when they are one
    of the two). Both empty: lines taken together (or fewer than two dosed lines).
    `highest_line` (with `to_confirm` only): the lines' text says they follow one another
    (`_text_steps`) but not for how long, so they are never taken together and the most the
    patient takes a day is the highest line's dose, not the lines' sum (recheck 13-2 m27)."""

    steps: tuple[Step, ...] = ()
    to_confirm: tuple[int, ...] = ()
    highest_line: bool = False


quick_frozen_init(LineShape)


_TOGETHER = LineShape()


def unsequenced_shape(dosages: Sequence[Mapping[str, Any]] | None) -> LineShape:
    """The shape of dosage lines none of which carries a `sequence` (module docstring); lines
    with sequence numbers are sequence_steps' and read as taken together here.

    - every dosed line bounded by boundsDuration or boundsPeriod (the last may be open: a
      titration going on at its last dose), the bounds not all the same, and the lines following
      one another (each boundsPeriod starting no earlier than the line before it ends): steps,
      in the order written (by boundsPeriod.start when every line has one);
    - no line bounded, or all with the same boundsPeriod, each line at its own times of day (`when`,
      `timeOfDay`, or the sig's "every morning" / "at bedtime"), none shared: one day's doses;
    - no line bounded, or all with the same boundsPeriod, every line on the same schedule (the
      same administrations a day and the same times of day, or none named: "2 tablets daily" +
      "1 tablet daily", recheck 13 n21), no two lines the same: one day's doses. Nothing in
      such lines says one comes after the other, and a dose made of two tablet counts or two
      strengths is written this way; reading it as "to confirm" told a responder on 150 mg that
      the trial was not adequate. Lines on different schedules ("daily" + "twice daily") and
      identical lines (`same_schedule`) stay to confirm;
    - a line taken as needed beside the others: one day's doses (dose.py reads the as-needed
      line as an extra on top of the scheduled one, never as a step);
    - before the two unbounded readings above, the lines' own text (`_text_steps`): "Take 40 mg
      daily for 7 days" + "Then take 20 mg daily" is a taper written in words (recheck 13-2
      m27), steps when every line but the last says how long it lasts, else to confirm at its
      highest line; summing it read 60 mg/day, above citalopram's maximum;
    - anything else: to confirm."""
    if not dosages or len(dosages) < 2:
        return _TOGETHER
    lines = [d for d in dosages if isinstance(d, JSON_OBJECT)]
    if any(d.get("sequence") is not None for d in lines):
        return _TOGETHER
    dosed = [(n, d) for n, d in enumerate(lines, start=1) if _dosed(d)]
    if len(dosed) < 2:
        return _TOGETHER
    if any(_as_needed(d) for _, d in dosed):
        return _TOGETHER
    bounds = [_bounds(d) for _, d in dosed]
    numbers = tuple(n for n, _ in dosed)
    # The same boundsPeriod on every line (Epic copies the order's period onto each) bounds
    # none of them apart; the same boundsDuration is steps of one length (7 days each).
    if all(b is None for b in bounds) or _shared_period([d for _, d in dosed]):
        unbounded = [d for _, d in dosed]
        in_words = _text_steps(unbounded, numbers)
        if in_words is not None:
            return in_words
        if apart_in_the_day(unbounded) or same_schedule(unbounded):
            return _TOGETHER
        return LineShape((), numbers)
    if any(b is None for b in bounds[:-1]):
        return LineShape((), numbers)  # an open line before a bounded one: no order to read
    ordered = [d for _, d in dosed]
    starts = [_period_start(d) for d in ordered]
    known = [s for s in starts if s is not None]
    if len(known) == len(starts):
        ordered = [d for _, d in sorted(zip(known, ordered, strict=True), key=lambda p: p[0])]
    elif not any(s is not None for s in starts) and apart_in_the_day(ordered):
        # Durations only, each line at its own time of day: "50 mg every morning for 7 days"
        # beside "100 mg at bedtime for 7 days" may be one day's doses as well as two steps.
        return LineShape((), numbers)
    if not _follow(ordered):
        return LineShape((), numbers)
    return LineShape(tuple((d,) for d in ordered))


# Words of a sig line that put it after the line before it ("Then take 20 mg daily"): sig
# grammar, as dose_sig's `_STEP`, not a clinical fact.
_AFTER_WORDS = re.compile(r"^\W*(?:and\s+)?then\b|\b(?:after\s+that|thereafter|afterwards?)\b")


def _text_steps(lines: Sequence[Mapping[str, Any]], numbers: tuple[int, ...]) -> LineShape | None:
    """The shape unbounded lines' text gives them (recheck 13-2 m27), None when it says none.

    The text marks steps when a line after the first begins "then" (or says "after that",
    "thereafter"), or a line before the last says how long it lasts ("for 7 days", "x 2
    weeks"): nobody writes a duration on the first of two doses taken together for good. Then:
    - every line but the last says its days: consecutive steps in the order written (the last
      may go on: a taper to a lower dose that continues);
    - else: to confirm, its ceiling at the highest line (`LineShape.highest_line`): the words
      say the lines follow one another, so their sum is a dose nobody takes.
    Lines at their own times of day with durations and no "then" ("50 mg every morning for 7
    days" + "100 mg at bedtime for 7 days") may be one day's doses as well as steps, as their
    boundsDuration twins are: to confirm at their sum, the safer ceiling."""
    texts = [" ".join(line_texts(line)).lower() for line in lines]
    days = [text_days(line) for line in lines]
    # Step words ("Week 1:", "Increase to": fix dose71) say the lines follow one another too.
    after = any(_AFTER_WORDS.search(t) for t in texts[1:]) or any(map(has_step_words, texts))
    if not after and all(d is None for d in days[:-1]):
        return None
    if not after and apart_in_the_day(lines):
        return LineShape((), numbers)
    if all(d is not None for d in days[:-1]):
        return LineShape(tuple((line,) for line in lines))
    return LineShape((), numbers, highest_line=True)


def text_days(line: Mapping[str, Any]) -> int | None:
    """The days a line's own text says it lasts, else None (taper.line_steps reads the length
    of an unbounded step written in words)."""
    text = " ".join(line_texts(line))
    if not text:
        return None
    days = sig_step_days(text)
    if days is None:
        # "Week 1", "Days 1-7" (fix dose71): the course days a step covers are its length.
        own = course_days(text)
        days = own.last - own.first + 1 if own is not None and own.last is not None else None
    return days


def _dosed(line: Mapping[str, Any]) -> bool:
    """A line stating an amount (structured, or in its sig); "take with food" states none."""
    if line.get("doseAndRate") or "doseQuantity" in line or "doseRange" in line:
        return True
    return any(sig_doses(t) for t in line_texts(line))


def _as_needed(line: Mapping[str, Any]) -> bool:
    if line.get("asNeededBoolean") is True or isinstance(
        line.get("asNeededCodeableConcept"), JSON_OBJECT
    ):
        return True
    return any(sig_as_needed(t) for t in line_texts(line))


def _bounds(line: Mapping[str, Any]) -> object:
    """The line's boundsPeriod or boundsDuration as written (compared, not read), else None."""
    repeat = line_repeat(line)
    if repeat is None:
        return None
    found = repeat.get("boundsPeriod") or repeat.get("boundsDuration")
    return found if isinstance(found, JSON_OBJECT) else None


def _period(line: Mapping[str, Any]) -> object:
    repeat = line_repeat(line)
    period = repeat.get("boundsPeriod") if repeat is not None else None
    return period if isinstance(period, JSON_OBJECT) else None


def _period_start(line: Mapping[str, Any]) -> date | None:
    repeat = line_repeat(line)
    period = repeat.get("boundsPeriod") if repeat is not None else None
    return parse_date(period.get("start")) if isinstance(period, JSON_OBJECT) else None


def _period_end(line: Mapping[str, Any]) -> date | None:
    repeat = line_repeat(line)
    period = repeat.get("boundsPeriod") if repeat is not None else None
    return parse_date(period.get("end")) if isinstance(period, JSON_OBJECT) else None


def _follow(lines: Sequence[Mapping[str, Any]]) -> bool:
    """Each line begins no earlier than the one before it ends, where both state dates; a line
    with a duration only follows the one before it by definition."""
    for before, after in zip(lines, lines[1:], strict=False):
        end, begin = _period_end(before), _period_start(after)
        if end is not None and begin is not None and begin < end:
            return False
        first = _period_start(before)
        if first is not None and begin is not None and begin <= first:
            return False
    return True
