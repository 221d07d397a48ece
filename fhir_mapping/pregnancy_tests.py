"""An hCG pregnancy test read as a pregnancy status (review s29 RL finding 6).

A woman of 28 on lithium with a positive urine hCG (LOINC 2106-3), a positive serum hCG (2118-8)
or a beta-hCG of 5200 mIU/mL (21198-7) had no pregnancy caveat at all: only the Pregnancy Status
Observation (82810-3), a Condition or a prenatal visit was read, so the lithium-in-pregnancy
card (Patorno 2017) never came. A positive test is the first record of most pregnancies.

What is read (data/pregnancy_tests.csv, each row with its source; the codes are asked for under
the `labsSI` prefetch key, services/catalog.py says why):

- a qualitative test (2106-3, 2118-8 ...) whose value names a result: a coded answer (LOINC
  LA6576-8 Positive, SNOMED CT 10828004 ...), else the value's text matched whole ("Positive",
  "Not detected"), else the Observation's interpretation (v3 POS / NEG / DET / ND);
- a quantitative test (21198-7, 19080-1 ...) by its number in mIU/mL (IU/L is the same number;
  no unit reads as mIU/mL, the only scale these Units/volume codes have): at or above the table's
  positive cut-off a positive test, below its negative cut-off a negative one, between them
  equivocal, read as a possible pregnancy (the safer reading, as "Possible pregnancy" is). A
  bound ("<5", ">1000") decides only when it lies wholly on one side; a number sent as text
  (">1000 mIU/mL", a unit of the table or none) is read as the quantity is (labs33 item 3).

Each reading is a `_Value` of the pregnancy status's meanings (pregnant, possible, not pregnant),
coded with the test's own LOINC code and worded as the cards name it: "positive pregnancy test
(Choriogonadotropin (pregnancy test) [Presence] in Urine) on 2026-11-25". pregnancy.py then weighs
it as it weighs a status: the same 42-week window (policy.pregnancy_status_weeks) from the test's
date, and a signed-off negative test ends what was recorded before it as a signed-off "Not
pregnant" does (review s28 RI finding 1). What cannot be read is a reason for a DataGap.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.code_systems import LOINC, canonical_system
from fhir_mapping.fhir_fields import JSON_OBJECT, array, codings, number, string
from fhir_mapping.findings import Finding
from fhir_mapping.pregnancy_codes import (
    _NOT_PREGNANT,
    _POSSIBLE,
    _PREGNANT,
    QUANTITATIVE,
    _Value,
)

Resource = Mapping[str, Any]

_POSITIVE, _NEGATIVE = "positive", "negative"
_TEXT = "text"
# What each reading means as a pregnancy status; the reading is the card's word ("positive").
_MEANING = {_POSITIVE: _PREGNANT, _NEGATIVE: _NOT_PREGNANT, "equivocal": _POSSIBLE}


@dataclass(frozen=True, slots=True)
class _Tests:
    names: Mapping[tuple[str, str], tuple[str, str]]  # (system, code) -> (scale, LOINC name)
    answers: Mapping[tuple[str, str], str]  # (system, code) or ("text", words) -> reading
    units: Mapping[str, float]  # unit as written -> factor to mIU/mL
    # A bound's words, lower case -> its sign ("greater than" -> ">"; labs35 item 3).
    comparators: Mapping[str, str]
    positive_from: float  # mIU/mL
    negative_below: float  # mIU/mL


@cache
def _tests() -> _Tests:
    path = resources.files("fhir_mapping").joinpath("data/pregnancy_tests.csv")
    names: dict[tuple[str, str], tuple[str, str]] = {}
    answers: dict[tuple[str, str], str] = {}
    units: dict[str, float] = {}
    comparators: dict[str, str] = {}
    cutoffs: dict[str, float] = {}
    for row in csv.DictReader(path.read_text("utf-8").splitlines()):
        meaning, system, code = row["meaning"], row["system"].strip(), row["code"].strip()
        if meaning in (_POSITIVE, _NEGATIVE):
            key = (_TEXT, code.lower()) if system == _TEXT else (canonical_system(system), code)
            answers[key] = meaning
        elif meaning == "unit":
            units[code] = float(row["value"])
        elif meaning == "comparator":
            comparators[code.lower()] = row["display"]
        elif meaning in ("positive-from", "negative-below"):
            cutoffs[meaning] = float(row["value"])
        else:
            names[(canonical_system(system), code)] = (meaning, row["display"])
    return _Tests(
        names, answers, units, comparators, cutoffs["positive-from"], cutoffs["negative-below"]
    )


def loinc_codes() -> tuple[str, ...]:
    """The LOINC codes of the tests, in table order: services/catalog.py asks for them."""
    return tuple(code for system, code in _tests().names if system == LOINC)


def is_test(finding: Finding) -> bool:
    """Whether a pregnancy finding rests on a test (read here), not a status: the cards word the
    two apart ("a negative pregnancy test ... was recorded after it")."""
    return (finding.system, finding.code) in _tests().names


def _test(resource: Resource) -> tuple[str, str, str, str] | None:
    """(system, code, scale, LOINC name) of the Observation's first test coding."""
    names = _tests().names
    for system, code, _ in codings(resource.get("code")):
        found = names.get((system, code))
        if found is not None:
            return system, code, *found
    return None


def _answer(resource: Resource) -> str | None:
    """ "positive" or "negative" from the value (coded, then its text matched whole), else from
    the interpretation; None when neither names a result."""
    answers = _tests().answers
    concept = resource.get("valueCodeableConcept")
    coded = codings(concept)
    texts = [display for _, _, display in coded]
    if isinstance(concept, JSON_OBJECT):
        texts.append(string(concept.get("text")) or "")
    texts.append(string(resource.get("valueString")) or "")
    keys = [(s, c) for s, c, _ in coded] + [(_TEXT, " ".join(t.lower().split())) for t in texts]
    for interpretation in array(resource.get("interpretation")):
        keys.extend((s, c) for s, c, _ in codings(interpretation))
    return next((answers[k] for k in keys if k in answers), None)


def _level(resource: Resource) -> float | str | None:
    """A quantitative test's value in mIU/mL; None when it has no number; the unit as written
    (a str) when data/pregnancy_tests.csv does not know it."""
    quantity = resource.get("valueQuantity")
    if not isinstance(quantity, JSON_OBJECT):
        return None
    value = number(quantity.get("value"))
    if value is None:
        return None
    unit = string(quantity.get("code")) or string(quantity.get("unit"))
    factor = _tests().units.get(unit.strip()) if unit else 1.0
    if factor is None:
        return unit
    return value * factor


# A quantitative result sent as text: a number, a comparator before it or not, a unit after it
# or not (">1000 mIU/mL": how labs report an hCG above the assay's top; labs33 item 3). The
# number may group its thousands with commas (">1,000 mIU/mL": labs35 item 3), only in whole
# groups of three: "1,5" (a decimal comma) is not read. A comma group read as thousands is the
# safer reading for an hCG (a higher number keeps the pregnancy question).
_TEXT_LEVEL = re.compile(r"\s*(<=|>=|<|>)?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(\S*)\s*")


def _text_level(resource: Resource) -> tuple[float, str | None] | None:
    """(value in mIU/mL, comparator) of a quantitative test sent as text holding one number, with
    no unit or a unit of data/pregnancy_tests.csv (a bound above the positive cut-off is a
    positive test: `_reading`); a bound in words ("Greater than 1000 mIU/mL") read as its sign
    (the table's `comparator` rows; labs35 item 3); None for any other text (left to
    `_answer`, else not read)."""
    text = _signed(string(resource.get("valueString")) or "")
    found = _TEXT_LEVEL.fullmatch(text) if text else None
    if found is None:
        return None
    sign, digits, decimals, unit = found.groups()
    factor = _tests().units.get(unit) if unit else 1.0
    value = float(digits.replace(",", "") + (decimals or ""))
    return (value * factor, sign) if factor is not None else None


def _signed(text: str) -> str:
    """`text` with a leading bound in words replaced by its sign ("Greater than 1000" ->
    ">1000"), the longest words first ("greater than or equal to" before "greater than")."""
    lower = text.strip().lower()
    for words, sign in sorted(_tests().comparators.items(), key=lambda w: -len(w[0])):
        if lower.startswith(words) and lower[len(words) : len(words) + 1] in (" ", ""):
            return sign + text.strip()[len(words) :]
    return text


def _reading(value: float, comparator: str | None) -> str | None:
    """ "positive", "negative" or "equivocal" for a number in mIU/mL; a bound decides only when
    it lies wholly on one side of the cut-offs (None otherwise)."""
    tests = _tests()
    above = value >= tests.positive_from
    below = value < tests.negative_below
    if comparator in ("<", "<="):
        return _NEGATIVE if value <= tests.negative_below else None
    if comparator in (">", ">="):
        return _POSITIVE if above else None
    if above:
        return _POSITIVE
    return _NEGATIVE if below else "equivocal"


def read_test(resource: Resource, day: date) -> _Value | str:
    """The pregnancy status a test Observation dated `day` records, or why it cannot be read
    (the DataGap's reason)."""
    found = _test(resource)
    if found is None:  # `_kind` said it is a test: a code under another system
        return "pregnancy test whose code is not read"
    system, code, scale, name = found
    basis = name
    reading: str | None = None
    if scale == QUANTITATIVE:
        level = _level(resource)
        if isinstance(level, str):
            return f"pregnancy test in a unit not read: {level}"
        if level is not None:
            quantity = resource["valueQuantity"]
            comparator = string(quantity.get("comparator"))
            reading = _reading(level, comparator)
            basis = f"{name}: {comparator or ''}{level:g} mIU/mL"
        elif (sent := _text_level(resource)) is not None:  # ">1000 mIU/mL" (labs33 item 3)
            reading = _reading(*sent)
            basis = f"{name}: {sent[1] or ''}{sent[0]:g} mIU/mL"
    if reading is None:
        reading = _answer(resource)
    if reading is None:
        return "pregnancy test whose result is not read"
    shown = f"{reading} pregnancy test ({basis}) on {day.isoformat()}"
    return _Value(_MEANING[reading], system, code, shown)


def is_quantitative(finding: Finding) -> bool:
    """Whether a pregnancy finding rests on a quantitative hCG (a number, not a urine result):
    in men a tumour marker too (services/pregnancy_now.py; review s29 K18 finding 2)."""
    found = _tests().names.get((finding.system, finding.code))
    return found is not None and found[0] == QUANTITATIVE


# The number and date read_test wrote into the display ("...: 150 mIU/mL) on 2026-11-25").
_SHOWN_LEVEL = re.compile(r": ([<>=]*[\d.]+ mIU/mL)\) on (\d{4}-\d{2}-\d{2})$")


def level_words(finding: Finding) -> str:
    """ "hCG 150 mIU/mL on 2026-11-25": a quantitative test named by its value, not as a
    pregnancy test (review s29 K18 finding 2); "hCG on <date>" when no number was read; a
    qualitative positive, "hCG positive (qualitative) on <date>" (labs32 item 4)."""
    shown = _SHOWN_LEVEL.search(finding.display)
    if shown is not None:
        return f"hCG {shown.group(1)} on {shown.group(2)}"
    day = f" on {finding.onset.isoformat()}" if finding.onset else ""
    if not is_quantitative(finding):  # a qualitative positive asked past the pregnancy age
        return f"hCG positive (qualitative){day}"
    return f"hCG{day}"


def at_or_above_positive(finding: Finding) -> bool:
    """Whether a quantitative hCG's number (as read_test wrote it into the display) is at or above
    the table's positive cut-off (data/pregnancy_tests.csv positive-from: 25 mIU/mL); a bound
    "<30" or no number: False. Past the pregnancy age only such a result is asked
    (services/pregnancy_now.py; review s29 K19b finding 2)."""
    shown = _SHOWN_LEVEL.search(finding.display) if is_quantitative(finding) else None
    if shown is None:
        return False
    words = shown.group(1).split()[0]
    number = float(words.lstrip("<>="))
    return not words.startswith("<") and number >= _tests().positive_from
