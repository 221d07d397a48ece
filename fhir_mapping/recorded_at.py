"""When and at which visit an assessment was recorded, beyond its calendar date (review s27 RE
finding 1).

A suicide risk assessment counts as following a psychiatric discharge only when it is shown to
come after it (services/psychiatric_discharge.py `shown_after`). Its date alone cannot show that
on the discharge day: a C-SSRS the ward took at 09:00 before an 11:00 discharge fell on the
discharge date and read as "assessed since discharge", which released the critical
post-discharge hold and the one-click TMS referral. These readers give what can decide it: the
instant an Observation, QuestionnaireResponse or Procedure states (with an offset or "Z": a
time with no offset has no known zone and is not compared) and the Encounter it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fhir_mapping.fhir_fields import JSON_OBJECT, parse_date, parse_instant

Resource = Mapping[str, Any]


def _first_dated(values: tuple[object, ...]) -> datetime | None:
    """The instant of the first value that reads as a date: the field the date was taken from,
    so the instant and the date never come from two different fields."""
    for value in values:
        if parse_date(value) is not None:
            return parse_instant(value)
    return None


def effective_instant(resource: Resource) -> datetime | None:
    """An Observation's instant, from the field `fhir_fields.effective_date` reads its date from
    (effectiveDateTime, effectivePeriod.start / end, effectiveInstant, issued); None when that
    field states a date alone or a time with no offset."""
    period = resource.get("effectivePeriod")
    start, end = (
        (period.get("start"), period.get("end"))
        if isinstance(period, JSON_OBJECT)
        else (None, None)
    )
    return _first_dated(
        (
            resource.get("effectiveDateTime"),
            start,
            end,
            resource.get("effectiveInstant"),
            resource.get("issued"),
        )
    )


def performed_instant(resource: Resource) -> datetime | None:
    """A Procedure's instant, from the field its date is read from (performedDateTime, else
    performedPeriod.start / end: procedures_devices.py `_performed`)."""
    period = resource.get("performedPeriod")
    start, end = (
        (period.get("start"), period.get("end"))
        if isinstance(period, JSON_OBJECT)
        else (None, None)
    )
    return _first_dated((resource.get("performedDateTime"), start, end))


def encounter_id(resource: Resource) -> str | None:
    """The id of the Encounter a resource names in `encounter` ("Encounter/x", or an absolute
    URL ending so), or None."""
    reference = resource.get("encounter")
    ref = reference.get("reference") if isinstance(reference, JSON_OBJECT) else None
    if not isinstance(ref, str):
        return None
    parts = ref.split("/_history/")[0].rstrip("/").split("/")
    return parts[-1] if len(parts) >= 2 and parts[-2] == "Encounter" and parts[-1] else None
