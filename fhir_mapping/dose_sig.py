"""The free-text sig (dose.py's last resort): its amounts ("100 mg", "1-2 tabs"), its
administrations per day ("bid", "every 4-6 hours", "in the morning and at bedtime"), as-needed
("prn"), and the step of a titration or conditional sig that says the dose the patient ends on."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from fhir_mapping import sig_numbers
from fhir_mapping.dose_tables import (
    as_needed_terms,
    frequency_table,
    time_slots,
    unit_factor,
)
from fhir_mapping.sig_amounts import NUM, UNREAD, SigAmount, alternative, sig_amounts
from fhir_mapping.sig_clauses import ClauseReading, read_together
from fhir_mapping.sig_clauses import SigDose as _SigDose
from fhir_mapping.sig_times import TimeEvent, clock_events, restated, settle, times_per_day

_EVERY_HOURS = re.compile(
    rf"\b(?:every|q)\s*(?P<n>{NUM})\s*(?:-\s*(?P<hi>{NUM})\s*)?(?:h|hr|hrs|hour|hours)\b"
)
_EVERY_DAYS = re.compile(rf"\bevery\s*(?P<n>{NUM})\s*days?\b")
_TIMES_A_DAY = re.compile(
    rf"\b(?:(?P<lo>{NUM})\s*(?:-|to|or)\s*)?(?P<n>{NUM})\s*(?:x|times)\s*(?:a|per|each)?\s*"
    r"(?:day|daily)\b"
)
# The words of data/sig_frequencies.csv's `as-needed` rows ("prn", "as needed", "as required").
PRN = re.compile(
    r"\b(?:"
    + "|".join(re.escape(t) for t in sorted(as_needed_terms(), key=len, reverse=True))
    + r")\b"
)
# A conditional increase ("may increase to 100 mg if needed", "increase to 2 tablets if
# needed"): its "if needed" is about a later dose, not the dose taken now, so it never makes the
# dose as needed. A scheduled titration read as "as needed" would lose its weeks at an adequate
# dose (services never count an as-needed dose toward a trial).
_INCREASE = re.compile(
    r"\b(?:(?:may|can|could)\s+(?:increase|titrate|go\s+up|raise)|increase\s+(?:to|by)|titrate)"
    r"\b[^.;]*"
)
_DISPENSE = re.compile(
    rf"(?:#|\bdisp(?:ense)?\b:?|\bqty\b:?|\bquantity\b:?|\brefills?\b:?)\s*{NUM}\s*[a-z{{}}]*"
)
# "1 tablet (50 mg total)": the mass in parentheses is the dose; "100 mg (2 tablets)": the mass is.
_COUNT_THEN_MASS = re.compile(
    rf"{NUM}\s*(?:[a-z{{}}]+\s*){{0,3}}\(\s*(?P<mass>{NUM}\s*(?:mg|mcg|ug|g))\b[^)]*\)"
)
# Oracle Health (Cerner) writes the mass equal to the count: "50 mg = 1 tab(s)": the mass is.
_MASS_THEN_COUNT = re.compile(
    rf"(?P<mass>{NUM}\s*(?:mg|mcg|ug|g))\s*(?:\(\s*{NUM}\s*[a-z{{}}]+[^)]*\)|"
    rf"=\s*{NUM}\s*[a-z{{}}]+(?:\(s\))?)"
)


def normalise_sig(text: str) -> str:
    text = text.lower()
    text = re.sub(r"(?<=[a-z])\.(?=[a-z])", "", text)  # b.i.d. -> bid.
    text = re.sub(r"(?<=[a-z])\.", " ", text)  # bid. -> bid
    # Words and halves as digits, a mixed number as one ("1 1/2" 1.5: sig_numbers.py, fix dose51).
    text = sig_numbers.digits(text)
    # Epic writes the number twice: "2 (two) times daily" -> "2 (2) times daily" -> "2 times daily".
    text = re.sub(r"\b(\d+(?:\.\d+)?)\s*\(\s*\1\s*\)", r"\1", text)
    text = _DISPENSE.sub(" ", text)
    text = _COUNT_THEN_MASS.sub(lambda m: m.group("mass"), text)
    text = _MASS_THEN_COUNT.sub(lambda m: m.group("mass"), text)
    return " ".join(text.split())


@cache
def _term_pattern() -> re.Pattern[str]:
    _, terms = frequency_table()
    names = sorted(terms, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(" + "|".join(re.escape(n) for n in names) + r")(?![a-z0-9])")


def _clause_frequency(clause: str) -> tuple[float, float] | None:
    """(lower, upper) administrations per day said in a piece of sig (`clause_reading`)."""
    return clause_reading(clause).per_day


def clause_reading(clause: str) -> ClauseReading:
    """The administrations per day said in a piece of sig: the largest rate ("bid" -> 2), else
    the times of day it names (sig_times.times_per_day: "in the morning and at bedtime" -> 2;
    "nightly at bedtime" -> 1, both words name the bedtime slot; "at 8 AM and 8 PM" -> 2). A
    range ("1-2 times a day", "every 4-6 hours") gives its two ends; otherwise both are the
    same. Times of day the words leave open as one time or two ("every evening at bedtime"),
    and a rate that disagrees with the times beside it ("twice daily at bedtime"), give a range
    too (sig_times.py), read as sig dose ranges are (dose.py's docstring)."""
    _, terms = frequency_table()
    slots = time_slots()
    rates: list[tuple[float, float]] = []
    events: list[TimeEvent] = []
    marks: list[tuple[int, int]] = []
    for match in _term_pattern().finditer(clause):
        kind, per_day = terms[match.group(1)]
        marks.append(match.span())
        if kind == "rate":
            rates.append((per_day, per_day))
        else:
            slot = slots[match.group(1)]
            events.append(TimeEvent(slot, slot, match.start(), match.end()))
    for match in _EVERY_HOURS.finditer(clause):
        hours = float(match.group("n"))
        longest = float(match.group("hi")) if match.group("hi") else hours
        if hours > 0 and longest > 0:
            # Every 4-6 hours: 4 a day at the least (every 6 h), 6 at the most (every 4 h).
            rates.append((24.0 / max(hours, longest), 24.0 / min(hours, longest)))
            marks.append(match.span())
    for match in _EVERY_DAYS.finditer(clause):
        days = float(match.group("n"))
        if days > 0:
            rates.append((1.0 / days, 1.0 / days))
    for match in _TIMES_A_DAY.finditer(clause):
        most = float(match.group("n"))
        least = float(match.group("lo")) if match.group("lo") else most
        rates.append((min(least, most), max(least, most)))
        marks.append(match.span())
    clocks = clock_events(clause)
    events.extend(clocks)
    marks.extend((e.start, e.end) for e in clocks)
    times = times_per_day(events, clause)
    said = tuple(events)
    if not rates:
        # "at bedtime and at 9 PM": one time said twice, or two (sig_times.restated).
        twice = restated(events, clause)
        return ClauseReading(times, None if twice is None else clause[slice(*twice)], said)
    rate = (max(r[0] for r in rates), max(r[1] for r in rates))
    settled, unclear = settle(rate, times)
    if not unclear:
        return ClauseReading(settled, None, said, True)
    words = clause[min(a for a, _ in marks) : max(b for _, b in marks)]
    return ClauseReading(settled, words, said, True)


def sig_times_of_day(text: str) -> frozenset[str]:
    """The times of day a sig names ("every morning", "at bedtime", "qhs"), as their slots: the
    FHIR EventTiming codes of the `event` rows of data/sig_frequencies.csv (MORN, EVE, HS...),
    the codes a structured `timing.repeat.when` carries, so a line's sig and another line's
    `when` compare. Two dosage lines naming different ones are doses of one day
    (dose_steps.unsequenced_shape); a rate ("bid") is no time of day. A clock time ("at 8 PM")
    is given as "20:00", as dose_steps reads a structured `timeOfDay`."""
    slots = time_slots()
    normalised = normalise_sig(text)
    words = {slots[m.group(1)] for m in _term_pattern().finditer(normalised) if m.group(1) in slots}
    return frozenset(words | {e.key for e in clock_events(normalised)})


def sig_as_needed(text: str) -> bool:
    """Whether a sig says its dose is taken as needed ("every 6 hours as needed for pain", "qhs
    prn sleep", "as required"); a conditional increase ("may increase to 100 mg if needed") does
    not. The increase is cut out before the sig is normalised, while its full stops still end it."""
    lowered = text.lower()
    if _INCREASE.search(lowered) is not None:
        lowered = _INCREASE.sub(" ", lowered)
    return PRN.search(normalise_sig(lowered)) is not None


def sig_frequency_bounds(text: str) -> tuple[float, float] | None:
    """(lower, upper) administrations per day said anywhere in a sig, or None."""
    normalised = normalise_sig(text)
    found = _clause_frequency(normalised)
    if found is not None and sig_as_needed(text):
        found = (min(found[0], 1.0), min(found[1], 1.0))
    return found


def sig_frequency(text: str) -> float | None:
    """Administrations per day said anywhere in a sig (the lower end of a range), or None."""
    found = sig_frequency_bounds(text)
    return found[0] if found is not None else None


# A sig in steps ("1 tablet daily for 7 days, then 1.5 tablets daily") or with a conditional
# increase ("50 mg daily. May increase to 100 mg if tolerated") describes doses taken one after
# another or perhaps later, never together: adding them up gave 62.5 mg/day for a 25 then
# 37.5 mg titration and counted it as an adequate trial (review finding). The dose the patient
# is on is the last step that is neither a condition nor a stop, as the last `sequence` of
# structured lines is (dose.py's docstring).
_STEP = re.compile(r"(?:[.;,]\s*|\s)(?:and\s+)?then\b|(?<=[a-z]{2})\.\s+(?=[a-z])|;\s*")
_CONDITIONAL = re.compile(
    r"\b(?:may|can|could)\s+(?:increase|titrate|go\s+up|raise)|\bif\s+(?:tolerated|needed)\b|"
    r"\bas\s+tolerated\b|\bincrease\s+(?:to|by)\b|\btitrate\b"
)
_STOP = re.compile(r"^\s*(?:stop|discontinue|off)\b")


def changes_dose(text: str) -> bool:
    """Whether a sig says its dose may change ("then increase to 2 tablets if tolerated", "may
    increase to 100 mg"): a later dose it allows is no dose against it (fill_order_dose.py)."""
    lowered = text.lower()
    return " then" in lowered or ",then" in lowered or _CONDITIONAL.search(lowered) is not None


def governing_step(text: str) -> str:
    """The part of a sig that says the dose the patient ends on: the last step that gives an
    amount and is neither conditional ("may increase to 100 mg") nor a stop. A sig without
    "then" or a conditional increase is returned whole (its doses are taken together: "1 in
    the morning and 2 at night")."""
    lowered = text.lower()
    if " then" not in lowered and ",then" not in lowered and not _CONDITIONAL.search(lowered):
        return text
    steps = [s for s in _STEP.split(lowered) if s.strip()]
    kept = [s for s in steps if not _CONDITIONAL.search(s) and not _STOP.match(s) and sig_doses(s)]
    return kept[-1] if kept else text


def sig_doses(text: str) -> list[_SigDose]:
    """The doses a sig gives, each with its administrations a day; [] when it gives none, one
    dose of kind UNREAD when it gives one that cannot be read (sig_amounts.py)."""
    normalised = normalise_sig(text)
    found = sig_amounts(normalised)
    if found is None:
        return [_SigDose(0.0, UNREAD, None)]
    doses: list[_SigDose] = []
    readings: list[ClauseReading] = []
    for i, amount in enumerate(found):
        begin = 0 if i == 0 else amount.start
        end = found[i + 1].start if i + 1 < len(found) else len(normalised)
        readings.append(clause_reading(normalised[begin:end]))
        high = amount.high if amount.high != amount.low else None
        doses.append(
            _SigDose(amount.low, amount.kind, readings[-1].per_day, high, readings[-1].unclear)
        )
    doses = _join_alternatives(normalised, found, doses)
    if len(doses) == len(found):  # no alternatives: the clauses read together (sig_clauses.py)
        doses = read_together(normalised, found, readings, doses)
    if len(doses) > 1 and any(d.per_day is not None for d in doses):
        # An amount with no frequency of its own next to one that has one describes the product
        # ("50 mg tablet: take 100 mg daily"), not a further dose.
        doses = [d for d in doses if d.per_day is not None]
    if sig_as_needed(text):
        doses = [
            replace(d, per_day=(min(d.per_day[0], 1.0), min(d.per_day[1], 1.0))) if d.per_day else d
            for d in doses
        ]
    return doses


def _join_alternatives(text: str, found: list[SigAmount], doses: list[_SigDose]) -> list[_SigDose]:
    """Alternatives ("5 mg or 10 mg", "10 mg daily or 20 mg daily") as one range; a sig whose
    alternatives differ in kind or frequency as UNREAD (sig_amounts.py)."""
    if not doses:
        return doses
    out = [doses[0]]
    for i in range(1, len(doses)):
        if not alternative(text, found[i - 1], found[i]):
            out.append(doses[i])
            continue
        one, two = out[-1], doses[i]
        # The first alternative's clause ends where the second starts: "5 mg or" has no frequency
        # of its own when the one after it is shared ("5 mg or 10 mg daily").
        per_day = two.per_day if one.per_day is None else one.per_day
        if one.kind != two.kind or two.per_day not in (None, per_day):
            return [_SigDose(0.0, UNREAD, None)]
        low = min(one.value, two.value)
        high = max(one.high or one.value, two.high or two.value)
        unclear = one.unclear or two.unclear
        out[-1] = _SigDose(low, one.kind, per_day, high if high != low else None, unclear)
    return out


# --------------------------------------------------------------------------------------------
# Tapers to a stop (review 10 finding 11)

# The words of a sig that takes the drug down to a stop: "..., then stop", "taper off", "wean",
# "decrease to 37.5 mg, then discontinue". Sig grammar, like the `_STOP` step above, not a
# clinical fact. A dose reduction that does not stop ("decrease to 75 mg daily") is no taper to
# a stop: the course goes on at the lower dose.
_TAPER_WORDS = re.compile(
    r"\bthen\s+(?:stop|discontinue|off)\b|\btaper(?:ing)?\b|\bwean(?:ing)?\b|"
    r"\b(?:decrease|reduce)\b.*\b(?:stop|discontinue)\b"
)
# A warning about stopping is not a plan to stop: "do not stop abruptly; taper when stopping".
_NEGATED = re.compile(
    r"\b(?:do\s+not|don'?t|never|avoid)\b[^.;]*"
    # ... nor is advice on how to stop one day ("taper when stopping", "wean if discontinued"),
    # nor a taper up ("taper up to 150 mg"): none says this course is being stopped.
    r"|\b(?:taper|wean)\w*\s+(?:when|if|before|on)\s+(?:stopp|discontinu)\w*"
    r"|\btaper\w*\s+up\b"
)
_FOR_TIME = re.compile(rf"\b(?:for|x|times)\s*(?P<n>{NUM})\s*(?P<u>[a-z]+)\b")


@dataclass(frozen=True, slots=True)
class TaperStep:
    """One step of a taper sig: its dose a day (in mg, None when the sig gives it in units the
    product's strength cannot turn into mg) and its length in days (None: not said)."""

    mg_per_day: float | None
    days: int | None


@dataclass(frozen=True, slots=True)
class Taper:
    """A sig that takes the drug down to a stop. `steps` are its dose steps in order, as the sig
    gives them (empty when it names none: "taper off over 2 weeks as directed"). `stops` is
    False for the steps of dosage lines in sequence that do not end the drug (a titration up:
    taper.line_steps): dose steps only, no stop."""

    steps: tuple[TaperStep, ...]
    stops: bool = True

    @property
    def days(self) -> int | None:
        """Its whole length when every step says its days, else None."""
        if not self.steps or any(s.days is None for s in self.steps):
            return None
        return sum(s.days for s in self.steps if s.days is not None)


@lru_cache(maxsize=4096)
def is_taper(text: str) -> bool:
    """Whether a sig takes the drug down to a stop (`_TAPER_WORDS`). Remembered by text: every
    order and statement asks, and a chart repeats a few sigs many times (issue 14)."""
    return _TAPER_WORDS.search(_NEGATED.sub(" ", text.lower())) is not None


def read_taper(text: str, strength_mg: float | None) -> Taper | None:
    """The taper a sig describes, or None when it is none (`is_taper`). Each step that gives an
    amount is a TaperStep: "Take 75 mg daily for 7 days, then 37.5 mg daily for 7 days, then
    stop" -> (75 mg, 7 days), (37.5 mg, 7 days). An amount in tablets or capsules becomes mg by
    `strength_mg` (None without it); a step of several amounts or frequencies is not read
    (steps then empty: the card says "taper", never a dose the sig does not give)."""
    if not is_taper(text):
        return None
    steps: list[TaperStep] = []
    for part in _STEP.split(text.lower()):
        if not part.strip() or _STOP.match(part):
            continue
        doses = sig_doses(part)
        if not doses:
            continue
        dose = doses[0]
        per_day = dose.per_day
        if len(doses) != 1 or per_day is None or dose.high is not None:
            return Taper(())
        if dose.kind == "mass":
            mg: float | None = dose.value * per_day[0]  # sig_doses gives mass in mg
        elif dose.kind == "count" and strength_mg is not None:
            mg = dose.value * strength_mg * per_day[0]
        else:
            mg = None
        steps.append(TaperStep(mg, _step_days(part)))
    return Taper(tuple(steps))


def sig_step_days(text: str) -> int | None:
    """The days one dosage line's sig says it lasts ("for 7 days", "x 2 weeks"), else None
    (dose_steps.py reads unsequenced lines written as steps by their text)."""
    return _step_days(text)


def _step_days(part: str) -> int | None:
    """The days a step lasts ("for 7 days", "x 2 weeks"), else None."""
    for match in _FOR_TIME.finditer(normalise_sig(part)):
        unit = unit_factor(match.group("u"))
        if unit is not None and unit[0] == "time":
            days = float(match.group("n")) * unit[1]
            if days >= 1:
                return round(days)
    return None
