"""The days a chart's records say something was done or written for the patient, whatever reader
takes them (review s22 RR finding 1).

A recorded death is doubted by any record dated after it (death_ends_courses.py): a lab drawn, a
medication list reconciled, a problem added, an order written, a form answered. Before, only the
records some reader turned into a course, a score, a session or a visit counted: a creatinine of
2025, a MedicationStatement asserted in 2025 (its course began in 2010) and a Condition recorded in
2025, each thirteen years after a 2012 death, left the chart "long dead, nothing since" and it got
no card at all. So every resource of the patient is read here, whichever reader wants it (an
Observation no rule reads counts as much as a PHQ-9), by the elements FHIR R4 gives for when it
was done or recorded (`_DATED`; element names from the FHIR R4 resource definitions, hl7.org/fhir/R4).

Not counted: a record entered in error (it is no record), a day after as-of (a replay sees the
chart as it was that day; build.py), and the Patient resource itself. Nor the day a result was
issued (Observation.issued): a result released after the death of a sample drawn before it is
common and says nothing of the patient; nor Meta.lastUpdated: an EHR migration touches every
record of a dead patient's chart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from fhir_mapping.fhir_fields import JSON_OBJECT, parse_date
from fhir_mapping.request_resources import Resource

# By resource type: its elements that date an act of care or of recording, a period read by its
# start ("effectivePeriod.start"). Every one present counts (a Condition of 2011 recorded in 2025
# was written in 2025).
_DATED: Mapping[str, tuple[str, ...]] = {
    "Observation": ("effectiveDateTime", "effectivePeriod.start", "effectiveInstant"),
    "DiagnosticReport": ("effectiveDateTime", "effectivePeriod.start"),
    "Condition": ("recordedDate", "onsetDateTime", "onsetPeriod.start"),
    "MedicationRequest": ("authoredOn",),
    "MedicationStatement": ("dateAsserted", "effectiveDateTime", "effectivePeriod.start"),
    "MedicationDispense": ("whenHandedOver", "whenPrepared"),
    "MedicationAdministration": ("effectiveDateTime", "effectivePeriod.start"),
    "ServiceRequest": ("authoredOn",),
    "QuestionnaireResponse": ("authored",),
    "Procedure": ("performedDateTime", "performedPeriod.start"),
    "Encounter": ("period.start",),
    "AllergyIntolerance": ("recordedDate", "onsetDateTime", "onsetPeriod.start"),
    "AdverseEvent": ("date", "recordedDate"),
    "Immunization": ("occurrenceDateTime", "recorded"),
    "DocumentReference": ("date",),
    "CarePlan": ("created", "period.start"),
}

_ERROR = "entered-in-error"


def record_days(records: Iterable[Resource], *, after: date, as_of: date) -> list[date]:
    """Every day after `after`, up to `as_of`, that one of `records` (the patient's resources,
    any type) is dated by an element of `_DATED` (module docstring)."""
    days: list[date] = []
    for record in records:
        paths = _DATED.get(record.get("resourceType", ""))
        if paths is None or record.get("status") == _ERROR:
            continue
        for path in paths:
            day = parse_date(_at(record, path))
            if day is not None and after < day <= as_of:
                days.append(day)
    return days


def _at(record: Resource, path: str) -> object:
    """The value at a dotted `path` ("period.start") of `record`, or None."""
    value: object = record
    for name in path.split("."):
        if not isinstance(value, JSON_OBJECT):
            return None
        value = value.get(name)
    return value
