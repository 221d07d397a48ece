"""Esketamine given in clinic and charted on the MAR (MedicationAdministration), read as sessions
(review 10 finding 10).

Spravato is given in certified clinics, each dose charted as a MedicationAdministration; the HCPCS
G2082/G2083 charges often never become Procedures. A dose of a drug of data/session_drugs.csv is
therefore the same record a G2083 Procedure gives: a ProcedureRecord of that row's kind
(ProcedureKind.ESKETAMINE), so the esketamine course is counted and not offered again as untried.

Rules:
- status `not-done` (never given) and `entered-in-error` are no sessions; every other status
  (completed, in-progress, on-hold, stopped: a dose that was started; unknown; none) is one, the
  reading that does not offer an untried drug where one may have been given;
- a route, form or text naming a parenteral or anaesthetic use (the row's `not_when_terms`:
  esketamine by injection is an anaesthetic, ATC N01AX) is no depression session;
- the day is effectiveDateTime, else effectivePeriod's start (C-CDA conversions write only a
  start); a dose with neither is left out as a DataGap naming it; one after as-of is ignored;
- one session a day: several administrations on one day (three 28 mg devices charted one by one)
  and a G2083 Procedure of the same day are one session (`merge`).

IV ketamine is not read as a session or a course: ketamine is given far more often as an
anaesthetic (ECT anaesthesia included) or for sedation than as a depression infusion, and an
administration says nothing of which. Its orders still make a Trial (services/pathway_options.py),
and its doses are read as ProcedureKind.KETAMINE_DOSE (named_doses.py), which only names their
days (review s21 RF finding 2: six IV doses dropped in silence left IV ketamine "untried").

A drug of no row (most of a MAR) is skipped in silence, as an order off the pathway is. A dose whose
drug cannot be identified at all is a DataGap: it might have been esketamine.
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

from fhir_mapping.dose_basis import term_pattern
from fhir_mapping.fhir_fields import JSON_OBJECT, codings, concept_text, parse_date, source_ref
from fhir_mapping.gaps import resource_gap
from fhir_mapping.medication_drug import NO_MEDICATIONS, medication_index, read_drug
from fhir_mapping.named_doses import named_drugs, other_use, reasons_text, stated_other_reason
from fhir_mapping.record import DataDomain, DataGap, ProcedureKind, ProcedureRecord

Resource = Mapping[str, Any]

_NOT_GIVEN = frozenset({"not-done", "entered-in-error"})
_SESSIONS = DataDomain.SESSIONS


@dataclass(frozen=True, slots=True)
class SessionDrug:
    ingredient: str
    kind: ProcedureKind
    not_when: re.Pattern[str] | None  # route/form/text words that make a dose no session


@cache
def session_drugs() -> dict[str, SessionDrug]:
    text = resources.files("fhir_mapping").joinpath("data/session_drugs.csv").read_text("utf-8")
    found: dict[str, SessionDrug] = {}
    for row in csv.DictReader(text.splitlines()):
        terms = [t.strip().lower() for t in row["not_when_terms"].split(";") if t.strip()]
        ingredient = row["ingredient"].strip().lower()
        found[ingredient] = SessionDrug(
            ingredient=ingredient,
            kind=ProcedureKind(row["procedure_kind"].strip()),
            not_when=re.compile("|".join(term_pattern(t) for t in terms)) if terms else None,
        )
    return found


def _day(resource: Resource) -> date | None:
    when = parse_date(resource.get("effectiveDateTime"))
    if when is None:
        period = resource.get("effectivePeriod")
        if isinstance(period, JSON_OBJECT):
            when = parse_date(period.get("start")) or parse_date(period.get("end"))
    return when


def dose_words(resource: Resource, medication: Resource | None) -> str:
    """The route, method and text of the dose and the drug's text and form, lower case."""
    parts: list[str] = []
    dosage = resource.get("dosage")
    if isinstance(dosage, JSON_OBJECT):
        for field in ("route", "method", "site"):
            parts.append(concept_text(dosage.get(field)))
        if isinstance(dosage.get("text"), str):
            parts.append(dosage["text"].lower())
    parts.append(concept_text(resource.get("medicationCodeableConcept")))
    if medication is not None:
        parts.append(concept_text(medication.get("code")))
        parts.append(concept_text(medication.get("form")))
    return " ".join(p for p in parts if p)


def _coding(resource: Resource, medication: Resource | None) -> tuple[str, str]:
    """(system, code) of the drug's first coding, for the session record."""
    concept = resource.get("medicationCodeableConcept")
    if concept is None and medication is not None:
        concept = medication.get("code")
    for system, code, _ in codings(concept):
        return system, code
    return "", ""


def read_sessions(
    administrations: Sequence[Resource],
    medication_resources: Iterable[Resource] = (),
    *,
    as_of: date,
) -> tuple[tuple[ProcedureRecord, ...], list[DataGap], int]:
    """(the sessions among `administrations`, the doses left out, how many administrations
    yielded nothing: skipped). `medication_resources` may hold the Medications they reference."""
    table = session_drugs()
    others = named_drugs()
    medications: Mapping[str, Resource] | None = None
    found: list[ProcedureRecord] = []
    gaps: list[DataGap] = []
    skipped = 0
    for resource in administrations:
        status = resource.get("status")
        if isinstance(status, str) and status in _NOT_GIVEN:
            skipped += 1
            continue
        if medications is None and resource.get("medicationReference") is not None:
            medications = medication_index(medication_resources)
        components, unreadable, medication = read_drug(resource, medications or NO_MEDICATIONS)
        if unreadable is not None:
            skipped += 1
            gaps.extend(resource_gap(resource, unreadable, _SESSIONS))
            continue
        drug = next((table[c.ingredient] for c in components if c.ingredient in table), None)
        kind = drug.kind if drug is not None else None
        ingredient = drug.ingredient if drug is not None else ""
        if drug is None:
            named = next((others[c.ingredient] for c in components if c.ingredient in others), None)
            words = f"{dose_words(resource, medication)} {reasons_text(resource)}"
            if named is None or other_use(named, words) or stated_other_reason(resource):
                skipped += 1
                continue
            kind, ingredient = named.kind, named.ingredient
        elif drug.not_when is not None and drug.not_when.search(dose_words(resource, medication)):
            skipped += 1
            continue
        day = _day(resource)
        if day is None:
            skipped += 1
            gaps.extend(
                resource_gap(resource, f"{ingredient} given with no usable date", _SESSIONS)
            )
            continue
        if day > as_of:
            skipped += 1
            continue
        system, code = _coding(resource, medication)
        assert kind is not None
        found.append(ProcedureRecord(kind, code, system, day, source_ref(resource)))
    return tuple(found), gaps, skipped


def _key(r: ProcedureRecord) -> tuple[date, str, str, str]:
    # context.clinical_context's order of the procedure history.
    return (r.date or date.min, r.kind.value, r.code, str(r.source or ""))


def merge(
    procedures: tuple[ProcedureRecord, ...], sessions: Iterable[ProcedureRecord]
) -> tuple[ProcedureRecord, ...]:
    """`procedures` with the sessions read from the MAR, one per kind and day: a session on a
    day that already has one (a G2083 Procedure, or another device of the same dose) is the same
    session."""
    taken = {(p.kind, p.date) for p in procedures}
    added: list[ProcedureRecord] = []
    for session in sorted(sessions, key=_key):
        if (session.kind, session.date) in taken:
            continue
        taken.add((session.kind, session.date))
        added.append(session)
    if not added:
        return procedures
    return tuple(sorted((*procedures, *added), key=_key))
