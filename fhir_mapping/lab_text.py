"""A lab value sent as text: a QTc written "512 ms (prolonged)", a sodium "126 mmol/L" or a
lithium "1.6" in valueString.

Some ECG systems send the QTc as a string (the value with a word after it) instead of a
valueQuantity, and Epic sends many results as valueString (review s29 RL finding 2). Which tests
are read from text, and in which units, is data/lab_ranges.csv's `text_units` column (the QTc: ms,
msec, s, sec; lithium and sodium mmol/L and mEq/L; the TCA levels ng/mL and ug/L; the eGFR's own
units; the diagnosis review's TSH, free T4, B12, folate and vitamin D in their own and SI units,
review K40b s34 finding 2); a test without text units is never read from text. The reading is strict, because a
number taken from the wrong place in a sentence would be compared as if measured: the text must
hold exactly one number (a unit's own digits, "1.73m2", aside), followed by one of the units,
with nothing before it but the QTc's own label ("QTc: 512 ms") or a colon. Anything else is not
read: a sign or comparator ("> 500 ms" is a bound, not a value), two numbers ("480-500 ms",
"Bazett 512 ms, Fridericia 478 ms", "1.6 mmol/L (ref 0.6-1.2)"), words before the number ("not
done, last 512 ms": the number may not be this result's), no number ("QTc not measurable");
the result stays one without a value: `labs.lab_gaps` names it and the checks say it was not
compared (never silent, never a guessed value).

A bare number ("126", "512") is read only for a row naming a `bare_unit`: a test with one
customary unit in US and European labs (lithium and sodium: mmol/L in Europe, mEq/L in the US,
the same number; the QTc in ms; the eGFR in mL/min/1.73 m2; the TSH, every unit of it the same
quantity), and only inside the row's plausible
range for that unit (`bare_low`-`bare_high`: a QTc "0.512", seconds, is not read as 0.512 ms). A
TCA level has two customary units (ng/mL in the US, nmol/L in much of Europe, a factor of ~3.8
apart): a bare number is never read for it.

A bound sent as text (`bound_from_text`, review 11 recheck finding 8): labs write an eGFR beyond
their reporting cut as valueString ">60" or "> 60 mL/min/1.73m2" (Epic-style), the same bound a
valueQuantity.comparator carries. For a test whose data/lab_ranges.csv row names a
`text_bound_unit` (the eGFR) it is read as that bound: the comparator, the one number and, when
the text names a unit, one of the test's own units or text units (else the text_bound_unit).
Only the bound itself is read: words, two numbers or another unit leave the result unread (a
data gap), as before. A test without a text_bound_unit (the QTc) never reads a bound from text.
A TCA level ("> 500 ng/mL", a level above the assay's top; recheck K17 s29 finding 2) is read
as a bound only with its unit: like its bare number, a bare ">500" could be ng/mL or nmol/L.
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping.clinical_codes import lab_ranges
from fhir_mapping.lab_units import si_rows

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# All that may stand before the number: the QTc's own label ("QTc", "QTcB:", "QTc interval =").
# Display words of the field, not clinical facts; anything else before it ("> ", "-", "~",
# "last ", "not done, previous ") and the number is not read as this result's value.
_LABEL = re.compile(r"(?:qtc[bf]?(?:\s+interval)?)?\s*[:=]?", re.IGNORECASE)


@cache
def text_units() -> dict[str, frozenset[str]]:
    """Test -> the lower-case units a value of it sent as text may carry (data/lab_ranges.csv
    `text_units`); tests with none are absent."""
    return {test: r.text_units for test, r in lab_ranges().items() if r.text_units}


# "<", "<=", ">", ">=" (and the typographic signs), one number, then at most a unit: nothing else.
_BOUND = re.compile(r"\s*(<=|>=|<|>|\u2264|\u2265)\s*(\d+(?:\.\d+)?)\s*(\S.*?)?\s*")
_SIGNS = {"\u2264": "<=", "\u2265": ">="}


@cache
def _squeezed_units(test: str) -> frozenset[str]:
    """A test's units (data/lab_ranges.csv, lower case) without their spaces ("ml/min/1.73 m2" ->
    "ml/min/1.73m2"), built once per test rather than on every bound read (wave 4 K2)."""
    known = lab_ranges().get(test)
    return frozenset("".join(u.split()) for u in known.units) if known else frozenset()


def bound_from_text(
    test: str, text: object, *, unitless: bool = True, coded_unit: str | None = None
) -> tuple[str, float, str] | None:
    """(comparator, value, unit) of a bound sent as text for `test` (">60" -> (">", 60.0,
    "mL/min/{1.73_m2}")), or None (see the module doc). A unit named may also be one of the
    test's SI units (data/lab_si_units.csv: "<110 pmol/L" for B12), kept as written for the
    conversion; `unitless` False: a bound naming no unit is not read (the result is coded in
    moles, so the table's mass unit would be a guess: lab_values.py); `coded_unit`: the unit
    such a code states (pmol/L for B12 14685-2), in which a bound naming no unit is read instead
    ("<111" under 14685-2: below any B12 lower limit, lab54 item 3)."""
    if not isinstance(text, str):
        return None
    known = lab_ranges().get(test)
    if known is None or known.text_bound_unit is None:
        return None
    found = _BOUND.fullmatch(_without_flag(text))
    if found is None:
        return None
    sign, value, unit = found.groups()
    if unit is None and coded_unit is not None:
        return _SIGNS.get(sign, sign), float(value), coded_unit
    # A test read from text with no bare unit (a TCA level: ng/mL or nmol/L) reads no bare bound
    # either: ">500" could be either unit (recheck K17 s29 finding 2). A test with an SI form
    # (data/lab_si_units.csv: B12, folate...) says its unit family by its code instead
    # (`unitless`), so its text units do not stop a "<150" under its mass code (K40b s34).
    ambiguous = known.text_units and known.bare_unit is None and not _si_units(test)
    if unit is None and (not unitless or ambiguous):
        return None
    if unit is not None:
        # "mL/min/1.73m2" and "mL/min/1.73 m2" alike; any other unit (mL/s) or word: not read.
        squeezed = "".join(unit.split()).lower()
        # An SI unit (data/lab_si_units.csv) or a text unit ("> 1900 nmol/L" for a
        # nortriptyline) is kept as written, for the conversion a value in it gets.
        if squeezed in _si_units(test) or squeezed in _squeezed_text_units(test):
            return _SIGNS.get(sign, sign), float(value), unit
        if squeezed not in _squeezed_units(test):
            return None
        unit = unit if unit.lower() in known.units else known.text_bound_unit
    return _SIGNS.get(sign, sign), float(value), unit or known.text_bound_unit


@cache
def _squeezed_text_units(test: str) -> frozenset[str]:
    """`test`'s text units (data/lab_ranges.csv `text_units`), lower case, without spaces."""
    return frozenset("".join(u.split()) for u in text_units().get(test, frozenset()))


@cache
def _si_units(test: str) -> frozenset[str]:
    """The SI units data/lab_si_units.csv converts for `test`, lower case, without spaces."""
    return frozenset(
        "".join(row["unit"].split()).lower() for row in si_rows() if row["test"] == test
    )


# A flag the lab writes beside the value in text, as its interpretation code (labs31 item 3:
# "1.6 H", "126 (L)", "600 HH", "1.6 *H*"; review s29 K19b finding 4: "1.6H", "1.6 High",
# "H 1.6", "0.3 N"): the value is read without it and the flag as the lab's (`text_flag`). Only
# these words: the codes upper case (the "L" of "mmol/L" is no flag), after a space, in brackets
# or right after the number's last digit, or before the number with a space; High, Low and Normal
# in any case.
_FLAG = r"HH|LL|H|L|N|(?i:high|low|normal)"
_TRAILING_FLAG = re.compile(rf"(?:\s*\(\s*({_FLAG})\s*\)|(?:\s+|(?<=\d))\*?({_FLAG})\*?)\s*$")
_LEADING_FLAG = re.compile(rf"^\s*\*?({_FLAG})\*?\s+(?=[\d<>\u2264\u2265])")
_WORD_CODES = {"HIGH": "H", "LOW": "L", "NORMAL": "N"}


def text_flag(text: object) -> str | None:
    """The interpretation code ("H", "LL", "N") written beside a value sent as text, or None;
    High, Low and Normal read as H, L and N."""
    if not isinstance(text, str):
        return None
    found = _TRAILING_FLAG.search(text) or _LEADING_FLAG.search(text)
    if found is None:
        return None
    code = (found.group(1) or found.group(2)).upper()
    return _WORD_CODES.get(code, code)


def _without_flag(text: str) -> str:
    found = _TRAILING_FLAG.search(text)
    if found is not None:
        return text[: found.start()]
    found = _LEADING_FLAG.search(text)
    return text if found is None else text[found.end() :]


def value_from_text(test: str, text: object) -> tuple[float, str] | None:
    """(value, unit as written, or the row's `bare_unit` for a bare number) read from `text` for
    `test`, or None (see the module doc); a flag after it ("1.6 H") is left out (`text_flag`)."""
    units = text_units().get(test)
    if units is None or not isinstance(text, str):
        return None
    text = _without_flag(text)
    found = _NUMBER.search(text)
    if found is None:
        return None
    label = _LABEL if test == _QTC else _NO_LABEL
    if label.fullmatch(text[: found.start()].strip()) is None:
        return None
    number = float(found.group())
    rest = text[found.end() :]
    if not rest.strip():  # a bare number: only where the row allows one, in its plausible range
        return _bare(test, number)
    unit = _unit_at(rest.lstrip(), units)
    if unit is None:
        return None
    # One number only: the unit's own digits ("mL/min/1.73m2") are not a second number.
    tail = rest.lstrip()[len(unit) :]
    if _NUMBER.search(tail) is not None:
        return None
    return number, unit


_QTC = "qtc"
# Before the number of any other test: nothing but a colon or an equals sign.
_NO_LABEL = re.compile(r"[:=]?")


def _unit_at(rest: str, units: frozenset[str]) -> str | None:
    """The unit `rest` starts with, as written, the longest of `units` first (squeezed of
    spaces: "mL/min/1.73 m2" is "ml/min/1.73m2"), ending where a word would not go on ("512 ms
    (prolonged)", "126 mmol/L."; not "512 mm", not "1.6 mmol/Lx"); None when it names none."""
    lower = rest.lower()
    for unit in sorted(units, key=len, reverse=True):
        squeezed = "".join(unit.split())
        for written in dict.fromkeys((unit, squeezed)):
            if lower.startswith(written):
                after = rest[len(written) : len(written) + 1]
                if not after or not (after.isalnum() or after in "/_{"):
                    return rest[: len(written)]
    return None


def _bare(test: str, number: float) -> tuple[float, str] | None:
    """A number sent with no unit, read in the row's `bare_unit` when the row names one (a test
    with one customary unit in US and European labs: data/lab_ranges.csv) and the number lies in
    the row's plausible range for that unit (`bare_low`-`bare_high`): "1.6" for a lithium is
    mmol/L, "0.512" for a QTc (seconds, out of the ms range) is not read. Else None."""
    row = lab_ranges().get(test)
    if row is None or row.bare_unit is None or row.bare_low is None or row.bare_high is None:
        return None
    if not row.bare_low <= number <= row.bare_high:
        return None
    return number, row.bare_unit


def unitless_number(test: str, text: object) -> str:
    """The number of a value of `test` sent as text with no unit, as written ("180" of "180 H"),
    when the test reads no bare number (no `bare_unit`: a TCA level is ng/mL or nmol/L, a factor
    of ~3.8 apart, never guessed; recheck K17 s29 finding 2), so a card shows what the lab sent
    beside "not read" (K21 t11: "level with no value read" hid the 180); "" otherwise."""
    row = lab_ranges().get(test)
    if not isinstance(text, str) or row is None or not row.text_units or row.bare_unit:
        return ""
    written = _without_flag(text).strip()
    return written if _NUMBER.fullmatch(written) else ""


def bare_quantity(test: str, number: float) -> tuple[float, str] | None:
    """A valueQuantity sent with neither unit nor code, read as a bare number (`_bare`) for a row
    whose `bare_quantity` says so (data/lab_ranges.csv: the QTc, whose 480 with no unit is ms,
    labs32 item 3; the lithium level, whose 1.8 with no unit is mmol/L as the text "1.8" is,
    recheck K27b s31 finding 1); else None: the value stays judged by the lab's flag only (a
    sodium quantity with no unit is not given one here)."""
    row = lab_ranges().get(test)
    if row is None or not row.bare_quantity:
        return None
    return _bare(test, number)


def implausible(test: str, number: float, unit: str | None) -> bool:
    """Whether a value sent with a unit of `test`'s row (data/lab_ranges.csv `units`, the same
    quantity as its `bare_unit`) lies outside the row's plausible range, for a row whose
    `unit_bounds` says so: a sodium 12.4 mmol/L is no serum sodium (a slipped decimal), so it is
    named as not read (lab_unread.py), never carded as profound hyponatraemia (labs33 item 1)."""
    row = lab_ranges().get(test)
    if row is None or not row.unit_bounds or unit is None or unit.lower() not in row.units:
        return False
    if row.bare_low is None or row.bare_high is None:
        return False
    return not row.bare_low <= number <= row.bare_high


def entry_doubt(test: str, number: float) -> bool:
    """Whether a value of `test`, in the row's own unit, lies above what the test can be while
    the row still reads it (`unit_bounds` "check": a lithium 18 mmol/L), so a card shows it with
    "check the entry" beside the action it still takes (recheck K27b s31 finding 3)."""
    row = lab_ranges().get(test)
    return (
        row is not None and row.entry_check and row.bare_high is not None and number > row.bare_high
    )
