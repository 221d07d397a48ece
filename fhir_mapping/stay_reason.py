"""What an inpatient stay was for (`psychiatric_reason`, `diagnoses`) and what the card calls it
(`stay_word`): read through the admission code table (admission_codes.py, data/admission_codes.csv).

A stay is psychiatric (`psychiatric_reason`) when what it was for is psychiatric, coded under a
psychiatric kind of the condition table or in ICD-10-CM F20-F48:
- its `reasonCode` (of an observation or short stay, OBSENC / SS: only its FIRST reasonCode, the
  primary reason, `first-reason-class` rows; review s27 K2 finding 4: an observation stay for
  chest pain, R07.9, with F33.2 listed second was called "a psychiatric admission (F33.2)" and
  got the critical post-discharge card), or a Condition its `reasonReference` names (one of the
  chart's Conditions, or one contained in the Encounter), read as a reasonCode after them
  (`stated_reasons`; US Core allows either, review s28 K5 finding 2): a Condition refuted or
  entered in error is no stated reason (`_voided`, review s28 K10 finding 2); one nowhere in the
  chart is read by its reference's display, as a reason typed in (diagnosis_text.py), else
  marked so the card asks what the stay was for (`reason_unread`, K10 finding 5); or
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
post-discharge risk Chung 2017 measured is that of discharge from psychiatric care).

Why an inpatient admission (IMP, ACUTE, NONAC) still reads every reasonCode: FHIR R4 gives
`reasonCode` no order or rank, and a psychiatric admission's feed may list the depression after
another code; an admission is the risk period Chung 2017 measured, so missing one costs more than
a card the clinician reads past (the safer reading where the rule is unclear). An observation
stay is a day or two in a bed to decide admission or discharge, most often for a medical
complaint: its first reason is what it was for.

Apart from admission_codes.py (the class filters) to keep each module to one idea.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.absent_reasons import (
    ABSENT,
    absent_reason,
    contained_condition,
    reference_id,
)
from fhir_mapping.absent_reasons import voided as _voided
from fhir_mapping.admission_codes import ClassOf, Resource, class_key, code_table, codings
from fhir_mapping.clinical_codes import condition_matches, normalise_code
from fhir_mapping.code_systems import canonical_system, system_label
from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.fhir_fields import JSON_OBJECT, one_or_many


@cache
def _class_rows() -> tuple[dict[tuple[str, str], str], frozenset[tuple[str, str]]]:
    """(the card's word of each stay class that is not an admission, the classes read by their
    first reasonCode only): the `stay-word` and `first-reason-class` rows of the table."""
    text = resources.files("fhir_mapping").joinpath("data/admission_codes.csv").read_text("utf-8")
    words: dict[tuple[str, str], str] = {}
    first: set[tuple[str, str]] = set()
    for row in csv.DictReader(text.splitlines()):
        key = (canonical_system(row["system"]), row["code"])
        if row["kind"] == "stay-word":
            words[key] = row["display"].strip()
        elif row["kind"] == "first-reason-class":
            first.add(key)
    return words, frozenset(first)


def stay_word(resource: Resource, class_of: ClassOf = class_key) -> str | None:
    """ "observation stay" (OBSENC), "short stay" (SS): what the cards call a stay of a class that
    is not an inpatient admission (review s27 K2 finding 5: an observation stay was called "a
    psychiatric admission" and "an inpatient stay"); None for an admission (IMP, ACUTE, NONAC,
    a local "Inpatient"), which the cards name as before."""
    key = class_of(resource)
    return _class_rows()[0].get(key) if key is not None else None


def _first_reason_only(resource: Resource, class_of: ClassOf) -> bool:
    key = class_of(resource)
    return key is not None and key in _class_rows()[1]


def _psychiatric_code(concepts: object) -> tuple[str, str, str] | None:
    """(the first psychiatric coding's code, the card's name of it, its display), or None."""
    table = code_table()
    for coding in codings(concepts):
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


def _psychiatric_words(concepts: object) -> tuple[str, str, str] | None:
    """("", the words, "") of the first concept with no coding whose text names a psychiatric
    kind (diagnosis_text.py, the condition-table kinds of the `reason-kind` rows): a reason typed
    in, or the display of a reference to a Condition not in the record (`_referenced`; review
    s28 K10 finding 5). Negated words ("no depression") name nothing (text_kinds)."""
    kinds = code_table().kinds
    for concept in one_or_many(concepts):
        if not isinstance(concept, JSON_OBJECT) or _has_coding(concept):
            continue
        text = concept.get("text")
        if isinstance(text, str) and any(k.value in kinds for k in text_kinds(text)):
            return ("", text.strip(), "")
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
        for coding in codings(concept):
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
    terms = code_table().terms
    for name in names:
        lowered = name.lower()
        if any(term in lowered for term in terms):
            return name.strip()
    return None


def _principal(item: Mapping[str, Any]) -> bool:
    """An Encounter.diagnosis entry that says what the stay was for: rank 1, or a use of
    admission / discharge diagnosis or chief complaint (`principal-role` rows)."""
    if item.get("rank") == 1:
        return True
    roles = code_table().principal_roles
    for coding in codings(item.get("use")):
        code, system = coding.get("code"), coding.get("system")
        if (
            isinstance(code, str)
            and isinstance(system, str)
            and (canonical_system(system), code.strip()) in roles
        ):
            return True
    return False


def diagnoses(
    resource: Resource, conditions: Sequence[Resource]
) -> tuple[list[object], list[object]]:
    """(the `code` of each principal diagnosis, the `code` of every other Condition the
    Encounter lists as a diagnosis or that names it as its encounter)."""
    own = resource.get("id")
    principal_ids: set[str] = set()
    listed: set[str] = set()
    for item in one_or_many(resource.get("diagnosis")):
        if not isinstance(item, JSON_OBJECT):
            continue
        cid = reference_id(item.get("condition"), "Condition")
        if cid is None:
            continue
        listed.add(cid)
        if _principal(item):
            principal_ids.add(cid)
    principal: list[object] = []
    others: list[object] = []
    for condition in conditions:
        if not isinstance(condition, JSON_OBJECT) or _voided(condition):
            continue
        cid = condition.get("id")
        back = reference_id(condition.get("encounter"), "Encounter")
        if isinstance(cid, str) and cid in principal_ids:
            principal.append(condition.get("code"))
        elif (isinstance(cid, str) and cid in listed) or (isinstance(own, str) and back == own):
            others.append(condition.get("code"))
    return principal, others


def _referenced(
    resource: Resource, conditions: Sequence[Resource], chart: Sequence[Resource] | None = None
) -> list[object]:
    """The `code` of each Condition the stay's `reasonReference` names, in its order (None for
    one not among `conditions`): one of the chart's Conditions (by id) or one contained in the
    Encounter ("#c1"). US Core lets a stay
    state its reason so, by reference alone (review s28 K5 finding 2: an observation stay and an
    admission whose only reason was Condition F33.2 by reference were no psychiatric stays)."""
    refs = [r for r in one_or_many(resource.get("reasonReference")) if isinstance(r, JSON_OBJECT)]
    if not refs:
        return []
    by_id: dict[str, Resource] = {}
    for listed in conditions:
        cid = listed.get("id") if isinstance(listed, JSON_OBJECT) else None
        if isinstance(cid, str):
            by_id.setdefault(cid, listed)
    found: list[object] = []
    for ref in refs:
        target = ref.get("reference")
        condition: Resource | None
        if isinstance(target, str) and target.startswith("#"):
            # One lookup with the visit risk reader (absent_reasons.py, recheck K15 s28).
            condition = contained_condition(resource, ref)
        else:
            cid = reference_id(ref, "Condition")
            condition = by_id.get(cid) if cid is not None else None
        # None keeps its place when it is not among the Conditions read: the walk keeps the
        # Conditions a reader wants (a chest pain is none of them), and an observation stay's
        # FIRST reason is its primary one (an unread first reason is stated, not psychiatric).
        if condition is not None and _voided(condition):
            continue  # refuted or entered in error: no stated reason (`_voided`)
        absent = (
            absent_reason(ref, chart, resource) if condition is None and chart is not None else None
        )
        if absent is not None:
            # Nowhere in the record (review s28 K10 finding 5): its display, when it has one, is
            # read as a reason typed in; else it is marked absent (`reason_unread`). One reading
            # with the visit risk reader (absent_reasons.py, review s28 K12 finding 1).
            found.append(absent)
            continue
        found.append(condition.get("code") if condition is not None else None)
    return found


def stated_reasons(
    resource: Resource,
    conditions: Sequence[Resource],
    class_of: ClassOf = class_key,
    chart: Sequence[Resource] | None = None,
) -> list[object]:
    """The stay's reasons as CodeableConcepts: its `reasonCode`, then the `code` of each
    Condition its `reasonReference` names (`_referenced`), read as reasonCodes. An observation
    or short stay keeps its primary reason only: its first reasonCode, or, with none, its first
    referenced Condition (module docstring)."""
    codes: list[object] = [
        c for c in one_or_many(resource.get("reasonCode")) if isinstance(c, JSON_OBJECT)
    ]
    referenced = _referenced(resource, conditions, chart)
    if _first_reason_only(resource, class_of):
        return (codes or referenced)[:1]
    return [*codes, *referenced]


def _has_coding(concepts: object) -> bool:
    return any(True for _ in codings(concepts))


def psychiatric_reason(
    resource: Resource,
    conditions: Sequence[Resource],
    class_of: ClassOf = class_key,
    chart: Sequence[Resource] | None = None,
) -> tuple[str, str, str] | None:
    """(code, the card's name of it, display) of what makes the stay psychiatric, or None
    (module docstring: reason, principal diagnosis, unit; a secondary diagnosis only when the
    stay states no reason and no principal diagnosis). `class_of`: how its class is read (an
    observation or short stay reads its first reasonCode only)."""
    # The primary reason only, of an observation or short stay (module docstring).
    reasons = stated_reasons(resource, conditions, class_of, chart)
    found = _psychiatric_code(reasons) or _psychiatric_words(reasons)
    if found is not None:
        return found
    principal, others = diagnoses(resource, conditions)
    for code in principal:
        found = _psychiatric_code(code)
        if found is not None:
            return found
    words = _unit_words(resource)
    if words is not None:
        return ("", words, "")
    # None: a Condition not read; ABSENT: one not in the chart; a text: words that name none.
    stated = _has_coding(reasons) or any(r is None or r is ABSENT for r in reasons)
    if stated or any(_has_coding(code) for code in principal):
        # The stay says what it was for, and that is not psychiatric: a depression among its
        # secondary diagnoses does not make it a psychiatric admission (review 16 recheck W-a).
        return None
    for code in others:
        found = _psychiatric_code(code)
        if found is not None:
            return found
    return None


def reason_unread(
    resource: Resource,
    conditions: Sequence[Resource],
    class_of: ClassOf = class_key,
    chart: Sequence[Resource] | None = None,
) -> bool:
    """Whether the stay states its reason only by references to Conditions not in the record,
    with no display to read and no coded principal diagnosis (review s28 K10 finding 5): what
    it was for cannot be read, so it may have been psychiatric; the suicide-risk card asks to
    confirm rather than say nothing (services/psychiatric_discharge.py). Read only for a stay
    `psychiatric_reason` found no psychiatric reason for."""
    if chart is None:
        return False  # what the chart holds is not known here
    reasons = stated_reasons(resource, conditions, class_of, chart)
    if not reasons or any(r is not ABSENT for r in reasons):
        return False
    principal, _ = diagnoses(resource, conditions)
    return not any(_has_coding(code) for code in principal)
