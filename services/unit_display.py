"""How a card writes a lab unit sent in UCUM's machine form: "m[IU]/L" as "mIU/L" (review 17 M7).

UCUM (the unit system FHIR Quantity.code uses, and many EHRs put in Quantity.unit too) writes the
international unit in brackets and micro as "u"; a clinician reads lab reports that write
neither. The table is data/unit_display.csv; a unit not in it is printed as sent.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


@cache
def _table() -> dict[str, str]:
    text = resources.files("services").joinpath("data/unit_display.csv").read_text("utf-8")
    return {row["ucum"]: row["display"] for row in csv.DictReader(text.splitlines())}


def display(unit: str | None) -> str:
    """The unit as a card prints it ("" for none)."""
    if not unit:
        return ""
    return _table().get(unit, unit)
