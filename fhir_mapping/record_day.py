"""The day a resource names itself by, so a card line can cite a record it could not read by
what and when ("the statement of 2025-05-26") instead of its resource id, which a clinician
cannot look up in the EHR (session 21, item 1; services/card_format.record_cite is the same rule
for the records that were read).

Which field carries a resource's own day is FHIR structure, not clinical fact, so it lives here
in code. Only a full date names a record: a partial one ("2024") would be printed as a day the
record never gave.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from fhir_mapping.fhir_fields import parse_date

# The fields, in order, whose day a clinician sees beside the record in the EHR.
_DAY_FIELDS: dict[str, tuple[str, ...]] = {
    "MedicationRequest": ("authoredOn",),
    "MedicationStatement": ("dateAsserted", "effectiveDateTime", "effectivePeriod.start"),
    "MedicationDispense": ("whenHandedOver", "whenPrepared"),
    "MedicationAdministration": ("effectiveDateTime", "effectivePeriod.start"),
    "Observation": ("effectiveDateTime", "effectivePeriod.start", "effectiveInstant", "issued"),
    "QuestionnaireResponse": ("authored",),
    "Condition": ("recordedDate", "onsetDateTime"),
    "Procedure": ("performedDateTime", "performedPeriod.start"),
    "ServiceRequest": ("authoredOn",),
    "Encounter": ("period.start",),
    "AllergyIntolerance": ("recordedDate", "onsetDateTime"),
    "AdverseEvent": ("date", "recordedDate"),
}


def record_day(resource: Mapping[str, Any]) -> date | None:
    """The resource's own day (an order's authoredOn, a result's effective day), or None when
    it has none written in full."""
    for path in _DAY_FIELDS.get(str(resource.get("resourceType")), ()):
        value: object = resource
        for step in path.split("."):
            value = value.get(step) if isinstance(value, Mapping) else None
        if isinstance(value, str) and len(value) >= 10 and (day := parse_date(value)):
            return day
    return None
