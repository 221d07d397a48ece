"""Small readers of FHIR R4 JSON fields shared by scores, context and build.

They work on plain dicts that already passed model validation (or on anything, defensively: a
wrong type reads as absent). FHIR's camelCase field names are kept on purpose.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from fhir_mapping.record import SourceRef

SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
CPT = "http://www.ama-assn.org/go/cpt"

# Years a chart date can fall in. "0001-01-01" or "9999-12-31" are placeholders or typing errors,
# and the arithmetic the mapping does around a date (weeks before a trial, days after its end)
# would leave Python's date range (years 1 to 9999) at its ends: read them as no date.
FIRST_YEAR, LAST_YEAR = 1800, 9000


def parse_date(value: object) -> date | None:
    """The calendar date of a FHIR date/dateTime/instant ("2024", "2024-05", "2024-05-03T10:00:00Z").

    The date part is taken as written (no time-zone shift): a chart dated "2024-05-03T23:30-05:00"
    is the 3rd for the clinician who wrote it. Partial dates fall on the first day of the period.
    """
    if not isinstance(value, str) or len(value) < 4:
        return None
    try:
        year = int(value[0:4])
        month = int(value[5:7]) if len(value) >= 7 else 1
        day = int(value[8:10]) if len(value) >= 10 else 1
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return None
        return date(year, month, day)
    except ValueError:
        return None


def array(value: object) -> list[Any]:
    """The items of a JSON array; anything else (absent, null, a number, a string, an object)
    reads as no items. For fields read before model validation (the cheap filters, medications,
    draft orders), where `for x in value or ()` would fail on a number."""
    return value if isinstance(value, list) else []


def codings(concept: object) -> Iterator[tuple[str, str, str]]:
    """(system, code, display) of each coding of a CodeableConcept."""
    if not isinstance(concept, Mapping):
        return
    for coding in array(concept.get("coding")):
        if not isinstance(coding, Mapping):
            continue
        code = coding.get("code")
        if not isinstance(code, str) or not code:
            continue
        system = coding.get("system")
        display = coding.get("display")
        yield (
            system if isinstance(system, str) else "",
            code,
            display if isinstance(display, str) else "",
        )


def concept_text(concept: object) -> str:
    """Lower-cased text and displays of a CodeableConcept, for term matching."""
    if not isinstance(concept, Mapping):
        return ""
    parts = [display for _, _, display in codings(concept)]
    text = concept.get("text")
    if isinstance(text, str):
        parts.append(text)
    return " ".join(parts).lower()


def status_code(concept: object) -> str | None:
    """The first code of a status CodeableConcept (clinicalStatus, verificationStatus)."""
    for _, code, _ in codings(concept):
        return code
    return None


def ref_id(reference: object) -> str | None:
    """The logical id a Reference points to: "Observation/1", "urn:uuid:1", ".../Observation/1/_history/2"."""
    if isinstance(reference, Mapping):
        reference = reference.get("reference")
    if not isinstance(reference, str) or not reference:
        return None
    if reference.startswith("urn:uuid:"):
        return reference[len("urn:uuid:") :]
    if reference.startswith("#"):
        return reference[1:]
    parts = [p for p in reference.split("?")[0].split("/") if p]
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    return parts[-1] if parts else None


def references_patient(reference: object, patient_id: str) -> bool:
    """True when a Reference names this patient (Patient/<id>, urn:uuid:<id>, absolute URL)."""
    if isinstance(reference, Mapping):
        reference = reference.get("reference")
    if not isinstance(reference, str):
        return False
    if reference == f"urn:uuid:{patient_id}":
        return True
    path = reference.split("?")[0]
    if "/_history/" in path:
        path = path.split("/_history/")[0]
    return path == f"Patient/{patient_id}" or path.endswith(f"/Patient/{patient_id}")


def subject_reference(resource: Mapping[str, Any]) -> object:
    """The patient a clinical resource is about (subject, else patient), or None."""
    subject = resource.get("subject")
    if subject is None:
        subject = resource.get("patient")
    return subject


def effective_date(resource: Mapping[str, Any]) -> date | None:
    """Observation date: effectiveDateTime / effectivePeriod.start / effectiveInstant, else issued."""
    found = parse_date(resource.get("effectiveDateTime"))
    if found is None:
        period = resource.get("effectivePeriod")
        if isinstance(period, Mapping):
            found = parse_date(period.get("start")) or parse_date(period.get("end"))
    if found is None:
        found = parse_date(resource.get("effectiveInstant"))
    if found is None:
        found = parse_date(resource.get("issued"))
    return found


def number(value: object) -> float | None:
    """A JSON number that is not a bool."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def source_ref(resource: Mapping[str, Any]) -> SourceRef | None:
    """(type, id) of a resource, or None when it has no id."""
    rid = resource.get("id")
    if isinstance(rid, str) and rid:
        return SourceRef(str(resource.get("resourceType")), rid)
    return None
