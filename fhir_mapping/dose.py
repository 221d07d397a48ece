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
- as-needed lines (`asNeededBoolean` / `asNeededCodeableConcept`, "prn" / "as needed" in the sig
  or the timing's text) count at most one administration per day, for the same reason. Such a
  dose is not a daily dose: `as_needed` says so, and services never count it toward a trial nor
  write it as mg/day ("50 mg as needed", with `as_needed_max_mg` from `maxDosePerPeriod`). A
  scheduled line with an as-needed extra beside it ("50 mg at bedtime" + "25 mg as needed") is
  read as the scheduled dose at the lower end and the two together at the upper end (the most the
  patient may take: maximum and age-limit checks, days of supply).

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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fhir_mapping.dose_amount import ordered_dose, quantity_amount, range_ends
from fhir_mapping.dose_sig import (
    governing_step,
    sig_as_needed,
    sig_doses,
    sig_frequency,
    sig_frequency_bounds,
)
from fhir_mapping.dose_steps import governing_lines
from fhir_mapping.dose_tables import duration_days, unit_factor
from fhir_mapping.dose_timing import GTS_SYSTEM, frequency_per_day, timing_high
from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.sig_amounts import UNREAD
from fhir_mapping.sig_strength import sig_strength

# `isinstance(x, JSON_OBJECT)` throughout: JSON gives dicts, answered at C speed, where the
# Mapping ABC check alone costs more than the read (issue 14); other Mappings read the same way.

# The readers other modules and tests import from here, with those that moved to dose_tables,
# dose_timing, dose_sig and dose_amount when this module was split.
__all__ = [
    "GTS_SYSTEM",
    "Amount",
    "as_needed",
    "as_needed_max_mg",
    "daily_amounts",
    "daily_dose_bounds",
    "daily_dose_mg",
    "daily_units",
    "duration_days",
    "frequency_per_day",
    "governing_step",
    "quantity_units",
    "sig_frequency",
    "sig_frequency_bounds",
    "unit_factor",
]


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
# Dosage lines


class _NoDose:
    """Marker: the line carries instructions only ("take with food")."""


_NO_DOSE = _NoDose()


def _line_amount(line: Mapping[str, Any]) -> Amount | tuple[Amount, ...] | None | _NoDose:
    as_needed = _line_as_needed(line)
    texts = [
        t
        for t in (line.get("text"), line.get("patientInstruction"))
        if isinstance(t, str) and t.strip()
    ]
    timing = line.get("timing")
    per_day = frequency_per_day(timing)
    entry = ordered_dose(line)
    if entry is not None:
        high: float | None = None
        if "doseQuantity" in entry:
            amount = quantity_amount(entry.get("doseQuantity"))
        else:
            ends = range_ends(entry.get("doseRange"))
            amount = None if ends is None else (ends[0], ends[2])
            high = None if ends is None else ends[1]
        if amount is None:
            return None
        if per_day is not None:
            per_day_high = timing_high(timing, per_day)
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
        doses = sig_doses(governing_step(text))
        if not doses:
            continue
        kinds = {d.kind for d in doses}
        if UNREAD in kinds:
            return None  # a sig that states its dose ambiguously: not read (sig_amounts.py)
        # Doses of different kinds at their own times ("15 mg at 6 PM and 1 tablet at bedtime")
        # are one amount per kind, each turned into mg by the product's strength (`_to_mg`).
        totals: dict[str, list[float]] = {}
        for dose in doses:
            # The structured timing governs a single dose (the sig text is the last resort); a sig
            # of several doses ("1 in the morning and 2 at night") carries its own frequencies.
            structured_first = len(doses) == 1 and per_day is not None
            if structured_first or dose.per_day is None:
                if per_day is None:
                    return None
                freq = (per_day, timing_high(timing, per_day))
            else:
                freq = dose.per_day
            if as_needed:
                freq = (min(freq[0], 1.0), min(freq[1], 1.0))
            sums = totals.setdefault(dose.kind, [0.0, 0.0])
            sums[0] += dose.value * freq[0]
            sums[1] += (dose.high if dose.high is not None else dose.value) * freq[1]
        return tuple(
            Amount(lo, kind, hi if hi != lo else None) for kind, (lo, hi) in totals.items()
        )
    if line.get("timing") is not None:
        return None  # a scheduled line whose amount is not given: unknown, not "no dose"
    return _NO_DOSE


def _governing_lines(dosages: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The lines of the last `sequence` (all lines when they share one, have none, or are one
    day's doses under different numbers: dose_steps.governing_lines)."""
    return governing_lines(dosages)


def as_needed(dosages: Sequence[Mapping[str, Any]] | None) -> bool:
    """Whether every governing dosage line is taken only as needed (`asNeededBoolean` true, an
    `asNeededCodeableConcept`, or "prn" / "as needed" in its sig): a drug kept for sleep at
    night when needed, not a daily course. False without a dosage (unknown is not "as needed")."""
    if not dosages:
        return False
    lines = _governing_lines(dosages)
    return bool(lines) and all(_line_as_needed(line) for line in lines)


def _line_as_needed(line: Mapping[str, Any]) -> bool:
    """One line taken as needed: the structured flag, or the words in its sig or in its timing's
    text (Epic: "Every 6 hours as needed"). A sig that says "as needed" beside
    `asNeededBoolean: false` is read as needed: the prescriber's words are the safer reading (an
    as-needed dose never counts toward a trial)."""
    if line.get("asNeededBoolean") is True or isinstance(
        line.get("asNeededCodeableConcept"), JSON_OBJECT
    ):
        return True
    timing = line.get("timing")
    code = timing.get("code") if isinstance(timing, JSON_OBJECT) else None
    return any(
        isinstance(t, str) and sig_as_needed(t)
        for t in (
            line.get("text"),
            line.get("patientInstruction"),
            code.get("text") if isinstance(code, JSON_OBJECT) else None,
        )
    )


def daily_amounts(dosages: Sequence[Mapping[str, Any]] | None) -> tuple[Amount, ...] | None:
    """Per-day amounts of the governing dosage lines; None when any of them is unknown or none
    carries a dose."""
    if not dosages:
        return None
    amounts: list[Amount] = []
    extras: list[Amount] = []  # as-needed lines beside a scheduled one
    lines = _governing_lines(dosages)
    # Only several lines taken together can mix a scheduled dose with an as-needed one.
    prn = [_line_as_needed(line) for line in lines] if len(lines) > 1 else [False] * len(lines)
    for line, line_prn in zip(lines, prn, strict=True):
        amount = _line_amount(line)
        if amount is None:
            return None
        if isinstance(amount, Amount):
            (extras if line_prn and not all(prn) else amounts).append(amount)
        elif isinstance(amount, tuple):
            (extras if line_prn and not all(prn) else amounts).extend(amount)
    if extras and amounts:
        # A scheduled dose with an as-needed extra: the scheduled part is the dose the record
        # proves (its lower end); the extra may be taken on top of it, so it joins the upper end
        # only (a zero lower end adds nothing to the proven dose).
        amounts.extend(Amount(0.0, a.kind, a.upper) for a in extras)
    return tuple(amounts) if amounts else None


def as_needed_max_mg(
    dosages: Sequence[Mapping[str, Any]] | None,
    *,
    strength_mg: float | None = None,
    per_ml: bool = False,
    mass_applies: bool = True,
) -> float | None:
    """The most an as-needed dose allows a day, in mg of one ingredient: the governing lines'
    `maxDosePerPeriod` ("no more than 1600 mg in 24 hours", a Ratio of an amount to a time),
    summed over the lines; None unless every governing line is as needed and states one that
    can be read (the card then says only "as needed", never a guessed ceiling)."""
    if not as_needed(dosages) or not dosages:
        return None
    total = 0.0
    for line in _governing_lines(dosages):
        ratio = line.get("maxDosePerPeriod")
        if not isinstance(ratio, JSON_OBJECT):
            return None
        amount = quantity_amount(ratio.get("numerator"))
        days = duration_days(ratio.get("denominator"))
        if amount is None or not days:
            return None
        mg = _to_mg(amount[0] / days, amount[1], strength_mg, per_ml, mass_applies)
        if mg is None:
            return None
        total += mg
    return round(total, 4) if total > 0 else None


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
    range with no lower end ("up to 100 mg") gives (None, 100): no dose is proven. Without a
    product strength (an order coded at the ingredient level) the sig's own is read where it
    states one unambiguously ("Take 1 tablet (5 mg)": sig_strength.py)."""
    amounts = daily_amounts(dosages)
    if amounts is None:
        return None, None
    if strength_mg is None and mass_applies and any(a.kind != "mass" for a in amounts):
        strength_mg = sig_strength(dosages)
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
    amount = quantity_amount(quantity)
    if amount is None:
        return None
    value, kind = amount
    if kind == "count" and not per_ml:
        return value
    if kind == "volume" and per_ml:
        return value
    return None
