"""Encounter -> psychotherapy sessions and booked psychotherapy visits (review 14 M2).

Epic and Oracle Health often record a psychotherapy visit only as an Encounter whose `type`
carries the CPT code (90832/90834/90837 individual, 90846/90847 family, 90853 group), with no
Procedure; other feeds put a SNOMED CT psychotherapy concept there. Such a visit is read through
the table Procedures are read through (data/procedure_codes.csv, its psychotherapy rows), so it
becomes the same ProcedureRecord a Procedure of that code would, and its kind (standalone, group,
family, add-on, crisis: services/psychotherapy_sessions.py) is the code's. A code outside those
rows is not psychotherapy here: a psychiatric diagnostic evaluation (CPT 90791/90792, VSAC Psych
Visit - Diagnostic Evaluation), a medication check (99213), Synthea's "Follow-up encounter"
(390906007) or "Initial psychiatric interview" (79094001).

Where the codes are read: `Encounter.type` first. `serviceType` only when `type` holds no CPT
code: a billed visit code says what the visit was, so a 90791 evaluation under a
psychotherapy-sounding service is an evaluation. HL7's service-type code system has no
psychotherapy concept (code 64 is "Pharmacy"; 141 Psychiatry, 142 Psychology name services, not
therapy), so no service-type row is in the table: serviceType is read for the SNOMED CT or CPT
codes some feeds put there.

Words, when no code is read: Epic writes a clinic's visit types and service types under its own
local codes ("Psychotherapy", "Behavioral Health Therapy": review s24 RQ findings 4-5). When
neither `type` nor `serviceType` holds a psychotherapy row's code or any CPT code, their text and
displays are read through data/procedure_terms.csv (rows applying to `encounter`), and such a
visit becomes an uncoded psychotherapy session (code and system ""), read as a Procedure named
only in words is (a standalone session: services/psychotherapy_sessions.py). A CPT code still
wins: a 90791 evaluation named "Psychotherapy intake" is an evaluation.

Status (FHIR R4 EncounterStatus; `booked` and `noshow` are Appointment statuses some feeds copy):
- finished, in-progress, arrived, triaged, onleave: a session, dated period.start (a visit
  dated after as-of is not read, as a Procedure's is not);
- planned, booked: therapy arranged, read as an open psychotherapy referral would be (the
  psychotherapy card then proposes no new referral), when dated as-of or later or undated: a
  planned visit dated in the past that never became `finished` did not take place as far as
  the chart shows, and an old booking must not silence the card. It is kept as a referral of
  its own kind (`NOT_ATTENDED`), which no rule reads as therapy arranged, so the psychotherapy
  card can name it when it fires (review 15 recheck p05): a booking that lapsed is a reason to
  ask, not one to propose therapy as though none had been arranged;
- cancelled, entered-in-error, noshow, unknown: nothing. A run of no-shows is not named either:
  without a session the psychotherapy card still fires and proposes CBT or IPT, the safer
  reading for a patient who is not receiving therapy; why the visits were missed is for the
  clinician to read in the chart.

Cost: a Synthea chart has hundreds of Encounters, none of them psychotherapy. The filter reads
the status, then looks each coding's code up in a set of the table's psychotherapy codes before
anything else (no model validation, no system canonicalised unless the code is one of them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import cache
from typing import Any

import orjson

from fhir_mapping.bounded_memo import remember
from fhir_mapping.clinical_codes import ProcedureCode, procedure_codes, term_kinds
from fhir_mapping.code_systems import CPT, canonical_system
from fhir_mapping.fhir_fields import JSON_OBJECT, concept_text, parse_date, source_ref
from fhir_mapping.psychotherapy_maybe import MAYBE, may_be_psychotherapy
from fhir_mapping.record import ProcedureKind, ProcedureRecord, Referral
from fhir_mapping.session_kinds import (
    ChartConditions,
    SessionKind,
    chart_conditions,
    kind_from_reasons,
    kind_in_words,
)
from fhir_mapping.visit_reason_therapy import reason_may_be_therapy

Resource = Mapping[str, Any]

# Encounter statuses that mean the visit took place (or is taking place).
SESSION_STATUSES = frozenset({"finished", "in-progress", "arrived", "triaged", "onleave"})
# ... and those that mean it is arranged: read as an open referral is.
BOOKED_STATUSES = frozenset({"planned", "booked"})
_READ_STATUSES = SESSION_STATUSES | BOOKED_STATUSES
# CPT as data/code_systems.csv spells it: its URI and its HL7 OID (C-CDA conversions).
_CPT_SPELLINGS = frozenset({CPT, "urn:oid:2.16.840.1.113883.6.12"})
_PSYCHOTHERAPY = ProcedureKind.PSYCHOTHERAPY
_PSYCHOTHERAPY_KIND = "psychotherapy"  # the kind of procedure_terms.csv rows read here
# The Referral kind of a psychotherapy visit planned or booked for a day before as-of that was
# never recorded as attended: not "psychotherapy", so nothing reads it as therapy arranged.
NOT_ATTENDED = "psychotherapy-not-attended"
# A visit named psychotherapy only in words (module docstring): no code to cite, so none is
# invented; the session reads as an uncoded psychotherapy Procedure does.
_NAMED_IN_WORDS = ProcedureCode(
    "psychotherapy", "", "", "", "data/procedure_terms.csv (rows applying to encounter)", ""
)
# A visit whose words only may name psychotherapy ("Counseling visit", "BH THERAPY": care69,
# fhir_mapping/psychotherapy_maybe.py): kept, and read as a `MAYBE` Referral, never a session.
_MAYBE_IN_WORDS = ProcedureCode(MAYBE, "", "", "", "data/psychotherapy_maybe_terms.csv", "")


@cache
def _psychotherapy_rows() -> dict[tuple[str, str], ProcedureCode]:
    return {key: row for key, row in procedure_codes().items() if row.kind == "psychotherapy"}


@cache
def _psychotherapy_codes() -> frozenset[str]:
    """The codes alone: the first, cheap look at each coding."""
    return frozenset(code for _system, code in _psychotherapy_rows())


def _row_in(concept: object, codes: frozenset[str]) -> ProcedureCode | None:
    """The first psychotherapy row a CodeableConcept's codings fall under. The system is
    canonicalised only for a coding whose code is one of the table's (nearly never)."""
    if not isinstance(concept, JSON_OBJECT):
        return None
    items = concept.get("coding")
    if not isinstance(items, list):
        return None
    for coding in items:
        if not isinstance(coding, JSON_OBJECT):
            continue
        code = coding.get("code")
        if not isinstance(code, str):
            continue
        if code not in codes:
            code = code.strip()
            if code not in codes:
                continue
        system = coding.get("system")
        if isinstance(system, str):
            row = _psychotherapy_rows().get((canonical_system(system), code))
            if row is not None:
                return row
    return None


def _has_cpt(types: object) -> bool:
    """Whether any coding of `types` (Encounter.type) is a CPT code."""
    if not isinstance(types, list):
        return False
    for concept in types:
        items = concept.get("coding") if isinstance(concept, JSON_OBJECT) else None
        for coding in items if isinstance(items, list) else ():
            system = coding.get("system") if isinstance(coding, JSON_OBJECT) else None
            if isinstance(system, str) and (
                system in _CPT_SPELLINGS or canonical_system(system) == CPT
            ):
                return True
    return False


# `psychotherapy_code` by the JSON of the visit's type and serviceType, the only fields it reads
# (and tables read once per process): a new patient's visits carry the codes and words of every
# other chart's, so the first sight of a chart reads each kind of visit once per process, not
# each visit (issue 14, perf15: 24 codings, concept texts and term looks per typical chart). As
# resource_routing's code memo: a NaN orjson writes as null reads as null does here (neither is
# a string), and fields orjson cannot write (a Mapping not a dict, an integer beyond 64 bits)
# are read afresh. Bounded: emptied when full.
_THERAPY_MEMO_MAX = 4096
_UNREAD = object()  # not in the memo
_remembered_therapy: dict[bytes, ProcedureCode | None] = {}


def psychotherapy_code(resource: Resource) -> ProcedureCode | None:
    """The psychotherapy row of an Encounter's type, else of its serviceType when the type
    holds no CPT code, else `_NAMED_IN_WORDS` when neither holds a CPT code and their words
    name psychotherapy (module docstring); remembered by those two fields' JSON."""
    try:
        # The reasons too: care64 reads them when type and serviceType name nothing (fix psy63:
        # an "Office Visit" for "CBT session" and one for "No CBT available" share a type).
        key = orjson.dumps(
            (resource.get("type"), resource.get("serviceType"), resource.get("reasonCode"))
        )
    except TypeError:  # orjson.JSONEncodeError
        return _psychotherapy_code(resource)
    # One look-up, with a sentinel: None, the usual answer, is remembered too, and another
    # thread may empty the memo between two looks.
    found = _remembered_therapy.get(key, _UNREAD)
    if found is not _UNREAD:
        return found  # type: ignore[return-value]
    return remember(_remembered_therapy, key, _psychotherapy_code(resource), _THERAPY_MEMO_MAX)


def _psychotherapy_code(resource: Resource) -> ProcedureCode | None:
    found = _type_code(resource)
    if found is not None:
        return found
    # Review K65b finding 3: an office visit with the reason "CBT session" (type and service
    # type say nothing) left the cards saying "no psychotherapy ... on record". A reason is why
    # the visit was booked, not what was billed, so its words only ever make it a visit that may
    # be psychotherapy (confirm), never a session counted.
    # Fix psy63: a reason denying, declining or referring it, or CBT for insomnia, names none
    # (visit_reason_therapy.py).
    reasons = resource.get("reasonCode")
    if isinstance(reasons, list) and any(
        (_named_in_words([r]) or _maybe_in([r])) and reason_may_be_therapy(concept_text(r))
        for r in reasons
        if r is not None
    ):
        return _MAYBE_IN_WORDS
    return None


def _maybe_in(concepts: Iterable[object]) -> bool:
    return any(
        may_be_psychotherapy(concept_text(c), "encounter") for c in concepts if c is not None
    )


def _type_code(resource: Resource) -> ProcedureCode | None:
    codes = _psychotherapy_codes()
    types = resource.get("type")
    if isinstance(types, list):
        for concept in types:
            row = _row_in(concept, codes)
            if row is not None:
                return row
    if _has_cpt(types):  # a billed visit code says what the visit was
        return None
    service = resource.get("serviceType")
    if service is not None:  # (most Encounters carry no serviceType)
        row = _row_in(service, codes)
        if row is not None:
            return row
        if _has_cpt([service]):
            return None
    concepts = [*(types if isinstance(types, list) else ()), service]
    if _named_in_words(concepts):
        return _NAMED_IN_WORDS
    return _MAYBE_IN_WORDS if _maybe_in(concepts) else None


def _named_in_words(concepts: Iterable[object]) -> bool:
    """Whether the text or a display of one of `concepts` names psychotherapy
    (data/procedure_terms.csv rows applying to `encounter`)."""
    return any(
        _PSYCHOTHERAPY_KIND in term_kinds(concept_text(concept), "encounter")
        for concept in concepts
        if concept is not None
    )


# How a reader reads a visit's psychotherapy row: `psychotherapy_code` itself, or one build's
# memo of it (visit_reads.py).
TherapyOf = Callable[[Resource], ProcedureCode | None]


def wants_encounter(resource: Resource, therapy_of: TherapyOf = psychotherapy_code) -> bool:
    """A psychotherapy visit that took place or is arranged (module docstring)."""
    status = resource.get("status")  # a malformed (unhashable) status counts as absent
    if not isinstance(status, str) or status not in _READ_STATUSES:
        return False
    return therapy_of(resource) is not None


def _start(resource: Resource) -> date | None:
    period = resource.get("period")
    return parse_date(period.get("start")) if isinstance(period, JSON_OBJECT) else None


def _session_kind(
    row: ProcedureCode, resource: Resource, chart: ChartConditions | None
) -> SessionKind:
    """A visit's kind where its code does not say it (fhir_mapping/session_kinds.py): the words
    of a visit named only in words ("Crisis psychotherapy"), else the diagnoses of a visit whose
    code is billed for more than depression care (H0004)."""
    if row is _NAMED_IN_WORDS:
        types = resource.get("type")
        concepts = [*(types if isinstance(types, list) else ()), resource.get("serviceType")]
        return SessionKind(
            next(
                (k for c in concepts if c is not None and (k := kind_in_words(concept_text(c)))),
                "",
            )
        )
    return kind_from_reasons(row.system, row.code, resource, chart)


def visit_facts(
    resource: Resource,
    *,
    as_of: date,
    conditions: ChartConditions | None = None,
    therapy_of: TherapyOf = psychotherapy_code,
) -> ProcedureRecord | Referral | None:
    """A psychotherapy session (a visit that took place), a psychotherapy referral (a visit
    arranged), a `NOT_ATTENDED` referral (a visit arranged for a day now past), or None.
    `conditions`: the chart's, for the diagnoses a session's kind may rest on. `therapy_of`:
    how the visit's psychotherapy row is read (the build's memo: visit_reads.py)."""
    status = resource.get("status")
    if not isinstance(status, str) or status not in _READ_STATUSES:
        return None
    row = therapy_of(resource)
    if row is None:
        return None
    when = _start(resource)
    if row is _MAYBE_IN_WORDS:  # named to confirm, not a session (psychotherapy_maybe.py)
        if status in SESSION_STATUSES and when is not None and when > as_of:
            return None
        return Referral(MAYBE, str(status), when, source_ref(resource))
    if status in SESSION_STATUSES:
        if when is not None and when > as_of:
            return None
        kind = _session_kind(row, resource, conditions)
        return ProcedureRecord(
            _PSYCHOTHERAPY,
            row.code,
            row.system,
            when,
            source_ref(resource),
            session_kind=kind.kind,
            session_reasons=kind.reasons,
        )
    if when is not None and when < as_of:
        # A booking whose day has passed with no visit (module docstring): named, never read
        # as therapy arranged.
        return Referral(NOT_ATTENDED, str(status), when, source_ref(resource))
    return Referral("psychotherapy", str(status), when, source_ref(resource))


def read_visits(
    resources: Iterable[Resource],
    *,
    as_of: date,
    conditions: Iterable[Resource] = (),
    therapy_of: TherapyOf = psychotherapy_code,
) -> tuple[tuple[ProcedureRecord, ...], tuple[Referral, ...]]:
    """The psychotherapy sessions and the booked psychotherapy visits of `resources` (those
    booked for a day now past as `NOT_ATTENDED` referrals). `conditions`: the chart's.
    `therapy_of`: as `visit_facts`."""
    chart = chart_conditions(conditions)
    sessions: list[ProcedureRecord] = []
    booked: list[Referral] = []
    for resource in resources:
        fact = visit_facts(resource, as_of=as_of, conditions=chart, therapy_of=therapy_of)
        if isinstance(fact, ProcedureRecord):
            sessions.append(fact)
        elif fact is not None:
            booked.append(fact)
    return tuple(sessions), tuple(booked)
