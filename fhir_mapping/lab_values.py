"""What a lab result or one of its components says: its number, unit and comparator (`_value`),
and its flag (`_flag`): Observation.interpretation (L/LL/LU low, H/HH/HU high, N normal; with no
code, the words "Critical Low", "LL", "High" as the codes they name: data/interpretation_words.csv,
labs34 item 1), else
the Observation's own referenceRange (when its unit is the value's; a range sent as text only
when unambiguous, lab_units.py), else the default interval of data/lab_ranges.csv when the unit
is one the table knows or an SI unit data/lab_si_units.csv converts (review 17 W3); else no
flag: a value in an unknown unit is never compared (labs.lab_gaps names it).

A value sent as text is read by lab_text.py ("512 ms (prolonged)", an eGFR ">60" as a bound); a
valueQuantity.comparator is kept ("> 450": a bound, never exactly 450), and one outside the R4
value set leaves the value unread. The high end of the lab's own referenceRange is kept for ALT
and AST (`range_high`, review 12 H10).

Apart from labs.py (which result of which test, dated when, and what could not be read) because
reading one value and judging it against a range is the same for a result and a component;
labs.py re-exports `range_high`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.clinical_codes import lab_ranges
from fhir_mapping.fhir_fields import JSON_OBJECT, number, one_or_many
from fhir_mapping.lab_text import (
    bare_quantity,
    bound_from_text,
    implausible,
    text_flag,
    value_from_text,
)
from fhir_mapping.lab_units import si_coded_unit, table_value, text_range

Resource = Mapping[str, Any]

_LOW = frozenset({"L", "LL", "LU", "<"})
_HIGH = frozenset({"H", "HH", "HU", ">"})


def _compare(value: float, low: float | None, high: float | None) -> str | None:
    if low is None and high is None:
        return None
    if low is not None and value < low:
        return "low"
    if high is not None and value > high:
        return "high"
    return "normal"


def _interpretation_flag(resource: Resource) -> str | None:
    """The flag of the first interpretation code this module knows (L/LL/LU/<, H/HH/HU/>, N).

    The codings are walked in place (issue 14: every lab read has one), skipping what `codings`
    skips (a coding that is not an object, a code that is not a non-empty string after
    stripping); the system is not read, as no system decides the flag
    (tests/fhir_mapping/test_speed7_shortcuts.py pins this to the `codings` reading). One
    CodeableConcept sent alone (STU3's shape) is read as a list of one; a bool, number or
    string in its place is no interpretation (`one_or_many`)."""
    for code in _interpretation_codes(resource):
        if code in _LOW:
            return "low"
        if code in _HIGH:
            return "high"
        if code == "N":
            return "normal"
    # No interpretation code: a flag written beside a value sent as text ("1.6 H"; labs31 item 3;
    # "1.6H", "H 1.6", "0.3 N": review s29 K19b finding 4).
    written = text_flag(resource.get("valueString"))
    if written in _LOW:
        return "low"
    if written == "N":
        return "normal"
    return "high" if written in _HIGH else None


def _interpretation_codes(resource: Resource) -> list[str]:
    """The interpretation codes of a result in order, stripped (module rules: a coding that is
    not an object or a code that is not a string is skipped; the system is not read). When no
    concept carries a code, the words the lab wrote instead ("Critical Low" as the concept's
    text, a coding with a display and no code: Epic; K21 s1, labs34 item 1) are read as the code
    they name (`_word_codes`); a code given always wins over words.

    A list, not a generator (issue 14, session 31): its callers stop at the first code they know,
    and on Python 3.11 a generator left suspended is closed by throwing GeneratorExit into it and
    each generator it delegates to, about a sixth of reading a lab (a 10-year chart reads a few
    hundred). A result carries one or two codes, so reading them all costs less."""
    # One concept of one coding, its code of a flag system (nearly every lab: a 10-year chart's
    # ~400 reads, 831 of its 903 results "N"): that code alone, no call per coding (issue 14,
    # perf52). The loop below gives the same answer: one code, given, so no words are read.
    concepts = resource.get("interpretation")
    if type(concepts) is list and len(concepts) == 1 and type(concept := concepts[0]) is dict:
        items = concept.get("coding")
        if type(items) is list and len(items) == 1 and type(coding := items[0]) is dict:
            code = coding.get("code")
            system = coding.get("system")
            if type(code) is str and type(system) is str and system in _FLAG_SYSTEMS:
                stripped = code.strip()
                if stripped:
                    return [stripped]
    codes: list[str] = []
    coded = False
    for concept in one_or_many(resource.get("interpretation")):
        if not isinstance(concept, JSON_OBJECT):
            continue
        items = concept.get("coding")
        if not isinstance(items, list):
            continue
        for coding in items:
            if not isinstance(coding, JSON_OBJECT):
                continue
            code = coding.get("code")
            if isinstance(code, str):
                coded = coded or (bool(code.strip()) and _flag_system(coding))
                codes.append(code.strip())
    if not coded:
        codes.extend(_word_codes(resource))
    return codes


# The code systems whose codes are the lab's flag (HL7 v3 ObservationInterpretation and its v2
# table 0078): only a code of one of them, or of no stated system, stands in for the words. A
# lab's own coding (Epic's local urn:oid:... code "4" beside the text "Critical Low": review s30
# K24b) is a code this reader cannot know, so the words beside it are read (labs36 item 2).
_FLAG_SYSTEMS = frozenset(
    {
        "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
        "http://terminology.hl7.org/CodeSystem/v2-0078",
        "http://hl7.org/fhir/v2/0078",
        "http://hl7.org/fhir/v3/ObservationInterpretation",
    }
)


def _flag_system(coding: Mapping[str, Any]) -> bool:
    system = coding.get("system")  # none stated (or not a string): a bare "H" is the flag
    return not system or not isinstance(system, str) or system in _FLAG_SYSTEMS


def _concepts(resource: Resource) -> Iterator[Mapping[str, Any]]:
    for concept in one_or_many(resource.get("interpretation")):
        if isinstance(concept, JSON_OBJECT):
            yield concept


def _codings(concept: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    items = concept.get("coding")
    if isinstance(items, list):
        yield from (coding for coding in items if isinstance(coding, JSON_OBJECT))


def _word_codes(resource: Resource) -> Iterator[str]:
    """The codes named by the displays and texts of a result's interpretation, each read whole
    (data/interpretation_words.csv: "Critical Low" or "LL" is LL; "not critical low" is no
    flag), so a lab that writes its flag only in words is read as one that codes it."""
    words = interpretation_words()
    for concept in _concepts(resource):
        written = [coding.get("display") for coding in _codings(concept)]
        for text in (*written, concept.get("text")):
            if isinstance(text, str):
                code = words.get(_plain(text)) or _leading_critical(text, words)
                if code is not None:
                    yield code


# Where a lab's words of a critical call end and its note begins ("Critical - called",
# "Critical, called to Dr X", "Critical; repeated", "Critical: see comment").
_NOTE_BREAK = re.compile(r"\s+-\s+|[,;:]")


def _leading_critical(text: str, words: Mapping[str, str]) -> str | None:
    """The critical code (HH / LL / AA) a text names by its LEADING words, with a note after
    them (labs37 item 1: "Critical value called to RN", "Critical - called", "Critical, called
    to Dr X"): the words before the first break (`_NOTE_BREAK`) when they are a critical row of
    the table, else the longest run of two words or more from the start that is one ("critical
    value ..."; one word is never enough: "Panic attacks" is no panic value). Only the start is
    read, so a negation ("Non-critical", "No critical value", "Not a panic value") stays no
    flag; the side comes from the low / high words of the row ("Crit Low", "Low Panic")."""
    head = words.get(_plain(_NOTE_BREAK.split(text, maxsplit=1)[0]))
    if head in _CRITICAL:
        return head
    plain = _plain(text).split()
    for end in range(len(plain), 1, -1):
        code = words.get(" ".join(plain[:end]))
        if code in _CRITICAL:
            return code
    return None


def _plain(text: str) -> str:
    """Lower case, one space between words, without the marks a lab puts around or between the
    words of a flag ("*LL*", "(Critical low)", "High!", "LL (Critical)", "Low, critical")."""
    return " ".join(text.translate(_MARKS).split()).lower()


_MARKS = str.maketrans(dict.fromkeys("*()[]!.,", " "))


@cache
def interpretation_words() -> dict[str, str]:
    """Words (lower case) -> the v3 ObservationInterpretation code they name
    (data/interpretation_words.csv)."""
    table = resources.files("fhir_mapping").joinpath("data/interpretation_words.csv")
    rows = csv.DictReader(table.read_text("utf-8").splitlines())
    return {_plain(row["words"]): row["code"].strip() for row in rows}


# The v3 ObservationInterpretation codes of a critical result (HH "critical high", LL "critical
# low", AA "critical abnormal": a critical call with no side, the words "Critical" or "Panic"
# alone, labs36 item 2); HU/LU are "significantly" high/low, not critical.
_CRITICAL = frozenset({"HH", "LL", "AA"})


def interpretation_critical(resource: Resource) -> bool:
    """Whether the lab flagged the result critical (HH or LL among its interpretation codes),
    read as `_interpretation_flag` reads the codes."""
    if any(code in _CRITICAL for code in _interpretation_codes(resource)):
        return True
    return text_flag(resource.get("valueString")) in _CRITICAL


def _quantity_unit(quantity: Mapping[str, Any]) -> str | None:
    unit = quantity.get("unit") or quantity.get("code")
    return unit if isinstance(unit, str) and unit else None


def range_unit(resource: Resource) -> str | None:
    """The one unit the result's referenceRange bounds state (low and high, every range), or
    None when they state none or differ: the unit a value sent with none is read in, for the
    rows that read a quantity with no unit (`bare_quantity`; recheck K28c s31 finding 2)."""
    units = set()
    for ref in one_or_many(resource.get("referenceRange")):
        if isinstance(ref, JSON_OBJECT):
            for key in ("low", "high"):
                quantity = ref.get(key)
                if isinstance(quantity, JSON_OBJECT) and number(quantity.get("value")) is not None:
                    units.add(_quantity_unit(quantity))
    return units.pop() if len(units) == 1 else None


def unit_source(resource: Resource, unit: str | None) -> str:
    """Where the unit of a value read came from when the lab did not send it with the value:
    "range" (its referenceRange's, `range_unit`), "bare" (the row's `bare_unit` for a number
    sent with none), "" when sent. A card says so beside the value (recheck K28c s31 finding 2:
    never a unit the record does not give, unsaid)."""
    if unit is None:
        return ""
    quantity = resource.get("valueQuantity")
    if isinstance(quantity, JSON_OBJECT):
        if _quantity_unit(quantity) is not None or quantity.get("comparator") is not None:
            return ""
        return "range" if unit == range_unit(resource) else "bare"
    text = resource.get("valueString")
    if isinstance(text, str) and unit.lower() not in text.lower():
        return "bare"
    return ""


def _range_flag(resource: Resource, value: float, unit: str | None) -> str | None:
    for ref in one_or_many(resource.get("referenceRange")):
        if not isinstance(ref, JSON_OBJECT):
            continue
        bounds: list[float | None] = []
        for key in ("low", "high"):
            quantity = ref.get(key)
            bound = None
            if isinstance(quantity, JSON_OBJECT):
                bound_unit = _quantity_unit(quantity)
                if (
                    bound_unit is not None
                    and unit is not None
                    and bound_unit.lower() != unit.lower()
                ):
                    return None  # a range in another unit is not compared
                bound = number(quantity.get("value"))
            bounds.append(bound)
        flag = _compare(value, bounds[0], bounds[1])
        if flag is not None:
            return flag
    return None


def range_high(resource: Resource, unit: str | None) -> float | None:
    """The high end of the first referenceRange that has one, when its unit is the value's (or
    either is not stated: a range is in the result's unit unless it says otherwise, as
    `_range_flag` reads it); None otherwise. A range in another unit is not used."""
    for ref in one_or_many(resource.get("referenceRange")):
        if not isinstance(ref, JSON_OBJECT):
            continue
        quantity = ref.get("high")
        if not isinstance(quantity, JSON_OBJECT):
            continue
        bound_unit = _quantity_unit(quantity)
        if bound_unit is not None and unit is not None and bound_unit.lower() != unit.lower():
            return None
        bound = number(quantity.get("value"))
        if bound is not None and bound > 0:
            return bound
    return None


def _flag(
    part: Resource, test: str, value: float | None, unit: str | None, comparator: str | None = None
) -> str | None:
    """The flag of a result or component: its interpretation, else its reference range, else the
    table's default interval in a unit the table knows (a bound only where it decides the side:
    `bound_flag`)."""
    flag = _interpretation_flag(part)
    if flag is None and value is not None:
        flag = _range_flag(part, value, unit)
        if flag is None:
            flag = _unflagged(part, test, value, unit)
        flag = bound_flag(flag, comparator)
    return flag


def bound_flag(flag: str | None, comparator: str | None) -> str | None:
    """A range's flag of a bound's number, kept only when the bound decides it (review s28 RJ
    finding 2): "< 150" pg/mL under a low limit of 180 is low whatever the value, but "< 200"
    may be either side of 180, so nothing is known (None: not compared, never "normal"); "> 100"
    above a high limit is high. An exact value (no comparator) keeps its flag. The lab's own
    interpretation is never passed here: the lab knows the value."""
    if comparator is None or flag is None:
        return flag
    if comparator in _UPPER_BOUNDS:
        return flag if flag == "low" else None
    return flag if flag == "high" else None


def _unflagged(part: Resource, test: str, value: float, unit: str | None) -> str | None:
    """The flag of a value with no interpretation and no structured range in its unit: its
    referenceRange sent as text only, when unambiguous (lab_units.text_range: Epic's "133 - 675
    pmol/L"), else the table's default interval, with the value in the table's unit or converted
    from an SI unit (lab_units.table_value, review 17 W3); else None (never compared)."""
    bounds = text_range(part, unit)
    if bounds is not None:
        return _compare(value, *bounds)
    converted = table_value(test, value, unit)
    if converted is None:
        return None
    default = lab_ranges()[test]
    return _compare(converted, default.low, default.high)


# FHIR Quantity.comparator (R4 quantity-comparator value set): the value is a bound.
_COMPARATORS = frozenset({"<", "<=", ">", ">="})
_UPPER_BOUNDS = frozenset({"<", "<="})


def _value(part: Resource, test: str) -> tuple[float | None, str | None, str | None]:
    """(number, unit, comparator) of a result or of a component (review 11 wave 4: one reader
    for both, so a component QTc "> 450" stays a bound, never exactly 450): the valueQuantity
    with its comparator; with none, a value of `test` sent as text (lab_text.py: "512 ms
    (prolonged)"), else a bound sent as text (an eGFR ">60", Epic-style). A comparator outside
    the R4 quantity-comparator value set leaves the number unread: read as exact, "~450" or an
    R5 "ad" could put a value on either side of a line it does not state."""
    quantity = part.get("valueQuantity")
    if isinstance(quantity, JSON_OBJECT):
        value = number(quantity.get("value"))
        sign = quantity.get("comparator")
        if value is None or sign is None:
            unit = _quantity_unit(quantity)
            if unit is None and value is not None:
                # No unit nor code: the unit its referenceRange states (a lithium 8 beside
                # 4.2-8.3 mg/L is 8 mg/L, not 8 mmol/L: recheck K28c s31 finding 2), else a QTc
                # of 200-800 is ms, as a bare number sent as text is (data/lab_ranges.csv
                # bare_quantity; labs32 item 3); else None, never guessed.
                stated = range_unit(part) if lab_ranges()[test].bare_quantity else None
                if stated is not None:
                    return value, stated, None
                found = bare_quantity(test, value)
                if found is not None:
                    return found[0], found[1], None
            elif value is not None and implausible(test, value, unit):
                return None, None, None  # named by lab_unread.unread_value_gap (labs33 item 1)
            return value, unit, None
        if not isinstance(sign, str) or sign not in _COMPARATORS:  # a list is unhashable
            return None, None, None
        return value, _quantity_unit(quantity), sign
    text = part.get("valueString")
    if text is None:
        return None, None, None
    found = value_from_text(test, text)
    if found is not None:
        return found[0], found[1], None
    # A bound with no unit is read in the table's unit, but under the test's moles code in that
    # code's SI unit (data/lab_si_units.csv): "<111" under 14685-2 is pmol/L, never pg/mL (review
    # s28 RJ finding 2; lab54 item 3: it was left unread, a B12 below any lower limit unsaid).
    coded = si_coded_unit(part.get("code"), test)
    bound = bound_from_text(test, text, unitless=coded is None, coded_unit=coded)
    if bound is not None:
        return bound[1], bound[2], bound[0]
    return None, None, None
