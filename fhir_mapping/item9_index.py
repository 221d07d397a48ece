"""The PHQ-9 totals a standalone item 9 may join, indexed by what joins them (item9_join.py).

`_owner` once compared every item-9 answer with every total, three times over: a chart of 2,500
PHQ-9s with their item 9s took a minute, and one of 50,000 never finished (review s25 RP H1). Here
each total is filed once under every key that can join it (its id, the ids it links to, the panels
listing it, its encounter, its day, the day its date is written on), so an item 9 looks only at the
totals that share a key with it.

Within one key the nearest total in days wins, then the lower "Observation/<id>", then the total
met first: exactly `min(found, key=...)` over the totals in the order they were added, which is
what the join chose before. A key keeps, for each day, only the best total of that day and the
sorted days, so the nearest is found by bisection, however many totals share the key.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeAlias, TypeVar

from fhir_mapping.score_totals import _Total

# (distance in days, "Observation/<id>", order added): the order `_owner` ranks candidates in.
Rank: TypeAlias = tuple[int, str, int]
K = TypeVar("K")


@dataclass(slots=True)
class _Key:
    """The totals filed under one key: the best of each day (lowest ref, then first added)."""

    best: dict[date, tuple[str, int, _Total]] = field(default_factory=dict)
    days: list[date] = field(default_factory=list)  # the keys of `best`, sorted

    def add(self, total: _Total, position: int) -> None:
        ref = total.ref
        kept = self.best.get(total.day)
        if kept is None:
            insort(self.days, total.day)
        elif kept[0] <= ref:
            return  # an earlier total of that day ranks first (added first on an equal ref)
        self.best[total.day] = (ref, position, total)

    def nearest(self, day: date) -> tuple[Rank, _Total] | None:
        """The best total nearest `day`: the closest day on either side, the lower rank on a tie."""
        at = bisect_left(self.days, day)
        found: tuple[Rank, _Total] | None = None
        for near in self.days[max(at - 1, 0) : at + 1]:
            ref, position, total = self.best[near]
            rank = (abs((near - day).days), ref, position)
            if found is None or rank < found[0]:
                found = (rank, total)
        return found


class TotalIndex:
    """The PHQ-9 totals an item 9 may join, each filed under every key that joins it."""

    def __init__(self) -> None:
        self._count = 0
        # The three tests of `_owner`, in its order; each maps a key to its totals.
        self._linked: dict[tuple[str, str], _Key] = {}
        self._encounter: dict[str, _Key] = {}
        self._day: dict[tuple[str, date | str], _Key] = {}

    def add(self, total: _Total) -> None:
        """File a total (its links read: item9_join._link) under each of its keys."""
        position, self._count = self._count, self._count + 1
        if total.obs_id:
            _file(self._linked, ("id", total.obs_id), total, position)
        for rid in total.links:
            _file(self._linked, ("links", rid), total, position)
        for parent in total.parents:
            _file(self._linked, ("parent", parent), total, position)
        if total.encounter is not None:
            _file(self._encounter, total.encounter, total, position)
        _file(self._day, ("day", total.day), total, position)
        written = written_day(total)
        if written is not None:
            _file(self._day, written, total, position)

    def owner(self, item: _Total) -> _Total | None:
        """The total `item` joins: linked, else of its encounter, else of its (written) day; the
        nearest in days within the first of these that has any (item9_join module docstring)."""
        linked = [self._linked.get(("links", item.obs_id))] if item.obs_id else []
        linked += [self._linked.get(("id", rid)) for rid in item.links]
        linked += [self._linked.get(("parent", parent)) for parent in item.parents]
        encounter = [self._encounter.get(item.encounter)] if item.encounter is not None else []
        day = [self._day.get(("day", item.day))]
        written = written_day(item)
        if written is not None:
            # The other kind of date written on the same day (`written_day`).
            day.append(self._day.get((_other(written[0]), written[1])))
        for keys in (linked, encounter, day):
            found = _nearest(keys, item.day)
            if found is not None:
                return found
        return None


def _file(keys: dict[K, _Key], key: K, total: _Total, position: int) -> None:
    bucket = keys.get(key)
    if bucket is None:
        keys[key] = bucket = _Key()
    bucket.add(total, position)


def _nearest(keys: Iterable[_Key | None], day: date) -> _Total | None:
    found: tuple[Rank, _Total] | None = None
    for bucket in keys:
        if bucket is None:
            continue
        near = bucket.nearest(day)
        if near is not None and (found is None or near[0] < found[0]):
            found = near
    return None if found is None else found[1]


_DATE, _DATETIME = "written-date", "written-datetime"


def _other(kind: str) -> str:
    return _DATETIME if kind == _DATE else _DATE


def written_day(total: _Total) -> tuple[str, str] | None:
    """(kind, day) of the total's effectiveDateTime as written, when it names a day: kind says
    whether it is a date alone or a dateTime. A date alone has no zone, so a total filed
    "2026-11-20" and its item 9 at 2026-11-20T22:45:00-08:00 are one PHQ-9, though the site's zone
    (UTC by default) puts the item on the 21st (review s23 RT finding 5); two alike are compared
    by `day` alone."""
    value = total.resource.get("effectiveDateTime")
    if not isinstance(value, str) or len(value) < 10:
        return None
    return (_DATE if len(value) == 10 else _DATETIME, value[:10])
