"""Encounter -> psychiatric inpatient stays that ended (review 16 W4).

The first months after discharge from psychiatric inpatient care carry the highest suicide risk
of a patient's course (about 100 times the global rate in the first 3 months: Chung et al., JAMA
Psychiatry 2017, PMC5710249), so the suicide-risk card names a recent discharge
(services/rules/suicide_risk_discharge.py). This module reads the stays; the window is policy.

A stay is read when the Encounter
- is an inpatient one: `class` (a Coding in R4) v3-ActCode IMP, or its specialisations ACUTE and
  NONAC (data/admission_codes.csv `class` rows). US Core, Epic and Oracle Health send IMP; the
  vendor samples in ../shared/fhir/vendor hold no inpatient Encounter, so the class text is not
  guessed at: an inpatient stay under a local class code is not read (a data gap the review of a
  live feed must close);
- has `status` finished (a stay still in progress is no discharge) and a `period.end` on or
  before as-of: the discharge day;
- is psychiatric: a `reasonCode` or `diagnosis` (a Condition of the chart it references, or a
  Condition whose `encounter` points back at it: how Epic and US Core send encounter diagnoses)
  coded under a psychiatric kind of the condition table or in ICD-10-CM F20-F48, or else a
  serviceType, type or location named in psychiatric words ("Inpatient Psychiatry",
  "Behavioral Health Unit"; `term` rows). An inpatient stay for pneumonia is no psychiatric
  admission: the post-discharge risk is that of psychiatric inpatients.

Cost: the filter reads `class` first; a chart's hundreds of ambulatory Encounters stop there.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.admission_record import Admission
from fhir_mapping.clinical_codes import condition_matches, normalise_code
from fhir_mapping.code_systems import canonical_system, system_label
from fhir_mapping.fhir_fields import JSON_OBJECT, parse_date, source_ref

Resource = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class _Table:
    classes: frozenset[tuple[str, str]]  # (canonical system, code)
    kinds: frozenset[str]  # condition-table kinds that make a reason psychiatric
    patterns: tuple[tuple[str, re.Pattern[str]], ...]  # (canonical system, code pattern)
    terms: tuple[str, ...]  # lower-case words of a psychiatric unit or service


@cache
def _table() -> _Table:
    text = resources.files("fhir_mapping").joinpath("data/admission_codes.csv").read_text("utf-8")
    classes: set[tuple[str, str]] = set()
    kinds: set[str] = set()
    patterns: list[tuple[str, re.Pattern[str]]] = []
    terms: list[str] = []
    for row in csv.DictReader(text.splitlines()):
        kind = row["kind"]
        if kind == "class":
            classes.add((canonical_system(row["system"]), row["code"]))
        elif kind == "reason-kind":
            kinds.add(row["code"])
        elif kind == "reason":
            patterns.append((canonical_system(row["system"]), re.compile(row["code"])))
        elif kind == "term":
            terms.append(row["code"].lower())
    return _Table(frozenset(classes), frozenset(kinds), tuple(patterns), tuple(terms))


def wants_admission(resource: Resource) -> bool:
    """An inpatient Encounter (class IMP / ACUTE / NONAC): the cheap filter."""
    cls = resource.get("class")
    if not isinstance(cls, JSON_OBJECT):
        return False
    code, system = cls.get("code"), cls.get("system")
    if not isinstance(code, str) or not isinstance(system, str):
        return False
    return (canonical_system(system), code.strip()) in _table().classes


def _codings(concepts: object) -> Iterable[Mapping[str, Any]]:
    if isinstance(concepts, JSON_OBJECT):
        concepts = [concepts]
    if not isinstance(concepts, list):
        return
    for concept in concepts:
        items = concept.get("coding") if isinstance(concept, JSON_OBJECT) else None
        for coding in items if isinstance(items, list) else ():
            if isinstance(coding, JSON_OBJECT):
                yield coding


def _psychiatric_code(concepts: object) -> tuple[str, str, str] | None:
    """(the first psychiatric coding's code, the card's name of it, its display), or None."""
    table = _table()
    for coding in _codings(concepts):
        code, system = coding.get("code"), coding.get("system")
        if not isinstance(code, str) or not isinstance(system, str) or not code.strip():
            continue
        canonical = canonical_system(system)
        key = normalise_code(canonical, code)
        psychiatric = any(m.kind.value in table.kinds for m in condition_matches(system, code))
        if not psychiatric:
            psychiatric = any(s == canonical and p.match(key) for s, p in table.patterns)
        if psychiatric:
            display = coding.get("display")
            return (
                code.strip(),
                f"{system_label(canonical)} {code.strip()}",
                display.strip() if isinstance(display, str) else "",
            )
    return None


def _words(concepts: object) -> Iterable[str]:
    """The text and coding displays of a CodeableConcept or a list of them."""
    if isinstance(concepts, JSON_OBJECT):
        concepts = [concepts]
    for concept in concepts if isinstance(concepts, list) else ():
        if not isinstance(concept, JSON_OBJECT):
            continue
        text = concept.get("text")
        if isinstance(text, str):
            yield text
        for coding in _codings(concept):
            display = coding.get("display")
            if isinstance(display, str):
                yield display


def _unit_words(resource: Resource) -> str | None:
    """The service, type or location name that says the stay was psychiatric, or None."""
    names = [*_words(resource.get("serviceType")), *_words(resource.get("type"))]
    locations = resource.get("location")
    for entry in locations if isinstance(locations, list) else ():
        where = entry.get("location") if isinstance(entry, JSON_OBJECT) else None
        display = where.get("display") if isinstance(where, JSON_OBJECT) else None
        if isinstance(display, str):
            names.append(display)
    terms = _table().terms
    for name in names:
        lowered = name.lower()
        if any(term in lowered for term in terms):
            return name.strip()
    return None


def _reference_id(reference: object, resource_type: str) -> str | None:
    ref = reference.get("reference") if isinstance(reference, JSON_OBJECT) else None
    if not isinstance(ref, str):
        return None
    parts = ref.rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2] == resource_type:
        return parts[-1]
    return None


def _diagnoses(resource: Resource, conditions: Sequence[Resource]) -> Iterable[object]:
    """The `code` of each Condition the Encounter names as a diagnosis, or that names it."""
    own = resource.get("id")
    listed = set()
    for item in resource.get("diagnosis") or ():
        cid = (
            _reference_id(item.get("condition"), "Condition")
            if isinstance(item, JSON_OBJECT)
            else None
        )
        if cid is not None:
            listed.add(cid)
    for condition in conditions:
        if not isinstance(condition, JSON_OBJECT):
            continue
        cid = condition.get("id")
        back = _reference_id(condition.get("encounter"), "Encounter")
        if (isinstance(cid, str) and cid in listed) or (isinstance(own, str) and back == own):
            yield condition.get("code")


def read_admission(
    resource: Resource, conditions: Sequence[Resource], *, as_of: date
) -> Admission | None:
    """The psychiatric inpatient stay an Encounter records, when it ended by as-of (module
    docstring), or None."""
    if not wants_admission(resource) or resource.get("status") != "finished":
        return None
    period = resource.get("period")
    if not isinstance(period, JSON_OBJECT):
        return None
    discharged = parse_date(period.get("end"))
    if discharged is None or discharged > as_of:
        return None
    found = _psychiatric_code(resource.get("reasonCode"))
    if found is None:
        for code in _diagnoses(resource, conditions):
            found = _psychiatric_code(code)
            if found is not None:
                break
    if found is None:
        words = _unit_words(resource)
        if words is None:
            return None
        found = ("", words, "")
    code, reason, display = found
    start = parse_date(period.get("start"))
    return Admission(start, discharged, code, reason, display, source_ref(resource))


def read_admissions(
    resources: Iterable[Resource], conditions: Sequence[Resource], *, as_of: date
) -> tuple[Admission, ...]:
    """The psychiatric inpatient stays that ended by as-of, latest discharge last."""
    found = [a for r in resources if (a := read_admission(r, conditions, as_of=as_of)) is not None]
    return tuple(sorted(found, key=lambda a: (a.discharged, str(a.source or ""))))
