"""The amount of a dosage line's structured dose (dose.py): which `doseAndRate` entry to read
(the "ordered" one; a dose placed directly on the Dosage, STU3 style), a Quantity converted to
mg / count / mL, and both ends of a `doseRange`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir_mapping.dose_tables import unit_factor
from fhir_mapping.fhir_fields import JSON_OBJECT, array, number

# `isinstance(x, JSON_OBJECT)` throughout: JSON gives dicts, answered at C speed, where the
# Mapping ABC check alone costs more than the read (issue 14); other Mappings read the same way.


def _is_ordered(entry: Mapping[str, Any]) -> bool:
    """A doseAndRate entry typed "ordered" (HL7 dose-rate-type, Epic's dose-rate-type, or only
    the type's text)."""
    type_ = entry.get("type")
    if not isinstance(type_, JSON_OBJECT):
        return False
    codes = [c.get("code") for c in array(type_.get("coding")) if isinstance(c, JSON_OBJECT)]
    text = type_.get("text")
    return "ordered" in codes or (isinstance(text, str) and text.strip().lower() == "ordered")


def ordered_dose(line: Mapping[str, Any]) -> Mapping[str, Any] | None:
    entries = [e for e in array(line.get("doseAndRate")) if isinstance(e, JSON_OBJECT)]
    with_dose = [e for e in entries if "doseQuantity" in e or "doseRange" in e]
    for entry in with_dose:
        if _is_ordered(entry):
            return entry
    if with_dose:
        return with_dose[0]
    # STU3 style: the dose directly on the Dosage (Epic's documented CDS Hooks example). Read only
    # when doseAndRate says nothing, so the two can never be added up.
    if isinstance(line.get("doseQuantity"), JSON_OBJECT):
        return {"doseQuantity": line["doseQuantity"]}
    if isinstance(line.get("doseRange"), JSON_OBJECT):
        return {"doseRange": line["doseRange"]}
    return None


def quantity_amount(quantity: object) -> tuple[float, str] | None:
    """(amount converted to mg / count / mL, kind) of a Quantity; unit-less means one unit
    of the product (Synthea writes `doseQuantity {value: 1}` for one tablet)."""
    if not isinstance(quantity, JSON_OBJECT):
        return None
    value = number(quantity.get("value"))
    if value is None:
        return None
    unit, code = quantity.get("unit"), quantity.get("code")
    if unit is None and code is None:
        return value, "count"
    found = unit_factor(unit, code)
    if found is None or found[0] == "time":
        return None
    return value * found[1], found[0]


def range_ends(range_: object) -> tuple[float, float | None, str] | None:
    """(lower, upper, kind) of a doseRange; upper None when it equals the lower. A range with no
    `low` proves no dose ("up to 100 mg"): its lower end is 0 (read as unknown by
    `daily_dose_mg`); one with no `high` is its `low`."""
    if not isinstance(range_, JSON_OBJECT):
        return None
    low = quantity_amount(range_.get("low")) if isinstance(range_.get("low"), JSON_OBJECT) else None
    high = (
        quantity_amount(range_.get("high")) if isinstance(range_.get("high"), JSON_OBJECT) else None
    )
    if high is None:
        return None if low is None else (low[0], None, low[1])
    if low is None:
        return 0.0, high[0], high[1]
    if low[1] != high[1]:
        return None  # "1 tablet to 100 mg": no one kind to add up
    least, most = min(low[0], high[0]), max(low[0], high[0])
    return least, (most if most != least else None), low[1]
