"""A short stay that is a treatment session, not a discharge from psychiatric inpatient care
(review s28 K5 recheck, finding 1).

Outpatient ECT given as day cases was charted as Encounters of class SS (short stay), reason
F33.2, type "Electroconvulsive therapy", 07:00 to 11:00, twice a week, with no admission ever:
each was read as a psychiatric short stay that ended, and the suicide-risk card went critical,
"Discharged 2026-11-26 after a psychiatric short stay: highest suicide risk in the first months;
assess today", after every session. The risk period the card names (Chung et al. 2017) is the
one after discharge from psychiatric inpatient care: a patient admitted for a crisis, assessed
and treated on a ward, then sent home. A patient who comes in for a session of a course given
as day cases (anaesthesia and recovery for ECT; the two hours of monitoring an esketamine or
ketamine session needs) goes home as planned, on the same course, as after a clinic visit.

A stay is such a session (`session_day_case`) when
- its class is one of the `day-case-class` rows of data/admission_codes.csv (SS: a stay "for a
  predetermined length of time, usually less than 24 hours") and it lasted less than a day
  (`_DAY`): both ends with a time and an offset, less than 24 hours apart, or both on the same
  calendar day. An end not recorded, or a stay across midnight recorded by dates alone, is not
  shown to be a session visit and stays a stay (the safer reading: the card a clinician reads
  past costs less than a discharge missed); or
- its class is one of the `day-case-named-class` rows (IMP: review s28 K10 finding 4, ECT day
  cases written as 4-hour admissions typed "Electroconvulsive therapy"), its own type or
  serviceType names the session, and its timestamps (not dates alone) show less than 24 hours:
  an admission is a stay on a ward unless its own record says it was the session; an
  observation stay (OBSENC) decides admission or discharge and is never read so;
- its type or serviceType names no care that is not a session (`not-session-word` rows:
  "Crisis stabilization", "Inpatient psychiatry"; review s28 K10 finding 1: a crisis stay
  overnight with an ECT session at 08:00 on its last day was read as an ECT day case and its
  critical discharge card disappeared);
- and its activity is a session of a kind of the `day-case-procedure` rows (ECT, TMS,
  esketamine, a ketamine dose: the kinds the project reads as sessions of a course,
  clinical_records.ProcedureKind): its `type` or `serviceType` names one (a code of that kind in
  data/procedure_codes.csv, or its words in data/procedure_terms.csv: "ECT", "Electroconvulsive
  therapy"), or a session of that kind (a Procedure, an esketamine dose on the MAR) took place
  in it: it names the stay (Procedure.encounter, MedicationAdministration.context), or both carry
  a time with an offset and the session's lies within the stay's period. A session on the same
  day but not shown inside the stay (an outpatient ECT at 07:30, a crisis stay from 12:00; a
  session dated by its day alone) is not (finding 1: the day alone made the crisis stay a
  session; when in doubt it is a stay).
A crisis stay overnight for F33.2, with no session, stays a psychiatric short stay and is read
as a discharge as before. Such a visit is no stay in the chain of stays either (stay_chains.py):
a continuation ECT session the day after a ward discharge is no "move" to a short stay.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources

from fhir_mapping.admission_codes import ClassOf, Resource, class_key
from fhir_mapping.clinical_codes import procedure_codes, term_kinds
from fhir_mapping.clinical_records import ProcedureRecord
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.fhir_fields import (
    JSON_OBJECT,
    codings,
    concept_text,
    parse_date,
    parse_instant,
    ref_id,
)

# A stay shorter than this is a day case (module docstring); SS is "usually less than 24 hours".
_DAY = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Session:
    """A dated session of a `day-case-procedure` kind: its instant (a time with an offset) and
    the Encounter it names, when the record gives them (`session_days`)."""

    kind: str
    day: date
    at: datetime | None = None
    encounter: str | None = None


# The chart's sessions of the day-case kinds (`session_days`).
SessionDays = frozenset[Session]


@dataclass(frozen=True, slots=True)
class _Rows:
    classes: frozenset[tuple[str, str]]  # day-case-class: SS
    named_classes: frozenset[tuple[str, str]]  # day-case-named-class: IMP, by its own type only
    kinds: frozenset[str]  # day-case-procedure
    not_session: tuple[str, ...]  # not-session-word, lower-case


@cache
def _rows() -> _Rows:
    text = resources.files("fhir_mapping").joinpath("data/admission_codes.csv").read_text("utf-8")
    found: dict[str, set[tuple[str, str]]] = {
        "day-case-class": set(),
        "day-case-named-class": set(),
    }
    kinds: set[str] = set()
    words: list[str] = []
    for row in csv.DictReader(text.splitlines()):
        if row["kind"] in found:
            found[row["kind"]].add((canonical_system(row["system"]), row["code"]))
        elif row["kind"] == "day-case-procedure":
            kinds.add(row["code"])
        elif row["kind"] == "not-session-word":
            words.append(row["code"].lower())
    return _Rows(
        frozenset(found["day-case-class"]),
        frozenset(found["day-case-named-class"]),
        frozenset(kinds),
        tuple(words),
    )


# Where a session's instant and Encounter are read (FHIR R4): a Procedure, a MAR dose.
_TIMING: dict[str, tuple[tuple[str, ...], str]] = {
    "Procedure": (("performedDateTime", "performedPeriod"), "encounter"),
    "MedicationAdministration": (("effectiveDateTime", "effectivePeriod"), "context"),
}


def _timing(resource: Mapping[str, object] | None) -> tuple[datetime | None, str | None]:
    """(the session's instant, the Encounter id it names) read from its own resource."""
    rule = _TIMING.get(str(resource.get("resourceType"))) if resource is not None else None
    if resource is None or rule is None:
        return None, None
    at = None
    for name in rule[0]:
        value = resource.get(name)
        if isinstance(value, JSON_OBJECT):
            value = value.get("start")
        if value is not None:
            at = parse_instant(value)
            break
    return at, ref_id(resource.get(rule[1]))


def session_days(
    procedures: Iterable[ProcedureRecord], chart: Sequence[Resource] = ()
) -> SessionDays:
    """Each dated session of a `day-case-procedure` kind, with its instant and Encounter read
    from its resource among `chart` (by type and id) when there."""
    kinds = _rows().kinds
    wanted = [p for p in procedures if p.date is not None and p.kind.value in kinds]
    keys = {(p.source.resource_type, p.source.id) for p in wanted if p.source is not None}
    by_key: dict[tuple[str, str], Resource] = {}
    if keys:
        for resource in chart:
            key = (str(resource.get("resourceType")), str(resource.get("id")))
            if key in keys:
                by_key.setdefault(key, resource)
    found: set[Session] = set()
    for p in wanted:
        assert p.date is not None
        source = by_key.get((p.source.resource_type, p.source.id)) if p.source else None
        found.add(Session(p.kind.value, p.date, *_timing(source)))
    return frozenset(found)


def _span(resource: Resource) -> tuple[datetime | None, datetime | None, bool] | None:
    """(start instant, end instant, whether it lasted less than a day) of a stay with both ends
    on record, else None."""
    period = resource.get("period")
    if not isinstance(period, JSON_OBJECT):
        return None
    first, last = parse_date(period.get("start")), parse_date(period.get("end"))
    if first is None or last is None:
        return None
    began, ended = parse_instant(period.get("start")), parse_instant(period.get("end"))
    if began is not None and ended is not None:
        return began, ended, timedelta(0) <= ended - began < _DAY
    return began, ended, first == last


def _concepts(resource: Resource) -> list[object]:
    types = resource.get("type")
    return [resource.get("serviceType"), *(types if isinstance(types, list) else [types])]


def _named_session(resource: Resource, kinds: frozenset[str]) -> str | None:
    """The session kind the stay's type or serviceType names (a code, else words), or None."""
    table = procedure_codes()
    for concept in _concepts(resource):
        coded = codings(concept)
        for system, code, _ in coded:
            row = table.get((system, code))
            if row is not None and row.kind in kinds:
                return row.kind
        for kind in term_kinds(concept_text(concept, coded), "procedure"):
            if kind in kinds:
                return kind
    return None


def _names_other_care(resource: Resource, words: tuple[str, ...]) -> bool:
    """Whether the stay's type or serviceType names care that is not a session ("Crisis
    stabilization": `not-session-word` rows)."""
    for concept in _concepts(resource):
        coded = codings(concept)
        names = [concept_text(concept, coded), *(display for _, _, display in coded)]
        if any(word in name.lower() for name in names if name for word in words):
            return True
    return False


def _inside(
    session: Session, stay: Resource, began: datetime | None, ended: datetime | None
) -> bool:
    """Whether the session took place in the stay: it names the stay, or both carry instants
    and the session's lies within the stay's period (module docstring)."""
    own = stay.get("id")
    if session.encounter is not None and isinstance(own, str) and session.encounter == own:
        return True
    if session.at is None or began is None or ended is None:
        return False
    return began <= session.at <= ended


def session_day_case(
    resource: Resource, days: SessionDays, class_of: ClassOf = class_key
) -> str | None:
    """The session kind ("ect") when the stay is a session given as a day case (module
    docstring), else None."""
    rows = _rows()
    key = class_of(resource)
    named_only = key in rows.named_classes
    if key not in rows.classes and not named_only:
        return None
    span = _span(resource)
    if span is None or not span[2]:
        return None
    began, ended, _ = span
    if named_only and (began is None or ended is None):
        return None  # an admission: under a day by its timestamps only (finding 4)
    if _names_other_care(resource, rows.not_session):
        return None
    named = _named_session(resource, rows.kinds)
    if named is not None or named_only:
        return named
    for session in sorted(days, key=lambda s: (s.day, s.kind)):
        if _inside(session, resource, began, ended):
            return session.kind
    return None
