"""Which MedicationRequest a MedicationDispense fills: the ids its `authorizingPrescription`
names (FHIR R4 MedicationDispense.authorizingPrescription: Reference(MedicationRequest), 0..*).

One reading of the reference for both its users: the days' supply of a dispense estimated from
its order's dose (medication_supply.py), and a dispense left out counted as a fill of its order
rather than as another medication (gaps.resource_gap; audit 18: one order and its five fills,
none readable, were "6 medication records could not be read", which a clinician reads as six
drugs). FHIR structure, not clinical fact, so it lives in code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir_mapping.fhir_fields import JSON_OBJECT

_PREFIX = "urn:uuid:"
_ORDER = "MedicationRequest/"


def _one_relative(references: Any) -> str | None:
    """The id of a list of exactly one relative "MedicationRequest/<id>" reference, else None
    (the shortcut order_ids and the_order share; any other shape is read the long way)."""
    if type(references) is list and len(references) == 1:
        reference = references[0]
        target = reference.get("reference") if type(reference) is dict else None
        if type(target) is str and target.startswith(_ORDER):
            rid = target[len(_ORDER) :]
            if rid and rid != "_history" and "/" not in rid:
                return rid
    return None


def order_ids(dispense: Mapping[str, Any]) -> tuple[str, ...]:
    """The ids of the MedicationRequests a dispense's authorizingPrescription names, each once,
    in its order: a relative "MedicationRequest/<id>" (with or without _history), an absolute
    URL ending so, or "urn:uuid:<id>" (a transaction Bundle's reference to an entry)."""
    references = dispense.get("authorizingPrescription")
    # One relative "MedicationRequest/<id>" (nearly every fill): its id without the split and
    # dict below (issue 14, perf19: chart_medications asks it of every completed fill, 391 of
    # the 10-year chart's). The loop gives the same one id; anything else is read there.
    one = _one_relative(references)
    if one is not None:
        return (one,)
    if not isinstance(references, list):
        return ()
    found: dict[str, None] = {}
    for reference in references:
        target = reference.get("reference") if isinstance(reference, JSON_OBJECT) else None
        if not isinstance(target, str) or not target:
            continue
        if target.startswith(_PREFIX):
            rid = target[len(_PREFIX) :]
        else:
            parts = target.split("/")
            if "_history" in parts:
                parts = parts[: parts.index("_history")]
            if len(parts) < 2 or parts[-2] != "MedicationRequest":
                continue
            rid = parts[-1]
        if rid:
            found[rid] = None
    return tuple(found)


def the_order(dispense: Mapping[str, Any]) -> str | None:
    """The one order a dispense fills, or None when it names none or several."""
    # One relative "MedicationRequest/<id>" (nearly every fill): its id without order_ids'
    # split and dict (issue 14: asked of every fill of the pathway). The same answer, as a
    # reference with a further "/" or the id "_history" goes to order_ids.
    references = dispense.get("authorizingPrescription")
    one = _one_relative(references)
    if one is not None:
        return one
    ids = order_ids(dispense)
    return ids[0] if len(ids) == 1 else None
