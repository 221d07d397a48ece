"""A fill whose own product names another drug than the one order it fills.

THE RULE (session 21 X1 item 1, review RR2 finding 10): a fill whose OWN product was read
(its Medication, its concept, or its reference's display) and that names exactly one order read
as a prescription (fill_order_drug.read_order, order_readings.py) whose drug shares no ingredient
with the fill's (a bupropion fill against a mirtazapine order) is a record to confirm
(`order_mismatch`, product_conflict.FILL_ORDER_TO_CONFIRM): a dispensing error or a substitution, which of the two the patient took cannot be told from the
record. It used to be read silently as the fill's drug: "Adjuncts already used: bupropion",
mirtazapine "likely stopped", and the mismatch never named. Now neither wins, as for a record
whose code and name disagree: no course of either, the line names both; both drugs taken now
while the fill's stated days of supply run to as-of, so every safety check that asks what is
running (MAOI, interactions) fires for either (the safer error: a missed interaction harms, an
extra "may be running" line costs a question). A fill with no daysSupply is not said taken now:
nothing on it says how long it lasts, and an old fill must not read as running for ever. A
generic substitution (same ingredient) or a combination sharing an ingredient with its order is
no mismatch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fhir_mapping.fhir_fields import JSON_OBJECT, parse_date
from fhir_mapping.gaps import resource_gap, undated_drug
from fhir_mapping.order_readings import OrderReading
from fhir_mapping.product_conflict import FILL_ORDER_TO_CONFIRM, record_concept
from fhir_mapping.record import DataGap
from fhir_mapping.terminology import Component


@dataclass(frozen=True, slots=True)
class OrderMismatch:
    """A fill whose own product and its one order give different drugs: `drugs`, every drug of
    both (the fill's first); `stated`, the line naming both as written."""

    drugs: tuple[str, ...]
    stated: str


def _said(
    resource: Mapping[str, Any], medication: Mapping[str, Any] | None, drugs: tuple[str, ...]
) -> str:
    """How a record writes its product: its concept's text, else a display, else the display of
    its medicationReference, else the drugs read."""
    concept = record_concept(resource, medication)
    if concept is not None:
        text = concept.get("text")
        if isinstance(text, str) and text.strip():
            return text.strip()
        for coding in concept.get("coding") or ():
            shown = coding.get("display") if isinstance(coding, JSON_OBJECT) else None
            if isinstance(shown, str) and shown.strip():
                return shown.strip()
    reference = resource.get("medicationReference")
    shown = reference.get("display") if isinstance(reference, JSON_OBJECT) else None
    if isinstance(shown, str) and shown.strip():
        return shown.strip()
    return " / ".join(drugs)


def order_mismatch(
    dispense: Mapping[str, Any],
    components: tuple[Component, ...],
    medication: Mapping[str, Any] | None,
    ordered: OrderReading | None,
) -> OrderMismatch | None:
    """The mismatch of a fill read as `components` (its own product, `medication` its resolved
    Medication) with the one order it fills, `ordered` that order's reading (order_readings.py;
    None when it is not read), when that order names pathway drugs sharing no ingredient with
    the fill's (module docstring); None otherwise."""
    if not components or ordered is None or not ordered.components:
        return None
    # Nearly every fill shares its order's drug: found by a plain loop, before any tuple or set
    # is built (issue 14: those cost ~7 k instructions a fill, for the 140 of a 10-year chart).
    drugs = ordered.drugs
    for component in components:
        if component.ingredient in drugs:
            return None
    fill_drugs = tuple(dict.fromkeys(c.ingredient for c in components))
    stated = (
        f"fill: {_said(dispense, medication, fill_drugs)}; "
        f"its order: {_said(ordered.order, ordered.medication, ordered.drugs)}; "
        "possible dispensing error or substitution"
    )
    return OrderMismatch((*fill_drugs, *ordered.drugs), stated)


def supply_runs(dispense: Mapping[str, Any], as_of: date) -> bool:
    """Whether a fill's stated days of supply, from the day it was handed over (else prepared),
    run to `as_of`. False without a day or a daysSupply (module docstring)."""
    day = parse_date(dispense.get("whenHandedOver")) or parse_date(dispense.get("whenPrepared"))
    supply = dispense.get("daysSupply")
    days = supply.get("value") if isinstance(supply, JSON_OBJECT) else None
    if day is None or isinstance(days, bool) or not isinstance(days, int | float) or days <= 0:
        return False
    return day <= as_of <= day + timedelta(days=float(days))


def mismatch_gaps(
    dispense: Mapping[str, Any],
    components: tuple[Component, ...],
    medication: Mapping[str, Any] | None,
    ordered: OrderReading | None,
    as_of: date,
) -> list[DataGap] | None:
    """The gap of a fill to confirm for its order's drug (`order_mismatch`), naming both drugs,
    both taken now while its supply runs (`supply_runs`); None when the fill is no mismatch."""
    found = order_mismatch(dispense, components, medication, ordered)
    if found is None:
        return None
    return resource_gap(
        dispense,
        FILL_ORDER_TO_CONFIRM,
        undated_drug(found.drugs)[1],
        taken_now=found.drugs if supply_runs(dispense, as_of) else (),
        stated=found.stated,
    )
