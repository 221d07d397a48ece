"""A standalone PHQ-9 item 9 joins the total it belongs to (scores.py, "PHQ-9 item 9").

The order: first a total linked to it (hasMember / derivedFrom either way, or members of the same
panel), else one of the same encounter, else one of the same day, the nearest in days first;
(or, when one of them is dated by a date alone, one whose date is written on the same day:
`_same_written_day`); otherwise it stays a PHQ-9 Score of its own, so the suicide-safety rule still sees it. When two
item-9 answers meet on one total, the higher is kept (safer). Apart from scores.py's walk: only a
chart with a standalone item 9 needs it, and only then are the links read (issue 14).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir_mapping.fhir_fields import one_or_many, ref_id
from fhir_mapping.item9_floor import PHQ9
from fhir_mapping.score_totals import _NO_IDS, _merge_item9, _Total

Resource = Mapping[str, Any]


def _links(resource: Resource) -> set[str]:
    found: set[str] = set()
    for key in ("hasMember", "derivedFrom"):
        for ref in one_or_many(resource.get(key)):
            rid = ref_id(ref)
            if rid:
                found.add(rid)
    return found


def _link(total: _Total, parent_of: Mapping[str, set[str]]) -> None:
    """Read what links other Observations to a total (for `_owner`)."""
    total.links = _links(total.resource)
    total.parents = parent_of.get(total.obs_id, _NO_IDS) if total.obs_id else _NO_IDS
    total.encounter = ref_id(total.resource.get("encounter"))


def _join_items(
    items: list[_Total], totals: list[_Total], parent_of: Mapping[str, set[str]]
) -> None:
    """Each standalone item 9 joins the PHQ-9 total it belongs to (`_owner`), or stays a score
    of its own in `totals`, where a later item 9 may find it."""
    candidates = [t for t in totals if t.instrument == PHQ9]
    for total in (*candidates, *items):
        _link(total, parent_of)
    for item in items:
        match = _owner(item, candidates)
        if match is None:
            totals.append(item)
            if item.instrument == PHQ9:
                candidates.append(item)
        else:
            match.item9 = _merge_item9(match.item9, item.item9)
            match.unread = match.unread or item.unread  # the answer's own resource


def _owner(item: _Total, totals: list[_Total]) -> _Total | None:
    """The PHQ-9 total a standalone item 9 belongs to (see module docstring for the order)."""

    def linked(total: _Total) -> bool:
        if item.obs_id and item.obs_id in total.links:
            return True
        if total.obs_id and total.obs_id in item.links:
            return True
        return bool(item.parents & total.parents)

    def key(total: _Total) -> tuple[int, str]:
        return (abs((total.day - item.day).days), total.ref)

    for test in (
        linked,
        lambda t: item.encounter is not None and t.encounter == item.encounter,
        lambda t: t.day == item.day or _same_written_day(t, item),
    ):
        found = [t for t in totals if test(t)]
        if found:
            return min(found, key=key)
    return None


def _same_written_day(a: _Total, b: _Total) -> bool:
    """One of the two is dated by a date alone and the other's dateTime is written on that date
    in its own offset: a total filed "2026-11-20" and its item 9 at 2026-11-20T22:45:00-08:00
    are one PHQ-9, though the site's zone (UTC by default) puts the item on the 21st (review s23
    RT finding 5). A date alone has no zone: the day the clinic wrote is the one to compare."""
    first, second = _written(a), _written(b)
    if first is None or second is None or (len(first) == 10) == (len(second) == 10):
        return False  # both dated alike: compared by `day`
    return first[:10] == second[:10]


def _written(total: _Total) -> str | None:
    """The total's effectiveDateTime as written, when it names a day."""
    value = total.resource.get("effectiveDateTime")
    return value if isinstance(value, str) and len(value) >= 10 else None
