"""The admission code table (data/admission_codes.csv) and what it says of an Encounter: its class
(inpatient, emergency, ambulatory: the cheap filters).

A stay is inpatient when its `class` (a Coding in R4) is v3-ActCode IMP, its specialisations
ACUTE and NONAC, or a hospital bed short of an admission, OBSENC (observation) and SS (short stay)
(data/admission_codes.csv `class` rows; review s27 RE finding 2: an observation stay in progress
held nothing). A local class is read by its display (`class_key`). Of the other v3-ActCode
encounter classes, EMER is an ED visit, AMB a clinic visit, and PRENC, HH, VR and FLD are read and
hold nothing (`no-hold-class` rows: the patient is in no hospital bed); any other v3-ActCode is
not read, so a visit of it in progress is named (`unread_class`), never taken for a clinic visit.

What a stay was for (`psychiatric_reason`) and what the card calls it (`stay_word`) are
stay_reason.py, read through this table.

Apart from admissions.py (the stays that ended) and current_stays.py (the stays in progress)
because both read a stay through it, and the routing (resource_routing.py) and the visit risk
(visit_risk.py) read its class filters; admissions.py re-exports those filters.

Cost: the filter reads `class` first; a chart's hundreds of ambulatory Encounters stop there.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.code_systems import canonical_system
from fhir_mapping.fhir_fields import JSON_OBJECT

Resource = Mapping[str, Any]
# (canonical system, code) of an Encounter's class as read (`class_key`), None when not read.
ClassKey = tuple[str, str] | None
# How a reader reads a class: `class_key` itself, or one build's memo of it (visit_reads.py).
ClassOf = Callable[[Resource], ClassKey]


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
    # (canonical system, code) of a MedicationDispense.category that is the ward's supply
    inpatient_dispense: frozenset[tuple[str, str]]
    # (canonical system, code) of a MedicationRequest.category that is a ward's order
    inpatient_order: frozenset[tuple[str, str]]
    # (word, the v3-ActCode class it reads as) of a local class's display (`*-word` rows)
    class_words: tuple[tuple[str, str], ...] = ()
    # lower-case displays of local classes known to be clinic or support contacts (`clinic-display`)
    clinic_displays: frozenset[str] = frozenset()
    # (lower-case whole display, the v3-ActCode class it reads as) (`observation-display` rows)
    class_displays: tuple[tuple[str, str], ...] = ()
    # v3-ActCode codes of the classes the table reads: any other is not read (`class_key`)
    act_codes: frozenset[str] = frozenset()


@cache
def code_table() -> _Table:
    text = resources.files("fhir_mapping").joinpath("data/admission_codes.csv").read_text("utf-8")
    classes: set[tuple[str, str]] = set()
    kinds: set[str] = set()
    patterns: list[tuple[str, re.Pattern[str]]] = []
    terms: list[str] = []
    roles: set[tuple[str, str]] = set()
    emergency: set[tuple[str, str]] = set()
    outpatient: set[tuple[str, str]] = set()
    inpatient_dispense: set[tuple[str, str]] = set()
    inpatient_order: set[tuple[str, str]] = set()
    words: list[tuple[str, str]] = []
    clinic: set[str] = set()
    displays: list[tuple[str, str]] = []
    no_hold: set[tuple[str, str]] = set()
    for row in csv.DictReader(text.splitlines()):
        kind = row["kind"]
        if kind == "clinic-display":
            clinic.add(row["code"].strip().lower())
        elif kind in _DISPLAY_CLASSES:
            displays.append((row["code"].strip().lower(), _DISPLAY_CLASSES[kind]))
        elif kind == "no-hold-class":
            no_hold.add((canonical_system(row["system"]), row["code"]))
        elif kind in _WORD_CLASSES:
            words.append((row["code"].strip().lower(), _WORD_CLASSES[kind]))
        elif kind == "class":
            classes.add((canonical_system(row["system"]), row["code"]))
        elif kind == "principal-role":
            roles.add((canonical_system(row["system"]), row["code"]))
        elif kind == "emergency":
            emergency.add((canonical_system(row["system"]), row["code"]))
        elif kind == "outpatient":
            outpatient.add((canonical_system(row["system"]), row["code"]))
        elif kind == "inpatient-dispense":
            inpatient_dispense.add((canonical_system(row["system"]), row["code"]))
        elif kind == "inpatient-order":
            inpatient_order.add((canonical_system(row["system"]), row["code"]))
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
        frozenset(inpatient_dispense),
        frozenset(inpatient_order),
        tuple(words),
        frozenset(clinic),
        tuple(displays),
        frozenset(
            code
            for system, code in classes | emergency | outpatient | no_hold
            if system == _ACT_CODE
        ),
    )


_ACT_CODE = canonical_system("http://terminology.hl7.org/CodeSystem/v3-ActCode")
# The `*-word` rows of the table and the v3-ActCode class their word reads as.
_WORD_CLASSES = {"emergency-word": "EMER", "inpatient-word": "IMP", "outpatient-word": "AMB"}
# ... and of the whole-display rows: Oracle Health's "Observation" is an observation stay, but the
# word alone is not read ("Emergency Department - Observation" is an ED visit).
_DISPLAY_CLASSES = {"observation-display": "OBSENC"}


def class_key(resource: Resource) -> ClassKey:
    """(canonical system, code) of the Encounter's class: as coded under v3-ActCode when the
    table reads that code (one it does not is None, named: review s27 RE finding 2); a
    local class (Epic's, Oracle Health's own system, s26 LC item 1) read by its whole display
    (`observation-display` rows: "Observation" is OBSENC) or by the words of it (`*-word` rows:
    "Emergency" is EMER, "Inpatient" IMP, "Hospital Outpatient" AMB), or None when it says none
    or words of two classes (an "ED to inpatient" class is not guessed: `unread_class`)."""
    cls = resource.get("class")
    if not isinstance(cls, JSON_OBJECT):
        return None
    code, system = cls.get("code"), cls.get("system")
    table = code_table()
    if isinstance(system, str) and canonical_system(system) == _ACT_CODE:
        code = code.strip() if isinstance(code, str) else None
        return (_ACT_CODE, code) if code in table.act_codes else None
    display = cls.get("display")
    if not isinstance(display, str):
        return None
    whole = " ".join(display.lower().split())
    for shown, target in table.class_displays:
        if whole == shown:
            return _ACT_CODE, target
    said = set(re.findall(r"[a-z]+", display.lower()))
    found = {target for word, target in table.class_words if word in said}
    if len(found) != 1:
        return None
    return _ACT_CODE, found.pop()


# Statuses of an Encounter the patient is at now (FHIR R4 EncounterStatus): where a class not
# read could hide an ED visit or an inpatient stay in progress, so the hold off (`unread_class`).
_NOW = frozenset({"in-progress", "arrived", "triaged", "onleave"})


def unread_class(resource: Resource, class_of: ClassOf = class_key) -> str | None:
    """What an Encounter in progress states of its class when the service cannot read it (a
    v3-ActCode the table lacks, a local display of no word of it or of two classes), for the
    card line ('class "Preadmission" (urn:oid:... 9)'); None when read, not now, or a clinic
    contact's class (`clinic-display` rows: Epic's "Support OP Encounter").
    Never silent (issue 10): an ED visit or a stay under such a class holds nothing."""
    status = resource.get("status")  # read tolerantly: a malformed one (a list) is absent
    if not isinstance(status, str) or status not in _NOW or class_of(resource) is not None:
        return None
    cls = resource.get("class")
    if not isinstance(cls, JSON_OBJECT):
        return "no class"
    # Epic's own clinic and support contacts ("Support OP Encounter": the office visit, a refill,
    # a call) are neither an ED visit nor a stay: naming them put a line on every Epic clinic chart
    # opened during a visit. Not read as AMB either: a refill contact during a stay is no
    # evidence the patient left (read_current_stays).
    display = cls.get("display")
    if isinstance(display, str) and display.strip().lower() in code_table().clinic_displays:
        return None
    parts = [cls.get(k) for k in ("system", "code")]
    coded = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    named = f'"{display.strip()}"' if isinstance(display, str) and display.strip() else ""
    said = " ".join(p for p in (named, f"({coded})" if coded else "") if p)
    return f"class {said}" if said else "no class"


def wants_admission(resource: Resource, class_of: ClassOf = class_key) -> bool:
    """An inpatient Encounter (class IMP / ACUTE / NONAC / OBSENC / SS): the cheap filter."""
    return class_of(resource) in code_table().classes


def is_emergency(resource: Resource, class_of: ClassOf = class_key) -> bool:
    """An emergency-department Encounter (class EMER)."""
    return class_of(resource) in code_table().emergency


def wants_outpatient(resource: Resource, class_of: ClassOf = class_key) -> bool:
    """An ambulatory Encounter (class AMB): read only to tell whether a stay recorded in
    progress was left (`read_current_stays`; the routing filter keeps it for that)."""
    return class_of(resource) in code_table().outpatient


def is_ward_order(resource: Resource) -> bool:
    """A MedicationRequest whose `category` says the ward gives it (FHIR medicationrequest-category
    `inpatient`, `inpatient-order` rows): a drug the ward's MAR records, never a prescription a
    pharmacy fills for home (ward_orders.py). Most orders state no category: one lookup."""
    if "category" not in resource:
        return False
    ward = code_table().inpatient_order
    return any(
        isinstance(c.get("code"), str)
        and isinstance(c.get("system"), str)
        and (canonical_system(c["system"]), c["code"].strip()) in ward
        for c in codings(resource.get("category"))
    )


def codings(concepts: object) -> Iterable[Mapping[str, Any]]:
    # A list (an order's `category`) is asked first: it is no Mapping, and the ABC check that
    # says so is a Python call (issue 14, perf21).
    if type(concepts) is not list:
        if isinstance(concepts, JSON_OBJECT):
            concepts = [concepts]
        if not isinstance(concepts, list):
            return
    for concept in concepts:
        items = concept.get("coding") if isinstance(concept, JSON_OBJECT) else None
        for coding in items if isinstance(items, list) else ():
            if isinstance(coding, JSON_OBJECT):
                yield coding
