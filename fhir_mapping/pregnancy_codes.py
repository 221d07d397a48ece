"""Which Observations are pregnancy readings, and what their values mean.

The codes of a Pregnancy Status Observation (data/observation_codes.csv concept
`pregnancy-status`), of an estimated delivery date and of a Breastfeeding status Observation, and
the meaning of each coded or written answer (data/pregnancy_codes.csv), read once. `wants` is asked
of most Observations in a chart (build_record's routing), so this table stands apart from how
pregnancy.py and breastfeeding.py decide what the readings say.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.code_systems import LOINC, canonical_system
from fhir_mapping.codes import observation_codes
from fhir_mapping.fhir_fields import JSON_OBJECT, codings

Resource = Mapping[str, Any]

_STATUS_CONCEPT = "pregnancy-status"
_PREGNANT, _POSSIBLE, _NOT_PREGNANT, _UNKNOWN = "pregnant", "possible", "not-pregnant", "unknown"


_TEXT = "text"
# A Breastfeeding status Observation (LOINC 63895-7; review 11 finding 5): its code and answers
# are rows of data/pregnancy_codes.csv too, kept apart from the pregnancy values (a yes/no answer
# means something only under its own code).
_FEEDING_STATUS = "breastfeeding-status"
_FEEDING, _NOT_FEEDING = "breastfeeding", "not-breastfeeding"
_FEEDING_MEANINGS = frozenset({_FEEDING_STATUS, _FEEDING, _NOT_FEEDING})
# The rows of data/pregnancy_tests.csv that name a test (not an answer, a unit or a cut-off).
QUALITATIVE, QUANTITATIVE = "qualitative", "quantitative"
_TEST_SCALES = frozenset({QUALITATIVE, QUANTITATIVE})


@dataclass(frozen=True, slots=True)
class _Value:
    meaning: str
    system: str
    code: str
    display: str


@dataclass(frozen=True, slots=True)
class _Codes:
    status: frozenset[tuple[str, str]]  # (canonical system, code) of the status Observation
    edd: frozenset[tuple[str, str]]  # ... of an estimated delivery date
    lmp: frozenset[tuple[str, str]]  # ... of a last menstrual period (dating only)
    values: Mapping[tuple[str, str], _Value]  # (system, code) -> value; ("text", phrase) too
    feeding: frozenset[tuple[str, str]]  # ... of a Breastfeeding status Observation
    feeding_values: Mapping[tuple[str, str], _Value]  # its answers, as `values`
    # ... of an hCG pregnancy test (data/pregnancy_tests.csv; review s29 RL finding 6): read as
    # a pregnancy status by fhir_mapping/pregnancy_tests.py.
    tests: frozenset[tuple[str, str]]
    plain: frozenset[str]  # every status, EDD, breastfeeding and test code: `wants`' one look


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def _codes() -> _Codes:
    status = {(r.system, r.code) for r in observation_codes() if r.concept == _STATUS_CONCEPT}
    edd: set[tuple[str, str]] = set()
    lmp: set[tuple[str, str]] = set()
    values: dict[tuple[str, str], _Value] = {}
    feeding: set[tuple[str, str]] = set()
    feeding_values: dict[tuple[str, str], _Value] = {}
    for row in _read("pregnancy_codes.csv"):
        system = row["system"].strip()
        code = row["code"].strip()
        meaning = row["meaning"]
        if meaning == "edd":
            edd.add((canonical_system(system), code))
            continue
        if meaning == "lmp":
            lmp.add((canonical_system(system), code))
            continue
        if meaning == _FEEDING_STATUS:
            feeding.add((canonical_system(system), code))
            continue
        if system == _TEXT:
            code = code.lower()
        else:
            system = canonical_system(system)
        into = feeding_values if meaning in _FEEDING_MEANINGS else values
        into[(system, code)] = _Value(meaning, system, code, row["display"])
    tests = {
        (canonical_system(row["system"].strip()), row["code"].strip())
        for row in _read("pregnancy_tests.csv")
        if row["meaning"] in _TEST_SCALES
    }
    return _Codes(
        status=frozenset(status),
        edd=frozenset(edd),
        lmp=frozenset(lmp),
        values=values,
        feeding=frozenset(feeding),
        feeding_values=feeding_values,
        tests=frozenset(tests),
        plain=frozenset(code for _, code in status | edd | lmp | feeding | tests),
    )


def status_and_edd_codes() -> frozenset[str]:
    """Every code of a Pregnancy Status, EDD, Breastfeeding status or pregnancy test
    Observation, as `fhir_fields.codings` yields codes (any system): build.py's one walk over an
    Observation's codings (`_observation_reads`) tells these apart there, so a vital sign costs
    no second walk (issue 14)."""
    return _codes().plain


@cache
def breastfeeding_status_loinc() -> tuple[tuple[str, str], ...]:
    """The LOINC codes of a Breastfeeding status Observation (63895-7): services/catalog.py asks
    for them under `observations`, spelt `http://loinc.org` only (its docstring: the query's
    length)."""
    return tuple(
        (LOINC, row["code"].strip())
        for row in _read("pregnancy_codes.csv")
        if row["meaning"].strip() == _FEEDING_STATUS and row["system"].strip() == LOINC
    )


def wants(resource: Resource) -> bool:
    """Whether an Observation no other reader took is a pregnancy status, an EDD, a
    breastfeeding status or a pregnancy test: asked by build_record of every such Observation
    (most of a chart: vitals), so one set lookup per coding, before any system is read (`_kind`
    checks the system)."""
    concept = resource.get("code")
    if not isinstance(concept, JSON_OBJECT):
        return False
    items = concept.get("coding")
    if not isinstance(items, list):
        return False
    plain = _codes().plain
    for coding in items:
        if isinstance(coding, JSON_OBJECT):
            code = coding.get("code")
            if isinstance(code, str) and code.strip() in plain:
                return True
    return False


def _kind(concept: object) -> str | None:
    """ "status", "edd", "lmp", "feeding", "test" or None, from a CodeableConcept's codings
    (systems canonical)."""
    codes = _codes()
    for system, code, _ in codings(concept):
        if (system, code) in codes.status:
            return "status"
        if (system, code) in codes.edd:
            return "edd"
        if (system, code) in codes.lmp:
            return "lmp"
        if (system, code) in codes.feeding:
            return "feeding"
        if (system, code) in codes.tests:
            return "test"
    return None


def _value(resource: Resource, values: Mapping[tuple[str, str], _Value]) -> _Value | None:
    """The status a Pregnancy Status (or, with its own `values`, a Breastfeeding status)
    Observation records, or None when its value names none."""
    concept = resource.get("valueCodeableConcept")
    coded = codings(concept)
    for system, code, _ in coded:
        found = values.get((system, code))
        if found is not None:
            return found
    texts: list[str] = [display for _, _, display in coded]
    if isinstance(concept, JSON_OBJECT) and isinstance(concept.get("text"), str):
        texts.append(concept["text"])
    if isinstance(resource.get("valueString"), str):
        texts.append(resource["valueString"])
    for text in texts:
        found = values.get((_TEXT, " ".join(text.lower().split())))
        if found is not None:
            return found
    if resource.get("dataAbsentReason") is not None and not coded and not texts:
        return values.get((_TEXT, _UNKNOWN))
    if isinstance(resource.get("valueBoolean"), bool):  # "Breastfeeding: yes" as a boolean
        return values.get((_TEXT, "yes" if resource["valueBoolean"] else "no"))
    return None
