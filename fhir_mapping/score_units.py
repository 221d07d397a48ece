"""The units a rating-scale score may carry in a valueQuantity (data/score_units.csv): a score is
a count of points, dimensionless. A PHQ-9 total 44261-6 of 4 % is no PHQ-9 4 (review s27 RF 8:
it was read as one, and a patient in remission by it); a value in any other unit is not read as
a score, and scores.py names it as a gap with its unit.

The UCUM code decides when there is one (it is the computable unit; the unit text beside it is a
display); with no code, the unit text must be one of the table's. No unit at all is a number
with no unit: read.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any


@cache
def _accepted() -> frozenset[str]:
    text = resources.files("fhir_mapping").joinpath("data/score_units.csv").read_text("utf-8")
    return frozenset(row["unit"] for row in csv.DictReader(text.splitlines()))


def refused_unit(quantity: Mapping[str, Any]) -> str | None:
    """The unit of a valueQuantity that is not a score's ("%", "mg/dL"), else None."""
    code = quantity.get("code")
    if isinstance(code, str) and code.strip():
        return None if code.strip() in _accepted() else code.strip()[:20]
    unit = quantity.get("unit")
    if isinstance(unit, str) and unit.strip():
        found = unit.strip()
        return None if found in _accepted() or found.lower() in _accepted() else found[:20]
    return None
