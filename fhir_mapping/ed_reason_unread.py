"""An ED visit whose only reason is a reference to a Condition not in the record, with no display
(review K59b finding 2, fix fut63): named as a visit whose reason is not in the record.

The stay reader already says this of an inpatient stay (stay_reason.reason_unread: the
suicide-risk card asks what the stay was for); an ED visit stated so read as nothing, and the TMS
card said "Criteria met" with no word of it. A Condition missing from the prefetch is often one a
consent rule withholds (behavioural-health diagnoses), so the visit may have been for suicidal
ideation or self-harm: the visit is named as a gap of the visits (it lists on the suicide-risk and
TMS cards' "Data not read"), within `MappingPolicy.ed_reason_unread_days` of as-of.

Not a suicide-risk signal, and it holds no one-click, as the stay's does not (its card is a
warning, suicide_urgency.csv holds_changes no): most ED visits are not psychiatric, and nothing
on record says this one was; a critical card for every unreadable reference would wear down the
card that must not be dismissed. The gap makes the unknown visible; a display, a contained
Condition or the Condition itself is read as before (absent_reasons.py, visit_risk.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from fhir_mapping.absent_reasons import ABSENT, absent_reason, contained_condition
from fhir_mapping.admission_codes import ClassOf
from fhir_mapping.admissions import is_emergency
from fhir_mapping.data_gap import DataDomain, DataGap
from fhir_mapping.fhir_fields import JSON_OBJECT, one_or_many, parse_date, source_ref

Resource = Mapping[str, Any]

# The gap's reason (logs) and the card line's words.
REASON_NOT_IN_RECORD = (
    "ED visit whose reason is a Condition not in the record: confirm what it was for; if suicidal "
    "ideation or self-harm, assess suicide risk before TMS"
)
# Encounter statuses that record no visit that took place (visit_risk._NO_VISIT).
_NO_VISIT = frozenset({"planned", "cancelled", "entered-in-error"})


def _references(visit: Resource) -> list[object]:
    diagnoses = (
        d.get("condition")
        for d in one_or_many(visit.get("diagnosis"))
        if isinstance(d, JSON_OBJECT)
    )
    return [*one_or_many(visit.get("reasonReference")), *diagnoses]


def reason_unread(visit: Resource, chart: Sequence[Resource]) -> bool:
    """Whether the visit states a reason only by references to Conditions neither in `chart`
    nor contained, with no display: no reasonCode, and every reference absent."""
    if visit.get("reasonCode"):
        return False
    refs = [r for r in _references(visit) if isinstance(r, JSON_OBJECT)]
    if not refs:
        return False  # no reason stated at all: nothing points at a diagnosis
    return all(
        contained_condition(visit, r) is None and absent_reason(r, chart, visit) is ABSENT
        for r in refs
    )


def unread_reason_gaps(
    visits: Sequence[Resource],
    chart: Sequence[Resource] | None,
    *,
    as_of: date,
    days: int,
    class_of: ClassOf,
) -> tuple[DataGap, ...]:
    """The gaps of the ED visits of the last `days` (up to as-of) whose reason is unread."""
    if chart is None:
        return ()  # what the chart holds is not known
    start = as_of - timedelta(days=days)
    found: list[DataGap] = []
    for visit in visits:
        status = visit.get("status")
        if not isinstance(status, str) or status in _NO_VISIT:
            continue
        period = visit.get("period")
        day = parse_date(period.get("start")) if isinstance(period, JSON_OBJECT) else None
        if day is None or not start <= day <= as_of or not is_emergency(visit, class_of):
            continue
        if reason_unread(visit, chart):
            said = f"ED visit on {day.isoformat()}"
            found.append(
                DataGap(
                    DataDomain.VISITS,
                    REASON_NOT_IN_RECORD,
                    source_ref(visit),
                    date=day,
                    stated=said,
                )
            )
    return tuple(found)
