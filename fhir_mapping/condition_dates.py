"""When a Condition began and abated, as written (split from conditions.py by idea, session 32
fix heads43; conditions.py imports them back for its callers)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from fhir_mapping.fhir_fields import JSON_OBJECT, date_bounds, parse_date

__all__ = ["abatement_date", "condition_onset", "onset_written"]

Resource = Mapping[str, Any]


def abatement_date(resource: Resource) -> tuple[bool, date | None]:
    """(abated at all, the date it abated where known): the one reader of a Condition's
    abatement (episode.py's stated ends read it too)."""
    abated = False
    for key in ("abatementDateTime", "abatementString", "abatementAge", "abatementRange"):
        if resource.get(key) is not None:
            abated = True
    when = parse_date(resource.get("abatementDateTime"))
    period = resource.get("abatementPeriod")
    if period is not None and isinstance(period, JSON_OBJECT):  # None: no ABC call (perf21)
        abated = True
        when = when or parse_date(period.get("end")) or parse_date(period.get("start"))
    if resource.get("abatementBoolean") is True:
        abated = True
    return abated, when


def condition_onset(resource: Resource) -> date | None:
    onset = parse_date(resource.get("onsetDateTime"))
    if onset is None:
        period = resource.get("onsetPeriod")
        if isinstance(period, JSON_OBJECT):
            onset = parse_date(period.get("start"))
    return onset


def onset_written(resource: Resource) -> str | None:
    """The date `condition_findings` takes the onset from, as written, when it is partial
    ("2024", "2024-05"; review 10 recheck R7): parse_date reads its first day, which is not on
    record, so the finding keeps the text for its wording and its latest day for durations."""
    value = resource.get("onsetDateTime")
    if parse_date(value) is None:
        period = resource.get("onsetPeriod")
        value = period.get("start") if isinstance(period, JSON_OBJECT) else None
        if parse_date(value) is None:
            value = resource.get("recordedDate")
    bounds = date_bounds(value)
    if bounds is None or bounds[2] is None:
        return None
    assert isinstance(value, str)  # date_bounds read it
    return value
