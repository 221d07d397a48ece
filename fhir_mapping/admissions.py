"""Encounter -> psychiatric inpatient stays that ended (review 16 W4), and stays in progress.

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
- is psychiatric (`_psychiatric_reason`): what the stay was for is psychiatric, coded under a
  psychiatric kind of the condition table or in ICD-10-CM F20-F48:
  - its `reasonCode`; or
  - a principal diagnosis: an `Encounter.diagnosis` of `rank` 1, or whose `use` is admission
    diagnosis, discharge diagnosis or chief complaint (FHIR R4 diagnosis-role AD / DD / CC;
    `principal-role` rows), the Condition it references; or
  - a serviceType, type or location named in psychiatric words ("Inpatient Psychiatry",
    "Behavioral Health Unit"; `term` rows): a psychiatric unit or service;
  - and only when the stay states no reason and no principal diagnosis at all: any diagnosis
    of it (a Condition it lists, or one whose `encounter` points back at it: how Epic and US
    Core send encounter diagnoses), as before.
  A secondary diagnosis does not make a stay psychiatric when its reason or principal
  diagnosis is not (review 16 recheck W-a: a pneumonia admission, reasonCode J18.9, with F33.2
  among its encounter diagnoses was called "a psychiatric admission (F33.2)"; the
  post-discharge risk Chung 2017 measured is that of discharge from psychiatric care). Such a
  stay gets no line at all: a depression on the problem list is read there already, and a
  medical stay is not the risk period the card names.

A stay still in progress on the as-of date (status in-progress or onleave with no `period.end`
or one after as-of, or finished with an end after as-of: a replay) is a `CurrentStay`
(`read_current_stays`; review 16 recheck W-c): the patient is an inpatient. Whatever the stay is
for: psychiatric as above, "medical" when its reason or principal diagnosis is coded and not
psychiatric (a pneumonia, with or without a depression among its secondary diagnoses), or
"unspecified" when nothing says (review 16 second recheck c01, c01b: during any admission the
inpatient team orders the treatment, so an outpatient one-click waits for discharge;
services/rules/inpatient_hold.py). A stay that ended is a discharge, read above only when
psychiatric: the post-discharge risk period stays psychiatric-only.

Cost: the filter reads `class` first; a chart's hundreds of ambulatory Encounters stop there.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.admission_record import Admission, CurrentStay, StaySetting
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
    # (canonical system, code) of the diagnosis-role uses that make a diagnosis principal
    principal_roles: frozenset[tuple[str, str]]
    emergency: frozenset[tuple[str, str]]  # (canonical system, code) of an ED visit's class
    outpatient: frozenset[tuple[str, str]]  # (canonical system, code) of an ambulatory visit


@cache
def _table() -> _Table:
    text = resources.files("fhir_mapping").joinpath("data/admission_codes.csv").read_text("utf-8")
    classes: set[tuple[str, str]] = set()
    kinds: set[str] = set()
    patterns: list[tuple[str, re.Pattern[str]]] = []
    terms: list[str] = []
    roles: set[tuple[str, str]] = set()
    emergency: set[tuple[str, str]] = set()
    outpatient: set[tuple[str, str]] = set()
    for row in csv.DictReader(text.splitlines()):
        kind = row["kind"]
        if kind == "class":
            classes.add((canonical_system(row["system"]), row["code"]))
        elif kind == "principal-role":
            roles.add((canonical_system(row["system"]), row["code"]))
        elif kind == "emergency":
            emergency.add((canonical_system(row["system"]), row["code"]))
        elif kind == "outpatient":
            outpatient.add((canonical_system(row["system"]), row["code"]))
        elif kind == "reason-kind":
            kinds.add(row["code"])
        elif kind == "reason":
            patterns.append((canonical_system(row["system"]), re.compile(row["code"])))
        elif kind == "term":
            terms.append(row["code"].lower())
    return _Table(
        frozenset(classes),
        frozenset(kinds),
        tuple(patterns),
        tuple(terms),
        frozenset(roles),
        frozenset(emergency),
        frozenset(outpatient),
    )


def _class_key(resource: Resource) -> tuple[str, str] | None:
    cls = resource.get("class")
    if not isinstance(cls, JSON_OBJECT):
        return None
    code, system = cls.get("code"), cls.get("system")
    if not isinstance(code, str) or not isinstance(system, str):
        return None
    return canonical_system(system), code.strip()


def wants_admission(resource: Resource) -> bool:
    """An inpatient Encounter (class IMP / ACUTE / NONAC): the cheap filter."""
    return _class_key(resource) in _table().classes


def is_emergency(resource: Resource) -> bool:
    """An emergency-department Encounter (class EMER)."""
    return _class_key(resource) in _table().emergency


def wants_outpatient(resource: Resource) -> bool:
    """An ambulatory Encounter (class AMB): read only to tell whether a stay recorded in
    progress was left (`read_current_stays`; the routing filter keeps it for that)."""
    return _class_key(resource) in _table().outpatient


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


def _principal(item: Mapping[str, Any]) -> bool:
    """An Encounter.diagnosis entry that says what the stay was for: rank 1, or a use of
    admission / discharge diagnosis or chief complaint (`principal-role` rows)."""
    if item.get("rank") == 1:
        return True
    roles = _table().principal_roles
    for coding in _codings(item.get("use")):
        code, system = coding.get("code"), coding.get("system")
        if (
            isinstance(code, str)
            and isinstance(system, str)
            and (canonical_system(system), code.strip()) in roles
        ):
            return True
    return False


def _diagnoses(
    resource: Resource, conditions: Sequence[Resource]
) -> tuple[list[object], list[object]]:
    """(the `code` of each principal diagnosis, the `code` of every other Condition the
    Encounter lists as a diagnosis or that names it as its encounter)."""
    own = resource.get("id")
    principal_ids: set[str] = set()
    listed: set[str] = set()
    for item in resource.get("diagnosis") or ():
        if not isinstance(item, JSON_OBJECT):
            continue
        cid = _reference_id(item.get("condition"), "Condition")
        if cid is None:
            continue
        listed.add(cid)
        if _principal(item):
            principal_ids.add(cid)
    principal: list[object] = []
    others: list[object] = []
    for condition in conditions:
        if not isinstance(condition, JSON_OBJECT):
            continue
        cid = condition.get("id")
        back = _reference_id(condition.get("encounter"), "Encounter")
        if isinstance(cid, str) and cid in principal_ids:
            principal.append(condition.get("code"))
        elif (isinstance(cid, str) and cid in listed) or (isinstance(own, str) and back == own):
            others.append(condition.get("code"))
    return principal, others


def _has_coding(concepts: object) -> bool:
    return any(True for _ in _codings(concepts))


def _stated_reason(
    resource: Resource, conditions: Sequence[Resource]
) -> tuple[str, str, str] | None:
    """(code, the card's name of it, display) of the first coded reason of a stay, else of its
    first coded principal diagnosis, or None: what a medical stay in progress was for."""
    principal, _ = _diagnoses(resource, conditions)
    for concepts in (resource.get("reasonCode"), *principal):
        for coding in _codings(concepts):
            code, system = coding.get("code"), coding.get("system")
            if not isinstance(code, str) or not code.strip():
                continue
            named = code.strip()
            if isinstance(system, str):
                named = f"{system_label(canonical_system(system))} {named}"
            display = coding.get("display")
            return code.strip(), named, display.strip() if isinstance(display, str) else ""
    return None


def _psychiatric_reason(
    resource: Resource, conditions: Sequence[Resource]
) -> tuple[str, str, str] | None:
    """(code, the card's name of it, display) of what makes the stay psychiatric, or None
    (module docstring: reason, principal diagnosis, unit; a secondary diagnosis only when the
    stay states no reason and no principal diagnosis)."""
    reasons = resource.get("reasonCode")
    found = _psychiatric_code(reasons)
    if found is not None:
        return found
    principal, others = _diagnoses(resource, conditions)
    for code in principal:
        found = _psychiatric_code(code)
        if found is not None:
            return found
    words = _unit_words(resource)
    if words is not None:
        return ("", words, "")
    if _has_coding(reasons) or any(_has_coding(code) for code in principal):
        # The stay says what it was for, and that is not psychiatric: a depression among its
        # secondary diagnoses does not make it a psychiatric admission (review 16 recheck W-a).
        return None
    for code in others:
        found = _psychiatric_code(code)
        if found is not None:
            return found
    return None


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
    found = _psychiatric_reason(resource, conditions)
    if found is None:
        return None
    code, reason, display = found
    start = parse_date(period.get("start"))
    return Admission(start, discharged, code, reason, display, source_ref(resource))


def read_admissions(
    resources: Iterable[Resource], conditions: Sequence[Resource], *, as_of: date
) -> tuple[Admission, ...]:
    """The psychiatric inpatient stays that ended by as-of, latest discharge last."""
    found = [a for r in resources if (a := read_admission(r, conditions, as_of=as_of)) is not None]
    return tuple(sorted(found, key=lambda a: (a.discharged, str(a.source or ""))))


# Encounter statuses of a stay the patient has not left: in progress, or on leave from the ward
# (FHIR R4 EncounterStatus). `arrived` and `triaged` precede an admission and are not read.
_IN_STAY = frozenset({"in-progress", "onleave"})


def read_current_stay(
    resource: Resource, conditions: Sequence[Resource], *, as_of: date
) -> CurrentStay | None:
    """The inpatient stay an Encounter records as still in progress on as-of, psychiatric,
    medical or unspecified (module docstring), or None."""
    if not wants_admission(resource):
        return None
    status = resource.get("status")
    status = status if isinstance(status, str) else None  # a malformed status counts as absent
    period = resource.get("period")
    period = period if isinstance(period, JSON_OBJECT) else {}
    start = parse_date(period.get("start"))
    end = parse_date(period.get("end"))
    if start is not None and start > as_of:
        return None
    if status in _IN_STAY:
        if end is not None and end <= as_of:
            return None  # an end on record by as-of: discharged, whatever the status says
    elif status != "finished" or end is None or end <= as_of:
        return None  # (a finished stay ending after as-of is a replay of one in progress)
    found = _psychiatric_reason(resource, conditions)
    if found is not None:
        code, reason, display = found
        return CurrentStay(start, code, reason, display, source_ref(resource))
    stated = _stated_reason(resource, conditions)
    if stated is None:
        return CurrentStay(start, "", "", "", source_ref(resource), StaySetting.UNSPECIFIED)
    code, reason, display = stated
    return CurrentStay(start, code, reason, display, source_ref(resource), StaySetting.MEDICAL)


# Statuses of an ambulatory visit that took place, or is taking place (FHIR R4 EncounterStatus):
# the patient came to the clinic. A planned or cancelled visit shows nothing of where they were.
_VISITED = frozenset({"finished", "in-progress", "arrived", "triaged"})


def _outpatient_days(resources: Iterable[Resource], *, as_of: date) -> list[date]:
    """The days of the ambulatory visits that took place by as-of, oldest first."""
    days: list[date] = []
    for resource in resources:
        if resource.get("status") not in _VISITED or not wants_outpatient(resource):
            continue
        period = resource.get("period")
        start = parse_date(period.get("start")) if isinstance(period, JSON_OBJECT) else None
        if start is not None and start <= as_of:
            days.append(start)
    return sorted(days)


def read_current_stays(
    resources: Iterable[Resource], conditions: Sequence[Resource], *, as_of: date
) -> tuple[CurrentStay, ...]:
    """The inpatient stays in progress on as-of, of any kind, latest admission last.

    A stay with status in-progress followed by an ambulatory visit (a day after its start) is
    `contradicted` (review 17 recheck R2: an admission left "in-progress" since 2023, with
    outpatient visits and PHQ-9s since, held every one-click as "currently admitted" for two
    years). FHIR defines in-progress as "the patient is present", and an ambulatory visit means
    "not assigned to a bed": the two cannot both hold, and the later visit is the one a clinician
    saw. No length-of-stay ceiling is used: no sourced maximum was found, and psychiatric stays
    of months are real. A stay `onleave` is not contradicted by a visit: a patient on leave from
    the ward may attend one (FHIR: "begun, but the patient is temporarily on leave")."""
    resources = list(resources)
    found = [
        (r, s)
        for r in resources
        if (s := read_current_stay(r, conditions, as_of=as_of)) is not None
    ]
    days = _outpatient_days(resources, as_of=as_of) if found else []
    stays = [_contradicted(r, s, days) for r, s in found]
    return tuple(sorted(stays, key=lambda s: (s.start or date.min, str(s.source or ""))))


def _contradicted(resource: Resource, stay: CurrentStay, days: Sequence[date]) -> CurrentStay:
    """`stay` with the first ambulatory visit (of `days`) after its start day, when its status is
    in-progress; as it is otherwise. A visit on the admission day itself may have preceded it."""
    if not days or resource.get("status") != "in-progress" or stay.start is None:
        return stay
    later = next((d for d in days if d > stay.start), None)
    return stay if later is None else dataclasses.replace(stay, outpatient_since=later)
