"""Daily dose in mg from FHIR R4 Dosage elements (MedicationRequest.dosageInstruction,
MedicationStatement.dosage, MedicationDispense.dosageInstruction).

One dosage line gives an amount per administration and a number of administrations per day:

- amount: `doseAndRate[].doseQuantity` (the "ordered" entry when several: Epic sends calculated,
  admin-amount and ordered entries that may disagree), or both ends of `doseRange`; a
  `doseQuantity` / `doseRange` placed directly on the Dosage (STU3 style, Epic's documented
  example) is read the same way; in mass units (mg, g, mcg -> mg), counts (tablets, capsules,
  patches, UCUM annotations such as `{pill}`, Synthea's unit-less `{value: 1}`) or volume (mL).
  Counts and volumes become mg with the product strength. Without a structured dose, the
  free-text sig (`text`, then `patientInstruction`) is read as a last resort ("100 mg daily",
  "2 tabs at bedtime", "1 tab po bid").
- administrations per day: `timing.repeat` frequency / (period x periodUnit), else the number of
  `timeOfDay` / `when` entries (scaled by `dayOfWeek`), else `timing.code` (BID, TID...), else
  administration times in `timing.code` (Epic writes "0900", "0900, 2100": one administration a
  day each), else the sig text. `frequencyMax` / `periodMax` are ignored on purpose: they are
  "up to" ceilings, and reading them would overstate exposure and could make an inadequate trial
  look adequate. `repeat.count` is never a rate: it is the total number of administrations of the
  course (Epic sandbox: count 365 with one 09:00 dose a day).
- as-needed lines (`asNeededBoolean` / `asNeededCodeableConcept`, "prn" in a sig) count at most one
  administration per day, for the same reason.

Ranges carry both bounds (`Amount.high`): a `doseRange`, a sig "25-50 mg" / "1-2 tablets" /
"1-2 times a day" / "every 4-6 hours", and a timing's `frequencyMax`. The two ends answer opposite
questions, so each reader picks one: the LOWER end is the dose the record proves was taken (trial
adequacy, antimanic cover: `daily_dose_mg`), the UPPER end the dose the patient may take (above a
maximum, an age limit: `daily_dose_bounds`; days of supply: `daily_units`). A `doseRange` with only
a `high` ("up to 100 mg") proves no dose at all: its lower end is 0, read as unknown.

Lines with the same `sequence` (or none) are taken together and add up (50 mg in the morning +
100 mg at bedtime = 150 mg/day). Different sequences follow one another (a titration); the last
sequence is the dose the patient ends on. An unknown dose stays None, never 0.

Unit conversion factors and sig abbreviations are data (data/dose_units.csv,
data/sig_frequencies.csv), as the CDC opioid CDS keeps its conversion factors in tables.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from fhir_mapping.fhir_fields import JSON_OBJECT, NUMBER_TYPES, array

# `isinstance(x, JSON_OBJECT)` throughout: JSON gives dicts, answered at C speed, where the
# Mapping ABC check alone costs more than the read (issue 14); other Mappings read the same way.

GTS_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation"


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount per day of one kind: "mass" (mg), "count" (tablets, capsules...) or "volume" (mL).

    `value` is the lower end of a range (the amount the record proves), `high` its upper end;
    None when the line states no range."""

    value: float
    kind: str
    high: float | None = None

    @property
    def upper(self) -> float:
        return self.high if self.high is not None else self.value


# --------------------------------------------------------------------------------------------
# Tables


def _table(name: str) -> list[dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def _units() -> dict[str, tuple[str, float]]:
    return {
        row["unit"].strip().lower(): (row["kind"], float(row["factor"]))
        for row in _table("dose_units.csv")
    }


@cache
def _frequencies() -> tuple[dict[str, float], dict[str, tuple[str, float]]]:
    """(GTS code -> per day, sig term -> (rate|event, per day))."""
    gts: dict[str, float] = {}
    terms: dict[str, tuple[str, float]] = {}
    for row in _table("sig_frequencies.csv"):
        if row["kind"] == "gts":
            gts[row["term"].upper()] = float(row["per_day"])
        else:
            terms[row["term"].lower()] = (row["kind"], float(row["per_day"]))
    return gts, terms


def unit_factor(unit: object, code: object = None) -> tuple[str, float] | None:
    """(kind, factor) of a unit: mass -> mg per unit, volume -> mL per unit, count -> 1,
    time -> days per unit. The UCUM/SNOMED `code` is tried before the human-readable `unit`."""
    if isinstance(code, str):
        found = _unit_of(code)
        if found is not None:
            return found
    return _unit_of(unit) if isinstance(unit, str) else None


@lru_cache(maxsize=1024)
def _unit_of(text: str) -> tuple[str, float] | None:
    """The table row of a unit as written. Remembered by its text (issue 14): a chart writes the
    same few units ("mg", "d", "{tbl}") on every dose, supply and quantity it sends."""
    key = text.strip().lower().replace("\u00b5", "u").replace("\u03bc", "u")
    return _units().get(key) if key else None


def duration_days(quantity: object) -> float | None:
    """A FHIR Duration (value + unit/code) in days; a bare number is read as days."""
    # Read for every order and dispense (issue 14): absent or a JSON dict is answered before the
    # Mapping ABC check, and the number is checked inline rather than by `_number`.
    if quantity is None or not isinstance(quantity, JSON_OBJECT):
        return None
    value = quantity.get("value")
    if isinstance(value, bool) or not isinstance(value, NUMBER_TYPES):
        return None
    unit, code = quantity.get("unit"), quantity.get("code")
    if unit is None and code is None:
        return float(value)
    found = unit_factor(unit, code)
    if found is None or found[0] != "time":
        return None
    return float(value) * found[1]


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, NUMBER_TYPES):
        return None
    return float(value)


# --------------------------------------------------------------------------------------------
# Timing


def frequency_per_day(timing: object) -> float | None:
    """Administrations per day from a FHIR Timing, or None when it does not say."""
    if not isinstance(timing, JSON_OBJECT):
        return None
    repeat = timing.get("repeat")
    if isinstance(repeat, JSON_OBJECT):
        per_day = _repeat_per_day(repeat)
        if per_day is not None:
            return per_day
    code = timing.get("code")
    if isinstance(code, JSON_OBJECT):
        gts, _ = _frequencies()
        for coding in array(code.get("coding")):
            if isinstance(coding, JSON_OBJECT) and isinstance(coding.get("code"), str):
                found = gts.get(coding["code"].upper())
                if found is not None:
                    return found
        text = code.get("text")
        if isinstance(text, str):
            found_in_text = sig_frequency(text)
            if found_in_text is not None:
                return found_in_text
        times = _administration_times(
            [c.get("code") for c in array(code.get("coding")) if isinstance(c, JSON_OBJECT)]
            + [text]
        )
        if times:
            return float(times)
    return None


# A 24-hour clock time ("0900", "09:00", "21:00:00"): Epic's timing codes for scheduled doses.
_CLOCK = re.compile(r"(?:[01]\d|2[0-3]):?[0-5]\d(?::[0-5]\d)?")
_TIME_SEPARATORS = re.compile(r"\s*(?:[,;/&+]|\band\b)\s*|\s+")


def _administration_times(values: Sequence[object]) -> int:
    """How many distinct clock times the timing codes name ("0900" -> 1, "0900, 2100" -> 2), when
    every code or text that says anything is made of clock times only; else 0. Each time is one
    administration a day."""
    times: set[str] = set()
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        tokens = [t for t in _TIME_SEPARATORS.split(value.strip()) if t]
        if not tokens or not all(_CLOCK.fullmatch(t) for t in tokens):
            return 0
        times.update(t.replace(":", "")[:4] for t in tokens)
    return len(times)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _repeat_per_day(repeat: Mapping[str, Any]) -> float | None:
    frequency = _number(repeat.get("frequency"))
    period = _number(repeat.get("period"))
    unit = repeat.get("periodUnit")
    times_of_day = _list(repeat.get("timeOfDay"))
    when = _list(repeat.get("when"))
    days_of_week = _list(repeat.get("dayOfWeek"))
    per_event = len(times_of_day) or len(when)
    if period is not None and isinstance(unit, str):
        found = unit_factor(unit)
        if found is None or found[0] != "time" or period <= 0:
            return None
        days = period * found[1]
        per_day = (frequency if frequency else (per_event or 1)) / days
        if days_of_week and days == 1:
            per_day *= len(days_of_week) / 7
        return per_day
    if per_event:
        return per_event * (len(days_of_week) / 7 if days_of_week else 1.0)
    if days_of_week:
        return (frequency or 1.0) * len(days_of_week) / 7
    return None


# --------------------------------------------------------------------------------------------
# Free-text sig

_NUM = r"\d+(?:\.\d+)?"
_WORD_NUMBERS = {
    "one and a half": "1.5",
    "one-half": "0.5",
    "one half": "0.5",
    "half": "0.5",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
}
_AMOUNT = re.compile(
    rf"(?:(?P<lo>{_NUM})\s*(?:-|to|or)\s*)?(?P<n>{_NUM})\s*(?P<u>\{{[a-z]+\}}|[a-z]+)(?![a-z])"
)
_BARE_TAKE = re.compile(
    rf"\b(?:take|give|chew)\s+(?:(?P<lo>{_NUM})\s*(?:-|to|or)\s*)?(?P<n>{_NUM})\b"
)
_EVERY_HOURS = re.compile(
    rf"\b(?:every|q)\s*(?P<n>{_NUM})\s*(?:-\s*(?P<hi>{_NUM})\s*)?(?:h|hr|hrs|hour|hours)\b"
)
_EVERY_DAYS = re.compile(rf"\bevery\s*(?P<n>{_NUM})\s*days?\b")
_TIMES_A_DAY = re.compile(
    rf"\b(?:(?P<lo>{_NUM})\s*(?:-|to|or)\s*)?(?P<n>{_NUM})\s*(?:x|times)\s*(?:a|per|each)?\s*"
    r"(?:day|daily)\b"
)
_PRN = re.compile(r"\b(?:prn|as needed|when needed|if needed)\b")
_DISPENSE = re.compile(
    rf"(?:#|\bdisp(?:ense)?\b:?|\bqty\b:?|\bquantity\b:?|\brefills?\b:?)\s*{_NUM}\s*[a-z{{}}]*"
)
# "1 tablet (50 mg total)": the mass in parentheses is the dose; "100 mg (2 tablets)": the mass is.
_COUNT_THEN_MASS = re.compile(
    rf"{_NUM}\s*(?:[a-z{{}}]+\s*){{0,3}}\(\s*(?P<mass>{_NUM}\s*(?:mg|mcg|ug|g))\b[^)]*\)"
)
_MASS_THEN_COUNT = re.compile(
    rf"(?P<mass>{_NUM}\s*(?:mg|mcg|ug|g))\s*\(\s*{_NUM}\s*[a-z{{}}]+[^)]*\)"
)


def _normalise_sig(text: str) -> str:
    text = text.lower().replace("\u00bd", " 0.5 ")
    text = re.sub(r"(?<=[a-z])\.(?=[a-z])", "", text)  # b.i.d. -> bid.
    text = re.sub(r"(?<=[a-z])\.", " ", text)  # bid. -> bid
    text = re.sub(r"\b1/2\b", "0.5", text)
    for word, digits in _WORD_NUMBERS.items():
        text = re.sub(rf"\b{word}\b", digits, text)
    # Epic writes the number twice: "2 (two) times daily" -> "2 (2) times daily" -> "2 times daily".
    text = re.sub(r"\b(\d+(?:\.\d+)?)\s*\(\s*\1\s*\)", r"\1", text)
    text = _DISPENSE.sub(" ", text)
    text = _COUNT_THEN_MASS.sub(lambda m: m.group("mass"), text)
    text = _MASS_THEN_COUNT.sub(lambda m: m.group("mass"), text)
    return " ".join(text.split())


@cache
def _term_pattern() -> re.Pattern[str]:
    _, terms = _frequencies()
    names = sorted(terms, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(" + "|".join(re.escape(n) for n in names) + r")(?![a-z0-9])")


def _clause_frequency(clause: str) -> tuple[float, float] | None:
    """(lower, upper) administrations per day said in a piece of sig: the largest rate ("bid" ->
    2), else the number of distinct times of day ("in the morning and at bedtime" -> 2). A range
    ("1-2 times a day", "every 4-6 hours") gives its two ends; otherwise both are the same."""
    _, terms = _frequencies()
    rates: list[tuple[float, float]] = []
    events: set[str] = set()
    for match in _term_pattern().finditer(clause):
        kind, per_day = terms[match.group(1)]
        if kind == "rate":
            rates.append((per_day, per_day))
        else:
            events.add(match.group(1))
    for match in _EVERY_HOURS.finditer(clause):
        hours = float(match.group("n"))
        longest = float(match.group("hi")) if match.group("hi") else hours
        if hours > 0 and longest > 0:
            # Every 4-6 hours: 4 a day at the least (every 6 h), 6 at the most (every 4 h).
            rates.append((24.0 / max(hours, longest), 24.0 / min(hours, longest)))
    for match in _EVERY_DAYS.finditer(clause):
        days = float(match.group("n"))
        if days > 0:
            rates.append((1.0 / days, 1.0 / days))
    for match in _TIMES_A_DAY.finditer(clause):
        most = float(match.group("n"))
        least = float(match.group("lo")) if match.group("lo") else most
        rates.append((min(least, most), max(least, most)))
    if rates:
        return max(r[0] for r in rates), max(r[1] for r in rates)
    if events:
        return float(len(events)), float(len(events))
    return None


def sig_frequency_bounds(text: str) -> tuple[float, float] | None:
    """(lower, upper) administrations per day said anywhere in a sig, or None."""
    normalised = _normalise_sig(text)
    found = _clause_frequency(normalised)
    if found is not None and _PRN.search(normalised):
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
# structured lines is (this module's docstring).
_STEP = re.compile(r"(?:[.;,]\s*|\s)(?:and\s+)?then\b|(?<=[a-z]{2})\.\s+(?=[a-z])|;\s*")
_CONDITIONAL = re.compile(
    r"\b(?:may|can|could)\s+(?:increase|titrate|go\s+up|raise)|\bif\s+(?:tolerated|needed)\b|"
    r"\bas\s+tolerated\b|\bincrease\s+(?:to|by)\b|\btitrate\b"
)
_STOP = re.compile(r"^\s*(?:stop|discontinue|off)\b")


def governing_step(text: str) -> str:
    """The part of a sig that says the dose the patient ends on: the last step that gives an
    amount and is neither conditional ("may increase to 100 mg") nor a stop. A sig without
    "then" or a conditional increase is returned whole (its doses are taken together: "1 in
    the morning and 2 at night")."""
    lowered = text.lower()
    if " then" not in lowered and ",then" not in lowered and not _CONDITIONAL.search(lowered):
        return text
    steps = [s for s in _STEP.split(lowered) if s.strip()]
    kept = [s for s in steps if not _CONDITIONAL.search(s) and not _STOP.match(s) and _sig_doses(s)]
    return kept[-1] if kept else text


@dataclass(frozen=True, slots=True)
class _SigDose:
    value: float  # per administration; the lower end of "1-2 tablets"
    kind: str
    per_day: tuple[float, float] | None  # (lower, upper) administrations per day
    high: float | None = None  # the upper end of "1-2 tablets"; None when no range


def _sig_doses(text: str) -> list[_SigDose]:
    normalised = _normalise_sig(text)
    # (where, lower, upper, kind): "25-50 mg" and "1-2 tablets" carry both ends.
    found: list[tuple[int, float, float, str]] = []
    for match in _AMOUNT.finditer(normalised):
        unit = unit_factor(match.group("u"))
        if unit is None or unit[0] == "time":
            continue
        found.append((match.start(), *_ends(match, unit[1]), unit[0]))
    if not found:
        for match in _BARE_TAKE.finditer(normalised):
            found.append((match.start(), *_ends(match, 1.0), "count"))  # "take 1 daily"
    found.sort()
    doses: list[_SigDose] = []
    for i, (start, low, high, kind) in enumerate(found):
        begin = 0 if i == 0 else start
        end = found[i + 1][0] if i + 1 < len(found) else len(normalised)
        doses.append(
            _SigDose(
                low, kind, _clause_frequency(normalised[begin:end]), high if high != low else None
            )
        )
    if len(doses) > 1 and any(d.per_day is not None for d in doses):
        # An amount with no frequency of its own next to one that has one describes the product
        # ("50 mg tablet: take 2 daily"), not a further dose.
        doses = [d for d in doses if d.per_day is not None]
    if _PRN.search(normalised):
        doses = [
            _SigDose(
                d.value,
                d.kind,
                (min(d.per_day[0], 1.0), min(d.per_day[1], 1.0)) if d.per_day else d.per_day,
                d.high,
            )
            for d in doses
        ]
    return doses


def _ends(match: re.Match[str], factor: float) -> tuple[float, float]:
    """(lower, upper) amount of a sig amount, "1-2 tabs" -> (1, 2), "2 tabs" -> (2, 2)."""
    most = float(match.group("n")) * factor
    least = float(match.group("lo")) * factor if match.group("lo") else most
    return min(least, most), max(least, most)


# --------------------------------------------------------------------------------------------
# Dosage lines


class _NoDose:
    """Marker: the line carries instructions only ("take with food")."""


_NO_DOSE = _NoDose()


def _is_ordered(entry: Mapping[str, Any]) -> bool:
    """A doseAndRate entry typed "ordered" (HL7 dose-rate-type, Epic's dose-rate-type, or only
    the type's text)."""
    type_ = entry.get("type")
    if not isinstance(type_, JSON_OBJECT):
        return False
    codes = [c.get("code") for c in array(type_.get("coding")) if isinstance(c, JSON_OBJECT)]
    text = type_.get("text")
    return "ordered" in codes or (isinstance(text, str) and text.strip().lower() == "ordered")


def _ordered_dose(line: Mapping[str, Any]) -> Mapping[str, Any] | None:
    entries = [e for e in array(line.get("doseAndRate")) if isinstance(e, JSON_OBJECT)]
    with_dose = [e for e in entries if "doseQuantity" in e or "doseRange" in e]
    for entry in with_dose:
        if _is_ordered(entry):
            return entry
    if with_dose:
        return with_dose[0]
    # STU3 style: the dose directly on the Dosage (Epic's documented CDS Hooks example). Read only
    # when doseAndRate says nothing, so the two can never be added up.
    if isinstance(line.get("doseQuantity"), JSON_OBJECT):
        return {"doseQuantity": line["doseQuantity"]}
    if isinstance(line.get("doseRange"), JSON_OBJECT):
        return {"doseRange": line["doseRange"]}
    return None


def _quantity_amount(quantity: object) -> tuple[float, str] | None:
    """(amount converted to mg / count / mL, kind) of a Quantity; unit-less means one unit
    of the product (Synthea writes `doseQuantity {value: 1}` for one tablet)."""
    if not isinstance(quantity, JSON_OBJECT):
        return None
    value = _number(quantity.get("value"))
    if value is None:
        return None
    unit, code = quantity.get("unit"), quantity.get("code")
    if unit is None and code is None:
        return value, "count"
    found = unit_factor(unit, code)
    if found is None or found[0] == "time":
        return None
    return value * found[1], found[0]


def _range_ends(range_: object) -> tuple[float, float | None, str] | None:
    """(lower, upper, kind) of a doseRange; upper None when it equals the lower. A range with no
    `low` proves no dose ("up to 100 mg"): its lower end is 0 (read as unknown by
    `daily_dose_mg`); one with no `high` is its `low`."""
    if not isinstance(range_, JSON_OBJECT):
        return None
    low = (
        _quantity_amount(range_.get("low")) if isinstance(range_.get("low"), JSON_OBJECT) else None
    )
    high = (
        _quantity_amount(range_.get("high"))
        if isinstance(range_.get("high"), JSON_OBJECT)
        else None
    )
    if high is None:
        return None if low is None else (low[0], None, low[1])
    if low is None:
        return 0.0, high[0], high[1]
    if low[1] != high[1]:
        return None  # "1 tablet to 100 mg": no one kind to add up
    least, most = min(low[0], high[0]), max(low[0], high[0])
    return least, (most if most != least else None), low[1]


def _timing_high(timing: object, per_day: float) -> float:
    """The upper administrations per day of a timing: `frequencyMax` ("1 to 3 times a day")
    raises it; `periodMax` only lowers it (a longer interval), so the rate stays."""
    if not isinstance(timing, JSON_OBJECT):
        return per_day
    repeat = timing.get("repeat")
    if not isinstance(repeat, JSON_OBJECT):
        return per_day
    most = _number(repeat.get("frequencyMax"))
    frequency = _number(repeat.get("frequency")) or 1.0
    if most is None or most <= frequency:
        return per_day
    return per_day * most / frequency


def _line_amount(line: Mapping[str, Any]) -> Amount | None | _NoDose:
    as_needed = line.get("asNeededBoolean") is True or isinstance(
        line.get("asNeededCodeableConcept"), Mapping
    )
    texts = [
        t
        for t in (line.get("text"), line.get("patientInstruction"))
        if isinstance(t, str) and t.strip()
    ]
    timing = line.get("timing")
    per_day = frequency_per_day(timing)
    entry = _ordered_dose(line)
    if entry is not None:
        high: float | None = None
        if "doseQuantity" in entry:
            amount = _quantity_amount(entry.get("doseQuantity"))
        else:
            ends = _range_ends(entry.get("doseRange"))
            amount = None if ends is None else (ends[0], ends[2])
            high = None if ends is None else ends[1]
        if amount is None:
            return None
        if per_day is not None:
            per_day_high = _timing_high(timing, per_day)
        else:
            bounds = next(
                (f for f in (sig_frequency_bounds(t) for t in texts) if f is not None), None
            )
            if bounds is None:
                return None
            per_day, per_day_high = bounds
        if as_needed:
            per_day, per_day_high = min(per_day, 1.0), min(per_day_high, 1.0)
        low_total = amount[0] * per_day
        high_total = (high if high is not None else amount[0]) * per_day_high
        return Amount(low_total, amount[1], high_total if high_total != low_total else None)
    for text in texts:
        doses = _sig_doses(governing_step(text))
        if not doses:
            continue
        total = total_high = 0.0
        kinds = {d.kind for d in doses}
        if len(kinds) != 1:
            return None
        for dose in doses:
            # The structured timing governs a single dose (the sig text is the last resort); a sig
            # of several doses ("1 in the morning and 2 at night") carries its own frequencies.
            structured_first = len(doses) == 1 and per_day is not None
            if structured_first or dose.per_day is None:
                if per_day is None:
                    return None
                freq = (per_day, _timing_high(timing, per_day))
            else:
                freq = dose.per_day
            if as_needed:
                freq = (min(freq[0], 1.0), min(freq[1], 1.0))
            total += dose.value * freq[0]
            total_high += (dose.high if dose.high is not None else dose.value) * freq[1]
        return Amount(total, kinds.pop(), total_high if total_high != total else None)
    if line.get("timing") is not None:
        return None  # a scheduled line whose amount is not given: unknown, not "no dose"
    return _NO_DOSE


def _governing_lines(dosages: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The lines of the last `sequence` (all lines when they share one or have none)."""
    lines = [d for d in dosages if isinstance(d, JSON_OBJECT)]
    sequences = {d["sequence"] for d in lines if isinstance(d.get("sequence"), int)}
    if len(sequences) <= 1:
        return lines
    last = max(sequences)
    return [d for d in lines if d.get("sequence") == last]


def as_needed(dosages: Sequence[Mapping[str, Any]] | None) -> bool:
    """Whether every governing dosage line is taken only as needed (`asNeededBoolean` true, an
    `asNeededCodeableConcept`, or "prn" / "as needed" in its sig): a drug kept for sleep at
    night when needed, not a daily course. False without a dosage (unknown is not "as needed")."""
    if not dosages:
        return False
    lines = _governing_lines(dosages)
    return bool(lines) and all(_line_as_needed(line) for line in lines)


def _line_as_needed(line: Mapping[str, Any]) -> bool:
    if line.get("asNeededBoolean") is True or isinstance(
        line.get("asNeededCodeableConcept"), JSON_OBJECT
    ):
        return True
    return any(
        isinstance(t, str) and _PRN.search(_normalise_sig(t)) is not None
        for t in (line.get("text"), line.get("patientInstruction"))
    )


def daily_amounts(dosages: Sequence[Mapping[str, Any]] | None) -> tuple[Amount, ...] | None:
    """Per-day amounts of the governing dosage lines; None when any of them is unknown or none
    carries a dose."""
    if not dosages:
        return None
    amounts: list[Amount] = []
    for line in _governing_lines(dosages):
        amount = _line_amount(line)
        if amount is None:
            return None
        if isinstance(amount, Amount):
            amounts.append(amount)
    return tuple(amounts) if amounts else None


def _to_mg(
    value: float, kind: str, strength_mg: float | None, per_ml: bool, mass_applies: bool
) -> float | None:
    if kind == "mass":
        return value if mass_applies else None
    if strength_mg is None:
        return None
    if kind == "count" and not per_ml:
        return value * strength_mg
    if kind == "volume" and per_ml:
        return value * strength_mg
    return None


def daily_dose_bounds(
    dosages: Sequence[Mapping[str, Any]] | None,
    *,
    strength_mg: float | None = None,
    per_ml: bool = False,
    mass_applies: bool = True,
) -> tuple[float | None, float | None]:
    """(lower, upper) mg/day of one ingredient. The lower end is `daily_dose_mg`; the upper end
    is None when the dosage states no range (it is then the lower end) or cannot be read. A
    range with no lower end ("up to 100 mg") gives (None, 100): no dose is proven."""
    amounts = daily_amounts(dosages)
    if amounts is None:
        return None, None
    total = total_high = 0.0
    for amount in amounts:
        mg = _to_mg(amount.value, amount.kind, strength_mg, per_ml, mass_applies)
        if mg is None:
            return None, None
        total += mg
        if amount.high is not None:
            mg = _to_mg(amount.high, amount.kind, strength_mg, per_ml, mass_applies)
            if mg is None:
                return None, None
        total_high += mg
    # A zero dose ("0 mg" at the end of a taper) says nothing about exposure: unknown, not 0.
    low = round(total, 4) if total > 0 else None
    high = round(total_high, 4) if total_high > 0 else None
    return low, (high if high != low else None)


def daily_dose_mg(
    dosages: Sequence[Mapping[str, Any]] | None,
    *,
    strength_mg: float | None = None,
    per_ml: bool = False,
    mass_applies: bool = True,
) -> float | None:
    """mg/day of one ingredient: the LOWER end of a range, the dose the record proves was
    taken (the reading for trial adequacy; `daily_dose_bounds` gives the upper end too).

    `strength_mg` is the ingredient's mg per unit of the product (per tablet, capsule, patch-day,
    or per mL when `per_ml`). `mass_applies` is False for a component of a combination product,
    where a dose written in mg does not say which ingredient it counts.
    """
    return daily_dose_bounds(
        dosages, strength_mg=strength_mg, per_ml=per_ml, mass_applies=mass_applies
    )[0]


def daily_units(
    dosages: Sequence[Mapping[str, Any]] | None,
    *,
    strength_mg: float | None = None,
    per_ml: bool = False,
) -> float | None:
    """Units of the product used per day (tablets/capsules/patches, or mL when `per_ml`), for
    turning a dispensed quantity into days of supply. A range is read at its UPPER end: the
    fill lasts the shorter time, so supply is never stretched into coverage (and adherence)
    the record does not show."""
    amounts = daily_amounts(dosages)
    if amounts is None:
        return None
    total = 0.0
    for amount in amounts:
        value = amount.upper
        if amount.kind == "mass":
            if not strength_mg:
                return None
            total += value / strength_mg
        elif (amount.kind == "volume") == per_ml:
            total += value
        else:
            return None
    return total if total > 0 else None


def quantity_units(quantity: object, *, per_ml: bool) -> float | None:
    """A dispensed/ordered Quantity as units of the product (tablets, or mL when `per_ml`)."""
    amount = _quantity_amount(quantity)
    if amount is None:
        return None
    value, kind = amount
    if kind == "count" and not per_ml:
        return value
    if kind == "volume" and per_ml:
        return value
    return None
