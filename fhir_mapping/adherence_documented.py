"""Adherence documented on a MedicationRequest or MedicationStatement (the US Core
medication-adherence extension; codes and terms in data/adherence_codes.csv), and how it corrects
a trial's dispense-based adherence (adherence.py's module docstring: documented non-compliance
makes it POOR whatever the refill data say; documented compliance verifies it only where no
refill data exist; the wording says who reported it, never "verified").

Apart from adherence.py because it reads FHIR extensions and a code table, nothing of the PDC
arithmetic there; re-exported by adherence.py, where callers import it from.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.code_systems import canonical_system
from fhir_mapping.events import MedicationEvent, ReportedAdherence
from fhir_mapping.fhir_fields import array, codings, parse_date
from fhir_mapping.record import Adherence, AdherenceStatus

# US Core 7+ (http://hl7.org/fhir/us/core/StructureDefinition/us-core-medication-adherence): a
# complex extension with sub-extensions medicationAdherence (CodeableConcept, 1..1), dateAsserted
# (dateTime, 1..1) and informationSource (CodeableConcept, 0..*).
ADHERENCE_EXTENSION = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-medication-adherence"

_STATUS = {"poor": AdherenceStatus.POOR, "verified": AdherenceStatus.VERIFIED}


@dataclass(frozen=True, slots=True)
class _AdherenceCodes:
    codes: Mapping[tuple[str, str], AdherenceStatus]  # (canonical system, code) -> status
    poor_terms: tuple[str, ...]
    verified_terms: tuple[str, ...]


@cache
def _adherence_codes() -> _AdherenceCodes:
    text = resources.files("fhir_mapping").joinpath("data/adherence_codes.csv").read_text("utf-8")
    codes: dict[tuple[str, str], AdherenceStatus] = {}
    poor: list[str] = []
    verified: list[str] = []
    for row in csv.DictReader(text.splitlines()):
        status = _STATUS[row["adherence"]]
        if row["kind"] == "code":
            codes[(canonical_system(row["system"]), row["code"].lower())] = status
        else:
            (poor if status is AdherenceStatus.POOR else verified).append(row["term"].lower())
    return _AdherenceCodes(codes, tuple(poor), tuple(verified))


def _classify(concept: object) -> tuple[AdherenceStatus, str] | None:
    """(status, text for the card) of an adherence code: a listed code first, then the words of
    its text and displays, non-compliance before compliance ("non-compliant" holds "compliant")."""
    if not isinstance(concept, Mapping):
        return None
    table = _adherence_codes()
    shown = next((d for _, _, d in codings(concept) if d), None)
    text = concept.get("text")
    label = text if isinstance(text, str) and text.strip() else shown
    for system, code, display in codings(concept):
        status = table.codes.get((system, code.lower()))
        if status is not None:
            return status, label or display or code
    words = " ".join(
        [d.lower() for _, _, d in codings(concept) if d]
        + ([text.lower()] if isinstance(text, str) else [])
    )
    if any(term in words for term in table.poor_terms):
        return AdherenceStatus.POOR, label or words
    if any(term in words for term in table.verified_terms):
        return AdherenceStatus.VERIFIED, label or words
    return None


def reported_adherence(resource: Mapping[str, Any]) -> ReportedAdherence | None:
    """The adherence documented on a MedicationRequest / MedicationStatement, or None.

    Several extensions: any non-compliance wins (see the module docstring). A code this service
    cannot classify says nothing.
    """
    found: list[ReportedAdherence] = []
    for extension in array(resource.get("extension")):
        if not isinstance(extension, Mapping) or extension.get("url") != ADHERENCE_EXTENSION:
            continue
        concept: object = None
        asserted: date | None = None
        reporter: str | None = None
        for part in array(extension.get("extension")):
            if not isinstance(part, Mapping):
                continue
            if part.get("url") == "medicationAdherence":
                concept = part.get("valueCodeableConcept")
            elif part.get("url") == "dateAsserted":
                asserted = parse_date(part.get("valueDateTime"))
            elif part.get("url") == "informationSource" and reporter is None:
                reporter = _reporter(part.get("valueCodeableConcept"))
        classified = _classify(concept)
        if classified is not None:
            found.append(ReportedAdherence(classified[0], classified[1], asserted, reporter))
    if not found:
        return None
    poor = [r for r in found if r.status is AdherenceStatus.POOR]
    return (poor or found)[0]


# US Core's informationSource binding (us-core-medication-adherence-information-source) draws
# on HL7 v3 RoleCode and SNOMED CT; a code read here is worded by who it is, any other code by its
# display or text. Only the patient is singled out: self-report is the weakest evidence of
# adherence and the card says so (review 6 finding 6).
_PATIENT_CODES = frozenset({"pat", "116154003"})  # v3 RoleCode PAT; SNOMED CT Patient (person)


def _reporter(concept: object) -> str | None:
    if not isinstance(concept, Mapping):
        return None
    for _, code, display in codings(concept):
        if code.lower() in _PATIENT_CODES:
            return "patient"
        if display:
            return display.lower()
    text = concept.get("text")
    return text.strip().lower() if isinstance(text, str) and text.strip() else None


def _documented_text(report: ReportedAdherence, source: str) -> str:
    """E.g. "reported by patient (2025-05-19): Complies with drug therapy (MedicationStatement/x)";
    "documented (...)" when the record does not say who reported it. Never "verified": it is a
    report, not a measurement (review 6 finding 6)."""
    who = f"reported by {report.reported_by}" if report.reported_by else "documented"
    when = f" ({report.asserted.isoformat()})" if report.asserted else ""
    return f"{who}{when}: {report.text} ({source})"


def with_reported(adherence: Adherence, events: Sequence[MedicationEvent]) -> Adherence:
    """The dispense-based adherence of a trial, corrected by adherence documented on its events."""
    reports = [
        (e.reported_adherence, str(e.source)) for e in events if e.reported_adherence is not None
    ]
    if not reports:
        return adherence
    poor = [(r, s) for r, s in reports if r.status is AdherenceStatus.POOR]
    if poor:
        report, source = max(poor, key=lambda rs: (rs[0].asserted or date.min, rs[1]))
        return replace(
            adherence, status=AdherenceStatus.POOR, documented=_documented_text(report, source)
        )
    report, source = max(reports, key=lambda rs: (rs[0].asserted or date.min, rs[1]))
    if adherence.status is AdherenceStatus.UNVERIFIED:
        # VERIFIED for the rules (a report of compliance does not contradict adherence, as no
        # refill data do); the wording says "reported by ... (date)", never "verified", and the
        # TMS card still asks to confirm it (pdc None: not measured).
        return replace(
            adherence,
            status=AdherenceStatus.VERIFIED,
            documented=_documented_text(report, source),
        )
    return adherence  # refill data speak for themselves (and win over a contrary report)
