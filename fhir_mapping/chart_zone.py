"""The chart's own offset, read as its zone when the site sets none (review s43 K74a findings 2
and 4; session 43 fix score75).

A score is dated by "the day as written" (trial_parts.Score.date, fhir_fields.parse_date) unless
a site zone is configured (policy.site_zone). Oracle Health writes every time in UTC: a PHQ-9
taken at 22:30 on 07-31 at -05:00 comes as "2026-08-01T03:30:00Z", so beside orders written at
-05:00 it fell a day later, after the venlafaxine start. Sertraline became "stopped unmeasured"
and the TMS card said the PHQ-9 "was taken on venlafaxine, 1 day into it" (chart t01; the same
instant as "2026-07-31T23:30:00-05:00", t02, gave 2 failed trials). An item 9 given at 20:30 on
12-01 at -05:00, sent as "2026-12-02T01:30:00Z", was "dated 2026-12-02, after today" (z03).

The smallest sound change: when no site zone is set and every dateTime of the chart that states
an offset other than UTC states the same one, that offset is the chart's zone for this build
(SITE_ZONE, as a configured zone would be): a "Z" time is then read on the day it was where the
patient's other records were written. Compared in one zone, the score and the orders fall on
the days their instants do; nothing else changes (a dateTime with no offset, a date alone, and
times already at that offset read as written). Two offsets (daylight saving, or two sites), or
none, infer nothing: the day as written, as before. Only the usual date fields of a resource,
and a period's bounds, are looked at (a chart's first level: cheap, issue 14).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta, timezone, tzinfo
from typing import Any

__all__ = ["chart_zone"]

Resource = Mapping[str, Any]

# FHIR R4 element names that hold a resource's dateTime (no clinical fact: where a time sits).
_FIELDS = (
    "authoredOn",
    "authored",
    "effectiveDateTime",
    "effectiveInstant",
    "issued",
    "whenHandedOver",
    "whenPrepared",
    "recordedDate",
    "onsetDateTime",
    "occurrenceDateTime",
    "performedDateTime",
    "dateAsserted",
)
_PERIODS = ("period", "effectivePeriod", "performedPeriod")
_UTC = frozenset(("+00:00", "-00:00"))
_FIELD_SET = frozenset(_FIELDS)
_PERIOD_SET = frozenset(_PERIODS)


def _add(value: object, offsets: set[str]) -> None:
    """The offset a dateTime states ("-05:00"), added unless it is UTC's."""
    if type(value) is str and len(value) > 16 and value[-6] in "+-":
        offset = value[-6:]
        if offset not in _UTC:
            offsets.add(offset)


def chart_zone(
    resources: Iterable[Resource], configured: tzinfo | None
) -> tuple[tzinfo | None, list[Resource]]:
    """(the zone to read this chart's instants in, the resources as a list): `configured` when
    set, else the one non-UTC offset the chart's dateTimes state, else None (module
    docstring)."""
    found = list(resources)
    if configured is not None:
        return configured, found
    offsets: set[str] = set()
    for resource in found:
        if type(resource) is not dict and not isinstance(resource, Mapping):
            continue  # (the dict test first: the ABC check costs ten times more, perf21)
        # Only the keys a resource has (a C-level set intersection, not a dozen lookups each:
        # issue 14, the 10-year chart's 2,000 resources): 4.4 -> 2.0 ms there.
        keys = resource.keys()
        for key in keys & _FIELD_SET:
            _add(resource[key], offsets)
        for key in keys & _PERIOD_SET:
            period = resource[key]
            if isinstance(period, Mapping):
                _add(period.get("start"), offsets)
                _add(period.get("end"), offsets)
        if len(offsets) > 1:
            return None, found  # two offsets: no one zone to read "Z" in
    if len(offsets) != 1:
        return None, found
    return _offset(next(iter(offsets))), found


def _offset(text: str) -> tzinfo | None:
    """ "-05:00" as a fixed zone, None when malformed."""
    try:
        hours, minutes = int(text[1:3]), int(text[4:6])
    except ValueError:
        return None
    if text[3] != ":" or hours > 14 or minutes > 59:
        return None
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
