"""How the clauses of one sig read together (review s23 RR finding 3).

dose_sig.sig_doses cuts a sig at each amount and reads each clause's administrations a day
(dose_sig.clause_reading). Since clock times became times of day (sig_times.py), three shapes
read more than the record shows, each doubling a sertraline dose the fills gave as half of it:

1. The same time in two clauses ("1 tablet at 8 AM and 1 tablet at 8 AM"): two clauses that
   give the same amount at exactly the same times, with no rate, are one dose written twice:
   counted once (`_same_dose_twice`).
2. A clock time in one clause and a word of its own slot in the next ("1 tab qam and 1 tab at
   8 AM"): probably the same dose, the word and the hour of it, perhaps two. Read as one dose at
   1-2 a day and marked unclear, as a clock time joined to such a word inside one clause is
   (sig_times.restated: "at bedtime and at 9 PM").
3. One amount after the times it is for, with no rate and no "each" ("8am and 8pm 2 tabs"):
   the 2 tablets are each time's or the day's, split over the times (1 each). Read as the range
   of both (2-4 tablets a day) and marked unclear (`_amount_after_times`). A count that cannot be
   split into whole units a time ("8am and 8pm 1 tab") is read as each time's, the usual sense.

Every range is read as sig dose ranges are (dose.py's docstring): the low end for adequacy and
raises, the high end for the too-high checks and days of supply; the dose card quotes the words
(sig_unclear.py) so the clinician checks the sig. Different amounts at one time ("1 tab at 8 AM
and 2 tabs at 8 AM") are left as two doses: nothing says which is the repeat."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from fhir_mapping.sig_amounts import SigAmount
from fhir_mapping.sig_times import TimeEvent, restates


@dataclass(frozen=True, slots=True)
class ClauseReading:
    """A clause's (lower, upper) administrations per day (None: it says none), the words of a
    rate and times of day that disagree ("twice daily at bedtime"; sig_times.settle) or of a
    time said twice (sig_times.restated), else None; its times of day, and whether it states a
    rate ("bid", "every 12 hours")."""

    per_day: tuple[float, float] | None
    unclear: str | None = None
    events: tuple[TimeEvent, ...] = ()
    rated: bool = False


@dataclass(frozen=True, slots=True)
class SigDose:
    """One dose of a sig: `value` per administration (the lower end of "1-2 tablets"), its kind,
    its (lower, upper) administrations per day, the upper end of a range (None: none), and the
    words of the sig that leave it unclear (None: none)."""

    value: float
    kind: str
    per_day: tuple[float, float] | None
    high: float | None = None
    unclear: str | None = None


# Words after an amount that make it each time's: "2 tabs each", "2 tabs each time", "per dose".
_EACH = re.compile(r"\b(?:each|apiece|per\s+dose|every\s+time)\b")


def read_together(
    text: str, found: list[SigAmount], readings: list[ClauseReading], doses: list[SigDose]
) -> list[SigDose]:
    """The doses of a sig's clauses (`doses`, one per amount of `found` and clause reading of
    `readings`, the clauses cut at each amount's start) read together (module docstring)."""
    if not doses:
        return doses
    found, readings = list(found), list(readings)
    end = found[1].start if len(found) > 1 else len(text)
    out = [_amount_after_times(text, (found[0], end), readings[0], doses[0]), *doses[1:]]
    i = 1
    while i < len(out):
        begin = (0 if i == 1 else found[i - 1].start, found[i].start)
        merged = _same_dose_twice(text, begin, readings[i - 1 : i + 1], out[i - 1], out[i])
        if merged is None:
            i += 1
            continue
        out[i - 1 : i + 1] = [merged]
        del found[i], readings[i]
    return out


def _amount_after_times(
    text: str, clause: tuple[SigAmount, int], reading: ClauseReading, dose: SigDose
) -> SigDose:
    """Shape 3 of the module docstring, in the sig's first clause (`clause`: its amount and
    where it ends)."""
    amount, end = clause
    per_day = dose.per_day
    if (
        per_day is None
        or reading.rated
        or per_day[0] < 2
        or not reading.events
        or any(e.end > amount.start for e in reading.events)
        or dose.unclear is not None
        or _EACH.search(text, amount.end, end) is not None
    ):
        return dose
    low = dose.value / per_day[0]  # the day's amount, split over its times
    if dose.kind == "count" and low < 1:
        return dose  # "8am and 8pm 1 tab": half a tablet a time is not how a count is written
    words = text[min(e.start for e in reading.events) : amount.end]
    return replace(dose, value=low, high=dose.high or dose.value, unclear=words)


def _same_dose_twice(
    text: str,
    begins: tuple[int, int],
    readings: list[ClauseReading],
    one: SigDose,
    two: SigDose,
) -> SigDose | None:
    """Shapes 1 and 2 of the module docstring: one dose for two clauses in a row, or None when
    they are two doses. `begins` are where the two clauses start in the sig."""
    first, second = readings
    if (
        first.rated
        or second.rated
        or not first.events
        or not second.events
        or one.per_day is None
        or two.per_day is None
        or (one.value, one.kind, one.high) != (two.value, two.kind, two.high)
        or one.unclear is not None
        or two.unclear is not None
    ):
        return None
    if {e.key for e in first.events} == {e.key for e in second.events}:
        return one  # "1 tablet at 8 AM and 1 tablet at 8 AM": written twice, counted once
    if len(first.events) != 1 or len(second.events) != 1:
        return None
    a, b = first.events[0], second.events[0]
    if not restates(a, b):
        return None
    # "1 tab qam and 1 tab at 8 AM": one dose or two.
    per_day = (max(one.per_day[0], two.per_day[0]), one.per_day[1] + two.per_day[1])
    words = text[begins[0] + a.start : begins[1] + b.end]
    return replace(one, per_day=per_day, unclear=words)
