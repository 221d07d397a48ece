"""Doses that each cover days, grouped into courses (fix lai63 item 3: injection_courses.py and
interval_doses.py grouped their MAR doses with the same 13 lines).

A dose given on or before the day the one before it covers to joins that one's course; a dose
given after that cover ran out starts another: a missed injection beyond its window is a stopped
course, one within it is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol, TypeVar


class CoveringDose(Protocol):
    @property
    def day(self) -> date: ...

    @property
    def covers(self) -> int: ...  # days from `day` the dose is read to cover


D = TypeVar("D", bound=CoveringDose)


def cover_runs(doses: Sequence[D]) -> list[list[D]]:
    """`doses` (sorted by day) in courses: one given after the cover of the one before ran out
    starts another."""
    runs: list[list[D]] = []
    for dose in doses:
        last = runs[-1][-1] if runs else None
        if last is not None and (dose.day - last.day).days <= last.covers:
            runs[-1].append(dose)
        else:
            runs.append([dose])
    return runs
