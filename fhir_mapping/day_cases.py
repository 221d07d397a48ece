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
  predetermined length of time, usually less than 24 hours"); an observation stay (OBSENC)
  decides admission or discharge and an admission (IMP) is a stay on a ward: never read so;
- it lasted less than a day (`_DAY`): both ends with a time and an offset, less than 24 hours
  apart, or both on the same calendar day. An end not recorded, or a stay across midnight
  recorded by dates alone, is not shown to be a session visit and stays a stay (the safer
  reading: the card a clinician reads past costs less than a discharge missed);
- and its activity is a session of a kind of the `day-case-procedure` rows (ECT, TMS,
  esketamine, a ketamine dose: the kinds the project reads as sessions of a course,
  clinical_records.ProcedureKind): its `type` or `serviceType` names one (a code of that kind in
  data/procedure_codes.csv, or its words in data/procedure_terms.csv: "ECT", "Electroconvulsive
  therapy"), or a session of that kind (a Procedure, an esketamine dose on the MAR) is dated the
  stay's first or last day.
A crisis stay overnight for F33.2, with no session, stays a psychiatric short stay and is read
as a discharge as before. Such a visit is no stay in the chain of stays either (stay_chains.py):
a continuation ECT session the day after a ward discharge is no "move" to a short stay.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache
from importlib import resources

from fhir_mapping.admission_codes import ClassOf, Resource, class_key
from fhir_mapping.clinical_codes import procedure_codes, term_kinds
from fhir_mapping.clinical_records import ProcedureRecord
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.fhir_fields import JSON_OBJECT, codings, concept_text, parse_date, parse_instant

# A stay shorter than this is a day case (module docstring); SS is "usually less than 24 hours".
_DAY = timedelta(hours=24)

# The days each session kind was given on, by kind (`session_days`).
SessionDays = frozenset[tuple[str, date]]


@cache
def _rows() -> tuple[frozenset[tuple[str, str]], frozenset[str]]:
    """(the classes a session day case can be, the session kinds that make one)."""
    text = resources.files("fhir_mapping").joinpath("data/admission_codes.csv").read_text("utf-8")
    classes: set[tuple[str, str]] = set()
    kinds: set[str] = set()
    for row in csv.DictReader(text.splitlines()):
        if row["kind"] == "day-case-class":
            classes.add((canonical_system(row["system"]), row["code"]))
        elif row["kind"] == "day-case-procedure":
            kinds.add(row["code"])
    return frozenset(classes), frozenset(kinds)


def session_days(procedures: Iterable[ProcedureRecord]) -> SessionDays:
    """(kind, day) of each dated session of a `day-case-procedure` kind."""
    kinds = _rows()[1]
    return frozenset(
        (p.kind.value, p.date) for p in procedures if p.date is not None and p.kind.value in kinds
    )


def _under_a_day(resource: Resource) -> tuple[date, date] | None:
    """(first day, last day) of a stay that lasted less than a day, else None."""
    period = resource.get("period")
    if not isinstance(period, JSON_OBJECT):
        return None
    first, last = parse_date(period.get("start")), parse_date(period.get("end"))
    if first is None or last is None:
        return None
    began, ended = parse_instant(period.get("start")), parse_instant(period.get("end"))
    if began is not None and ended is not None:
        return (first, last) if timedelta(0) <= ended - began < _DAY else None
    return (first, last) if first == last else None


def _named_session(resource: Resource, kinds: frozenset[str]) -> str | None:
    """The session kind the stay's type or serviceType names (a code, else words), or None."""
    table = procedure_codes()
    concepts = [resource.get("serviceType")]
    types = resource.get("type")
    concepts.extend(types if isinstance(types, list) else [types])
    for concept in concepts:
        coded = codings(concept)
        for system, code, _ in coded:
            row = table.get((system, code))
            if row is not None and row.kind in kinds:
                return row.kind
        for kind in term_kinds(concept_text(concept, coded), "procedure"):
            if kind in kinds:
                return kind
    return None


def session_day_case(
    resource: Resource, days: SessionDays, class_of: ClassOf = class_key
) -> str | None:
    """The session kind ("ect") when the stay is a session given as a day case (module
    docstring), else None."""
    classes, kinds = _rows()
    if class_of(resource) not in classes:
        return None
    span = _under_a_day(resource)
    if span is None:
        return None
    named = _named_session(resource, kinds)
    if named is not None:
        return named
    for kind, day in days:
        if day in span:
            return kind
    return None
