"""The Maudsley Staging Method's points table (data/maudsley.csv) read by range: a dimension's
category and points for a number of months, a PHQ-9 total or a count (`points_for`), the band of
a total (`band_for`), the points of psychotic features; and one scored dimension with its basis
(StageDimension).

Apart from staging.py and the dimensions it adds up (staging_duration.py, staging_severity.py)
because every one of them reads this table and none of them is read by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fhir_mapping.frozen_init import quick_frozen_init
from services import tables


@dataclass(frozen=True, slots=True)
class StageDimension:
    name: str  # "Duration", "Severity", ...
    category: str  # the MSM category, e.g. "sub-acute"
    basis: str  # what the category was read from, e.g. "episode since 2023-01-10 (17 months)"
    points: int
    # Said beside the category wherever the stage is shown in one line: the category was not
    # read from the chart but assumed ("no PHQ-9 on record: scored as lowest"), so a card never
    # shows "Severity 1 (subsyndromal)" as if a score had said so; or a part of the chart was
    # left out of it on purpose (a primary psychotic disorder's psychosis, not the MSM item).
    assumed: str = ""


quick_frozen_init(StageDimension)


@cache
def numeric_rows() -> dict[str, tuple[tables.MaudsleyRow, ...]]:
    """Dimension -> its rows with a numeric range, in table order: each stage reads six of them."""
    found: dict[str, list[tables.MaudsleyRow]] = {}
    for row in tables.maudsley_rows():
        if row.lower is not None:
            found.setdefault(row.dimension, []).append(row)
    return {dimension: tuple(rows) for dimension, rows in found.items()}


def _row(dimension: str, value: int) -> tables.MaudsleyRow:
    for row in numeric_rows().get(dimension, ()):
        lower = row.lower
        assert lower is not None  # numeric_rows keeps only rows with a range
        if value >= lower and (row.upper is None or value <= row.upper):
            return row
    raise ValueError(f"no Maudsley {dimension} row for {value}")


def points_for(dimension: str, value: int) -> tuple[str, int]:
    """(category, points) of a numeric value: months, PHQ-9 total or a count."""
    row = _row(dimension, value)
    assert row.points is not None  # only band rows have no points
    return row.category, row.points


def band_for(total: int) -> str:
    return _row("band", total).category


@cache
def psychosis_points() -> tuple[str, int]:
    row = next(
        r
        for r in tables.maudsley_rows()
        if r.dimension == "severity" and r.unit == "psychotic-features"
    )
    assert row.points is not None
    return row.category, row.points
