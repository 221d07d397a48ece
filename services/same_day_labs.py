"""Two or more results of one test on one day that disagree (lab59 item 1): a TSH 12.1 mIU/L at
08:00 and 2.1 at 14:00, a sodium 128 then 136, a lithium level 1.6 then 0.9.

Until lab59 the latest of the day decided and the earlier abnormal one went unnamed: a card
claimed more than the record shows (a normal day). Now, when the day's results fall on different
sides of a line (the lab's flag, a critical call, or a line of data/lab_safety.csv), the safer
reading decides: the abnormal one, and of two abnormal ones the one further in the direction the
test's lines guard (a higher lithium or QTc, a lower sodium). Why the safer and not the later:
a repeat drawn the same day may be a recheck of a haemolysed or drip-arm sample, or may not; the
record does not say which, and acting on a normal value while an abnormal one stands is the
error that harms (a toxic lithium, a prolonged QTc, a profound hyponatraemia missed), where
acting on the abnormal one costs a repeat. The card names every result of the day with its time
and resource id (`LabResult.same_day`), so the clinician sees both and judges which stands.

Results that agree (the same value twice, two normal values, two above the same lines) keep the
order context.py gave them (latest instant first): nothing to name. Only results of the day with
a value or flag are weighed. A preliminary result is superseded only by a final one of the same
draw (the same instant, or the same identifier or order: `LabResult.draw`; review K40b s34
finding 4, a preliminary B12 150 and its final 400 both at 09:00Z); a preliminary of another draw
is one more result to weigh, and named "preliminary" (lab60 item 2: a preliminary lithium 1.6 H
at 08:00 went unnamed beside a final 0.9 at 14:00, and TMS was offered). Why weigh it: the
final of its own draw has not come, and the earlier draw may be the true level; the safer
reading costs a repeat, the other a toxic level missed.

Only the lines that are this patient's are weighed (lab61 item 4): an age row of data/lab_safety.csv
(a `min_age`, or a "-older" check) only at its age and over, as the cards read them. The lithium
rows at 65 and over (lithium-high-older 0.8, lithium-target-older 0.4-0.6) were weighed at any age:
at 51 a lithium 0.55 and 0.65 of one day, both inside the 0.5-0.8 target of that age, were said to
"disagree" across the older target's 0.6, and the higher read. An unknown age weighs the general
lines only, as the cards do (lab_safety.level_target: nothing says older).

The age of each row is the one its cards read it from (lab62, decided per row):
- a "-older" row with no `min_age` is the clinic's older-adult notion: weighed from
  policy.older_adult_age (`PatientRecord.older_adult_age`, set by the evaluation; decided by
  lab_rules.is_older, as the cards decide it). That is lithium-target-older (0.4-0.6) and, since
  lab63, lithium-high-older (0.8: its fixed 65 was emptied, so the running-lithium card, the
  optimise hold and this weighing read one age). lithium-target-older was weighed from 65: with a
  clinic age of 70, a lithium 0.55 and 0.65 at 67 "disagreed" across 0.6 while every card read
  the 0.5-0.8 target of that age.
- a row with a `min_age` keeps it: its age is the row's own clinical threshold, and its cards
  read it so. qtc-older citalopram from 60 is the FDA's age for the dose-dependent QT risk, not
  the clinic's "older adult" (rules/running_qtc.py reads min_age; escitalopram's 65 likewise).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from fhir_mapping.lab_status import shown as status_shown
from fhir_mapping.lab_units import ranged
from fhir_mapping.record import LabResult, PatientRecord
from services import cards, unit_display
from services.lab_rules import LabRule, is_older, rules
from services.same_day_note import read_words

# The flags that say a result is out of its range.
_SIDES = frozenset({"high", "low"})

# (the patient's age, the clinic's policy.older_adult_age): what picks the lines weighed.
_Ages = tuple[int | None, int]


@cache
def _rows(test: str) -> tuple[LabRule, ...]:
    """The rows of data/lab_safety.csv for `test` with a line."""
    return tuple(r for r in rules() if r.test == test and (r.low is not None or r.high is not None))


@cache
def _lines(
    test: str, age: int | None, older_age: int
) -> tuple[tuple[str, float | None, float | None], ...]:
    """(check, low, high) of each line of `test` that is this patient's at `age`, with the
    clinic's `older_age` (policy.older_adult_age; module doc)."""
    return tuple((r.check, r.low, r.high) for r in _rows(test) if _applies(r, age, older_age))


def _applies(row: LabRule, age: int | None, older_age: int) -> bool:
    """A row for every age, or an age row at its age and over: its own `min_age` (a clinical
    threshold the cards read as written), else for a "-older" row the clinic's older-adult age
    (lab61 item 4, lab62; module doc)."""
    if row.min_age is not None:
        return age is not None and age >= row.min_age
    if not row.check.endswith("-older"):
        return True
    return is_older(age, older_age)  # the one place that decides "older adult" (lab63)


@cache
def _direction(test: str) -> int:
    """+1 when the test's lines guard against a high value only (lithium, QTc, a TCA level), -1
    against a low one only (sodium), 0 otherwise and for the tests judged by their default
    interval (TSH, B12, folate, vitamin D: either side may be the finding, the flag decides)."""
    if ranged(test):
        return 0
    lines = [(r.low, r.high) for r in _rows(test)]  # every row: the side is the test's
    high = any(lo is None and hi is not None for lo, hi in lines)
    low = any(hi is None and lo is not None for lo, hi in lines)
    return 1 if high and not low else -1 if low and not high else 0


def _beyond(lab: LabResult, number: float | None, age: _Ages) -> frozenset[str]:
    """The checks whose line an exact value is beyond (a bound is judged by its flag only)."""
    if number is None or lab.comparator is not None:
        return frozenset()
    return frozenset(
        check
        for check, low, high in _lines(lab.test, *age)
        if (high is not None and number > high) or (low is not None and number < low)
    )


def _state(lab: LabResult, number: float | None, age: _Ages) -> tuple[bool, str, frozenset[str]]:
    """Where a result stands: critical, its side when flagged out of range, the lines passed."""
    return lab.critical, lab.flag if lab.flag in _SIDES else "", _beyond(lab, number, age)


def _rank(lab: LabResult, number: float | None, age: _Ages) -> tuple[bool, bool, float]:
    critical, side, lines = _state(lab, number, age)
    danger = (number or 0.0) * _direction(lab.test)
    return critical, bool(side or lines), danger


def ordered_day(
    day: Sequence[LabResult],
    numbers: Sequence[float | None],
    *,
    age: int | None,
    older_age: int,
) -> list[LabResult]:
    """One test's results of one day (latest first) with the safer one first and the day's
    disagreement noted on it when they disagree; as given otherwise. `numbers`: each result's
    value in the table's unit (lab_readings.value), None when not compared; `age`: the
    patient's, which picks the lines weighed (lab61 item 4), with `older_age`, the clinic's
    policy.older_adult_age (lab62)."""
    ages: _Ages = (age, older_age)
    pairs = list(zip(day, numbers, strict=True))
    finals = [lab.draw for lab in day if not lab.status]
    superseded = [(lab, n) for lab, n in pairs if lab.status and _same_draw(lab, finals)]
    if superseded:  # after the finals that replace them: a reader takes the first of a day
        pairs = [pair for pair in pairs if pair not in superseded] + superseded
        day = [lab for lab, _n in pairs]
    weighed = [(lab, n) for lab, n in pairs if (n is not None or lab.flag)]
    weighed = [pair for pair in weighed if pair not in superseded]
    if len({_state(lab, n, ages) for lab, n in weighed}) < 2:
        return list(day)
    ranked = sorted(
        weighed, key=lambda pair: _rank(pair[0], pair[1], ages), reverse=True
    )  # stable: of equals the first given, the latest
    safer = ranked[0][0]
    note = f"results of {safer.date.isoformat()} disagree: " + "; ".join(
        _named(lab)
        for lab, _n in reversed(weighed)  # earliest first, as drawn
    )
    decided = _decided_by(*(_rank(lab, n, ages) for lab, n in ranked[:2]))
    note += f"; {read_words(decided, _direction(safer.test))}"
    rest = [lab for lab in day if lab is not safer]
    return [replace(safer, same_day=note), *rest]


def _decided_by(first: tuple[bool, bool, float], second: tuple[bool, bool, float]) -> str:
    """What put the safer result before the next (lab62): the lab's critical call, being out of
    range against one in range, the side the test's lines guard, or nothing (the latest)."""
    for kind, a, b in zip(("critical", "abnormal", "side"), first, second, strict=True):
        if a != b:
            return kind
    return "latest"


def _same_draw(lab: LabResult, finals: Sequence[tuple[str, ...]]) -> bool:
    """`lab` shares a draw key with one of `finals` (each final result's `draw`)."""
    return bool(lab.draw) and any(not set(lab.draw).isdisjoint(keys) for keys in finals)


def _named(lab: LabResult) -> str:
    """ "12.1 mIU/L high at 08:00-05:00 (Observation/tsh-1)"."""
    value = "no value" if lab.value is None else cards.fmt_mg(lab.value)
    unit = f" {unit_display.display(lab.unit)}" if lab.unit and lab.value is not None else ""
    flag = f" {lab.flag}" if lab.flag else ""
    flag += f" ({status_shown(lab.status)})" if lab.status else ""  # lab60 item 2
    sign = f"{lab.comparator} " if lab.comparator else ""
    at = f" at {lab.at}" if lab.at else " (time not stated)"
    source = f" ({lab.source})" if lab.source is not None else ""
    return f"{sign}{value}{unit}{flag}{at}{source}"


def safer_of(record: PatientRecord, lab: LabResult) -> LabResult:
    """The result to read in place of `lab` (a reader's latest of its test): the first of its
    day in lab_readings.newest_first when its day's results disagree, else `lab`. A preliminary
    one decides over a final only when it is of another draw (`ordered_day` weighs no
    preliminary a final of its draw replaced: lab60 item 2)."""
    from services.lab_readings import newest_first  # lab_readings calls back here

    first = next(iter(newest_first(record, lab.test)), None)
    if first is None or not first.same_day or first.date != lab.date:
        return lab
    return first
