"""The time of day of a test's results that share a day, which draw each is of, and which day a
result written in UTC falls on beside its test's results written in the lab's own offset (split
from context.py, which gathers the labs; lab57 item 5, lab59 item 1, lab60 items 2, 6, 8).

Only a test's results that share a day (or, with no site zone, fall on two neighbouring written
days) are looked at here: most tests have one result a day and never reach this (issue 14).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import groupby
from typing import Any

from fhir_mapping.fhir_fields import SITE_ZONE, parse_instant
from fhir_mapping.record import LabResult, SourceRef

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class _Drawn:
    """When and of which draw a result says it is: its instant (a time with an offset), its
    local time (a time with no offset: of no known zone), the keys naming its draw."""

    instant: datetime | None
    local: datetime | None
    keys: tuple[str, ...]


@lru_cache(maxsize=4096)
def _local(value: str) -> datetime | None:
    """A dateTime with a time and no offset ("2026-11-18T08:00:00"), as written; None else."""
    if len(value) <= 10 or value[-1] == "Z" or value[-6] in "+-":
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _keys(resource: Mapping[str, Any]) -> list[str]:
    """The Observation's identifiers and orders (basedOn): a final result sent as its own
    Observation beside the preliminary it replaces carries the same ones."""
    keys: list[str] = []
    for ident in resource.get("identifier") or ():
        if isinstance(ident, dict) and isinstance(ident.get("value"), str):
            keys.append(f"id:{ident.get('system') or ''}|{ident['value']}")
    for order in resource.get("basedOn") or ():
        if isinstance(order, dict) and isinstance(order.get("reference"), str):
            keys.append(f"order:{order['reference']}")
    return keys


def _drawn(resource: Mapping[str, Any] | None) -> _Drawn | None:
    if resource is None:
        return None
    value = resource.get("effectiveDateTime")
    instant = parse_instant(value)
    local = _local(value) if instant is None and isinstance(value, str) else None
    keys = _keys(resource)
    # One instant is one draw, whatever offset each was written in (08:00-05:00 is 13:00Z); a
    # time with no offset is one only with the same time written. A date alone names no draw:
    # two results of one day are not known to be one (lab60 item 2: the safer reading weighs both).
    if instant is not None:
        keys.insert(0, f"at:{instant.astimezone(UTC).isoformat()}")
    elif local is not None:
        keys.insert(0, f"local:{local.isoformat()}")
    return _Drawn(instant, local, tuple(keys))


def clock(when: datetime) -> str:
    """ "08:00-05:00", "14:00Z": the time of day with the offset it was sent in; "08:00, no
    offset" for a time sent with none (lab60 item 6: it read "(time not stated)")."""
    if when.tzinfo is None:
        return f"{when:%H:%M}, no offset"
    offset = when.strftime("%z")
    zone = "Z" if offset in ("+0000", "") else f"{offset[:3]}:{offset[3:]}"
    return f"{when:%H:%M}{zone}"


def timed_days(
    ordered: list[LabResult],
    resources: Mapping[SourceRef, Mapping[str, Any]],
    key: Callable[[LabResult], Hashable],
) -> list[LabResult]:
    """`ordered` with each test's results of one day (`key`: test and date) latest first, when
    every one of them states its time with an offset (lab57 item 5: two TSH of 2026-11-10 at
    08:00-05:00 and 14:00Z went by their Observation ids; instants compare across zones), or
    when none does and each states a time (lab60 item 6: 08:00 and 14:00 with no offset are one
    clock, the lab's). A day of mixed or missing times keeps the old order: which came later is
    not known. Each result of such a day gets its time (`at`) and its draw (`draw`). The readers
    take the first of a day (diagnosis_medical._latest_labs, lab_readings.newest_first)."""
    out: list[LabResult] = []
    for _key, group in groupby(ordered, key=key):
        labs = list(group)
        if len(labs) == 1:
            out.extend(labs)
            continue
        drawn = [_drawn(resources.get(lab.source)) if lab.source else None for lab in labs]
        labs = [
            lab if d is None else replace(lab, at=_at(d), draw=d.keys)
            for lab, d in zip(labs, drawn, strict=True)
        ]
        # Aware instants compare across zones; times with no offset compare as one clock.
        stamps = [d.instant for d in drawn if d is not None and d.instant is not None]
        if len(stamps) != len(labs):
            stamps = [d.local for d in drawn if d is not None and d.local is not None]
        if len(stamps) == len(labs):
            # Stable: results of one instant (a panel and its member) keep the old order.
            labs = [labs[i] for i in sorted(range(len(labs)), key=stamps.__getitem__, reverse=True)]
        out.extend(labs)
    return out


def _at(drawn: _Drawn) -> str:
    when = drawn.instant or drawn.local
    return clock(when) if when is not None else ""


def joined_days(
    found: list[LabResult], timed: Sequence[tuple[SourceRef, Mapping[str, Any]]]
) -> list[LabResult]:
    """`found` with a result written in UTC ("Z", +00:00) given the written day of a result of its
    test written in another offset, on the neighbouring day, when read in that offset it falls on
    that day; only with no site zone set (lab60 item 8). A lithium 1.6 at 2026-11-18T22:00-05:00
    and a 0.9 at 2026-11-19T04:00Z are one evening in the lab's zone (23:00-05:00), and one UTC
    day too, but read as written they were two days: the 0.9 the latest, alone, and the 1.6 not
    weighed beside it. With a site zone (`[server] timezone`) every instant is already read as
    the site's date (fhir_fields.parse_date) and nothing is moved here. The lab's own offset is
    the better guess of the clinic's day than UTC, an interface's clock, so the UTC one moves."""
    if SITE_ZONE.get() is not None or len(found) < 2:
        return found
    days = {(lab.test, lab.date) for lab in found}
    near = {t for t, d in days if (t, d + _ONE_DAY) in days}
    if not near:
        return found
    resources = dict(timed)  # each source's Observation, the last given for a source winning
    local_days: dict[str, list[tuple[date, Any]]] = {}
    for lab in found:
        when = _instant_of(lab, resources) if lab.test in near else None
        if when is not None and when.utcoffset() != timedelta(0):
            local_days.setdefault(lab.test, []).append((lab.date, when.tzinfo))
    out: list[LabResult] = []
    for lab in found:
        when = _instant_of(lab, resources) if lab.test in local_days else None
        moved = lab.date
        if when is not None and when.utcoffset() == timedelta(0):
            for day, zone in local_days[lab.test]:
                if abs((day - lab.date).days) == 1 and when.astimezone(zone).date() == day:
                    moved = day
                    break
        out.append(lab if moved == lab.date else replace(lab, date=moved))
    return out


def _instant_of(
    lab: LabResult, resources: Mapping[SourceRef, Mapping[str, Any]]
) -> datetime | None:
    resource = resources.get(lab.source) if lab.source is not None else None
    return parse_instant(resource.get("effectiveDateTime")) if resource is not None else None
