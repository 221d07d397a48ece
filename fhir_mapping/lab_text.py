"""A lab value sent as text: a QTc written "512 ms (prolonged)" in valueString.

Some ECG systems send the QTc as a string (the value with a word after it) instead of a
valueQuantity. Which tests are read from text, and in which units, is data/lab_ranges.csv's
`text_units` column (the QTc: ms, msec, s, sec); a test without text units is never read from
text. The reading is strict, because a number taken from the wrong place in a sentence would be
compared as if measured: the text must hold exactly one number, followed by one of the units,
with nothing before it but the test's own label ("QTc: 512 ms", "512 ms (prolonged)"). Anything
else is not read: a sign or comparator ("> 500 ms" is a bound, not a value), two numbers
("480-500 ms", "Bazett 512 ms, Fridericia 478 ms"), no unit ("512"), words before the number
("not done, last 512 ms": the number may not be this result's), no number ("QTc not measurable");
the result stays one without a value: `labs.lab_gaps` names it and the QTc check says it was not
compared (never silent, never a guessed value).

A bound sent as text (`bound_from_text`, review 11 recheck finding 8): labs write an eGFR beyond
their reporting cut as valueString ">60" or "> 60 mL/min/1.73m2" (Epic-style), the same bound a
valueQuantity.comparator carries. For a test whose data/lab_ranges.csv row names a
`text_bound_unit` (the eGFR) it is read as that bound: the comparator, the one number and, when
the text names a unit, one of the test's own units (else the text_bound_unit). Only the bound
itself is read: words, two numbers or another unit leave the result unread (a data gap), as
before. A test without a text_bound_unit (the QTc) never reads a bound from text.
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping.clinical_codes import lab_ranges
from fhir_mapping.lab_units import si_rows

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# The number, the spaces after it and the word that follows (its unit).
_VALUE = re.compile(r"(\d+(?:\.\d+)?)\s*([^\W\d_]+)")
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
    test: str, text: object, *, unitless: bool = True
) -> tuple[str, float, str] | None:
    """(comparator, value, unit) of a bound sent as text for `test` (">60" -> (">", 60.0,
    "mL/min/{1.73_m2}")), or None (see the module doc). A unit named may also be one of the
    test's SI units (data/lab_si_units.csv: "<110 pmol/L" for B12), kept as written for the
    conversion; `unitless` False: a bound naming no unit is not read (the result is coded in
    moles, so the table's mass unit would be a guess: lab_values.py)."""
    if not isinstance(text, str):
        return None
    known = lab_ranges().get(test)
    if known is None or known.text_bound_unit is None:
        return None
    found = _BOUND.fullmatch(text)
    if found is None:
        return None
    sign, value, unit = found.groups()
    if unit is None and not unitless:
        return None
    if unit is not None:
        # "mL/min/1.73m2" and "mL/min/1.73 m2" alike; any other unit (mL/s) or word: not read.
        squeezed = "".join(unit.split()).lower()
        if squeezed in _si_units(test):
            return _SIGNS.get(sign, sign), float(value), unit
        if squeezed not in _squeezed_units(test):
            return None
        unit = unit if unit.lower() in known.units else known.text_bound_unit
    return _SIGNS.get(sign, sign), float(value), unit or known.text_bound_unit


@cache
def _si_units(test: str) -> frozenset[str]:
    """The SI units data/lab_si_units.csv converts for `test`, lower case, without spaces."""
    return frozenset(
        "".join(row["unit"].split()).lower() for row in si_rows() if row["test"] == test
    )


def value_from_text(test: str, text: object) -> tuple[float, str] | None:
    """(value, lower-case unit) read from `text` for `test`, or None (see the module doc)."""
    units = text_units().get(test)
    if units is None or not isinstance(text, str):
        return None
    if len(_NUMBER.findall(text)) != 1:
        return None
    found = _VALUE.search(text)
    if found is None:
        return None
    unit = found.group(2).lower()
    if unit not in units:
        return None
    if _LABEL.fullmatch(text[: found.start()].strip()) is None:
        return None
    return float(found.group(1)), unit
