"""The dose of a draft as the prescriber entered it ("100 tablets", "2 mg"), for a card that asks
whether the entry was meant (services/order_checks/dose_entry_error.py: a daily dose many times
the drug's maximum is more often a unit or quantity slip than an intended dose; review s28 RG
finding 2: 100 tablets of sertraline 100 mg read as 10000 mg/day).

Read from a draft with one dosage line whose first doseAndRate has a doseQuantity with a value
and a unit: a draft in steps or of several lines names no one entry, and its card names the
steps instead (DraftOrder.dose_note).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fhir_mapping.fhir_fields import array, number, string


def entered_dose(dosages: Sequence[Mapping[str, Any]]) -> str | None:
    """ "100 tablets" (a count unit, UCUM annotation code such as {tbl}, takes its plural),
    "2 mg"; None when no single entry is on the draft."""
    if len(dosages) != 1:
        return None
    rates = [r for r in array(dosages[0].get("doseAndRate")) if isinstance(r, Mapping)]
    quantity = rates[0].get("doseQuantity") if rates else None
    if not isinstance(quantity, Mapping):
        return None
    value = number(quantity.get("value"))
    unit = string(quantity.get("unit")) or string(quantity.get("code"))
    if value is None or not unit:
        return None
    amount = f"{value:g}"
    # A UCUM annotation ({tbl}, {cap}) is a count of dose units: "100 tablets", "1 tablet".
    # A unit of measure (mg, mL) keeps its symbol.
    code = string(quantity.get("code")) or ""
    counted = code.startswith("{") and unit.isalpha() and not unit.endswith("s")
    return f"{amount} {unit}{'s' if counted and value != 1 else ''}"
