"""A pregnancy (or a delivery) a visit records, dated by the visit (review s21 RR finding 2).

A problem-list Z34.90 with onset 2025-11-01 is past the pregnancy window by 2026-12
(services/pregnancy_now.py), but a prenatal visit on 2026-11-20 whose Encounter.reasonCode is
Z34.83 says she is pregnant now. Before this, only Conditions, Procedures and the Pregnancy Status
Observations were read, so that chart lost the paroxetine "avoid starting it in pregnancy" warning
and was told "nothing newer records one". Epic and Oracle Health send a visit's reasons as
`Encounter.reasonCode` and its diagnoses as `Encounter.diagnosis.condition` references to
Conditions (US Core Encounter must-supports both): both are read here, as findings of the visit's
day:

- a reasonCode coding under a pregnancy or delivery row of data/condition_codes.csv (the rows a
  Condition of that code is read by, so a code means the same wherever it is written): a finding
  of that kind, dated the visit's start, citing the Encounter (`recorded` "visit reason");
- a Condition the visit names as a diagnosis whose code falls under those rows: a finding dated
  the visit's start, citing the Encounter (`recorded` "visit diagnosis"). The Condition's own
  onset may be the day the pregnancy was first coded; that the visit names it again is what
  dates it now. Its clinical status is not read (an encounter diagnosis is often `resolved`
  once the visit closes: that closes the visit, not the pregnancy); a Condition refuted or
  entered in error, or one that abated before the visit, records nothing.

A delivery read the same way ends the pregnancies coded on or before it (a Z39.2 postpartum
visit), as a coded delivery does (pregnancy_now.py); so does one a visit's type or words record
(an L&D stay, a postnatal visit, "s/p SVD": visit_delivery.py, fix preg63).

Visits read: every Encounter of the patient's with such a reason, or with diagnoses
(`wants_visit`, asked in chart_walk.py's one walk), that is not planned, booked, cancelled or
entered in error, and starts on or before as-of. A no-show for a prenatal visit is read: the
visit was made because she was pregnant (the safer reading; the cards ask to confirm a pregnancy
is current). An undated visit dates nothing and is not read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from fhir_mapping import visit_delivery
from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.clinical_records import ClinicalContext
from fhir_mapping.conditions import abatement_date
from fhir_mapping.fhir_fields import JSON_OBJECT, codings, parse_date, source_ref, status_code
from fhir_mapping.record import Finding, FindingKind

Resource = Mapping[str, Any]

_KINDS = frozenset({FindingKind.PREGNANCY, FindingKind.DELIVERY})
# Encounter statuses that record no visit (FHIR R4 EncounterStatus; `booked` as some feeds copy
# the Appointment status).
_NO_VISIT = frozenset({"planned", "booked", "cancelled", "entered-in-error"})
_NOT_A_DIAGNOSIS = frozenset({"refuted", "entered-in-error"})
# `Finding.recorded` of each shape.
REASON = "visit reason"
DIAGNOSIS = "visit diagnosis"


def _pregnancy_codings(concept: object) -> Iterator[tuple[FindingKind, str, str, str]]:
    """(kind, system, code, display) of each coding of a pregnancy or delivery row."""
    for system, code, display in codings(concept):
        for row in condition_matches(system, code):
            if row.kind in _KINDS:
                yield row.kind, system, code, display or row.display
                break


def wants_visit(resource: Resource) -> bool:
    """An Encounter with a pregnancy or delivery reason, or with diagnoses (whose Conditions are
    looked up once the chart is walked): cheap, most Encounters have neither."""
    if isinstance(resource.get("diagnosis"), list):
        return True
    reasons = resource.get("reasonCode")
    if isinstance(reasons, list) and any(
        True for concept in reasons for _ in _pregnancy_codings(concept)
    ):
        return True
    return visit_delivery.wants_delivery_visit(resource)


def _condition_id(reference: object) -> str | None:
    ref = reference.get("reference") if isinstance(reference, JSON_OBJECT) else None
    if not isinstance(ref, str):
        return None
    parts = ref.rstrip("/").split("/")
    return parts[-1] if len(parts) >= 2 and parts[-2] == "Condition" else None


def _diagnosed(condition: Resource, start: date) -> bool:
    """Whether a Condition a visit names still records its diagnosis at the visit."""
    if status_code(condition.get("verificationStatus")) in _NOT_A_DIAGNOSIS:
        return False
    abated = abatement_date(condition)[1]
    return abated is None or abated >= start


def _visit_findings(
    visit: Resource, conditions: Mapping[str, Resource], start: date
) -> Iterator[Finding]:
    coded = list(_coded_findings(visit, conditions, start))
    yield from coded
    if not any(f.kind is FindingKind.DELIVERY for f in coded):
        # A visit's type or words only when no code of it says the delivery (the coded one
        # names its code on the card: fix preg63).
        yield from visit_delivery.findings(visit, start)


def _coded_findings(
    visit: Resource, conditions: Mapping[str, Resource], start: date
) -> Iterator[Finding]:
    source = source_ref(visit)
    # "visit of DATE": the visit's date, never the pregnancy's start (Finding.dated).
    words = f"visit of {start.isoformat()}"
    reasons = visit.get("reasonCode")
    for concept in reasons if isinstance(reasons, list) else ():
        for kind, system, code, display in _pregnancy_codings(concept):
            yield Finding(kind, code, system, display, start, source, recorded=REASON, visit=words)
    diagnoses = visit.get("diagnosis")
    for item in diagnoses if isinstance(diagnoses, list) else ():
        cid = _condition_id(item.get("condition")) if isinstance(item, JSON_OBJECT) else None
        condition = conditions.get(cid) if cid is not None else None
        if condition is None or not _diagnosed(condition, start):
            continue
        for kind, system, code, display in _pregnancy_codings(condition.get("code")):
            yield Finding(
                kind, code, system, display, start, source, recorded=DIAGNOSIS, visit=words
            )


def _key(f: Finding) -> tuple[str, date, str, str, str]:
    # context._finding_key's order, so the findings stay as clinical_context sorts them.
    return (f.kind.value, f.onset or date.min, f.system, f.code, str(f.source or ""))


def read(
    visits: Iterable[Resource], conditions: Sequence[Resource], *, as_of: date
) -> tuple[Finding, ...]:
    """The pregnancy and delivery findings `visits` record, one per kind, code and visit."""
    by_id = {
        cid: c
        for c in conditions
        if isinstance(c, JSON_OBJECT) and isinstance(cid := c.get("id"), str)
    }
    found: dict[tuple[FindingKind, str, str, str], Finding] = {}
    for visit in visits:
        status = visit.get("status")
        if not isinstance(status, str) or status in _NO_VISIT:
            continue
        period = visit.get("period")
        start = parse_date(period.get("start")) if isinstance(period, JSON_OBJECT) else None
        if start is None or start > as_of:
            continue
        for f in _visit_findings(visit, by_id, start):
            found.setdefault((f.kind, f.system, f.code, str(f.source)), f)
    return tuple(found.values())


def with_visit_pregnancy(
    context: ClinicalContext,
    visits: Sequence[Resource],
    conditions: Sequence[Resource],
    *,
    as_of: date,
) -> ClinicalContext:
    """`context` with the pregnancy and delivery findings the visits record (module docstring)."""
    added = read(visits, conditions, as_of=as_of)
    if not added:
        return context
    findings = {*context.findings, *added}
    return replace(context, findings=tuple(sorted(findings, key=_key)))
