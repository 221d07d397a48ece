"""What an ECG reports beside a QTc it lacks: its QT interval and heart rate, as sent.

An ECG panel (data/lab_panels.csv) without a QTc value is a QTc not read (labs.py). Its QT
interval (LOINC 8634-8) and heart rate (8867-4, 76282-3) components, when present, are kept on
that result (`LabResult.reported`) so the "QTc not compared" card can show what was measured. They
are never compared and no QTc is computed from them (review 9 finding 2: the card never claims more
than the ECG reported). The codes are data/lab_panel_measures.csv.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.code_systems import canonical_system
from fhir_mapping.fhir_fields import JSON_OBJECT, codings, number
from fhir_mapping.record import Measurement


@cache
def measure_codes() -> dict[str, dict[tuple[str, str], str]]:
    """Panel -> {(canonical system, code): measure} (data/lab_panel_measures.csv)."""
    text = resources.files("fhir_mapping").joinpath("data/lab_panel_measures.csv")
    found: dict[str, dict[tuple[str, str], str]] = {}
    for row in csv.DictReader(text.read_text("utf-8").splitlines()):
        key = (canonical_system(row["system"].strip()), row["code"].strip())
        found.setdefault(row["panel"].strip(), {})[key] = row["measure"].strip()
    return found


def reported(panel: str, resource: Mapping[str, Any]) -> tuple[Measurement, ...]:
    """The measurements of `panel`'s table the ECG sends as components with a number, the first
    of each measure in the order sent (an ECG sending its heart rate under 8867-4 and 76282-3
    gives one heart rate)."""
    codes = measure_codes().get(panel)
    components = resource.get("component")
    if not codes or not isinstance(components, list):
        return ()
    found: dict[str, Measurement] = {}
    for component in components:
        if not isinstance(component, JSON_OBJECT):
            continue
        measure = next(
            (codes[(s, c)] for s, c, _ in codings(component.get("code")) if (s, c) in codes),
            None,
        )
        if measure is None or measure in found:
            continue
        quantity = component.get("valueQuantity")
        if not isinstance(quantity, JSON_OBJECT):
            continue
        value = number(quantity.get("value"))
        if value is None:
            continue
        unit = quantity.get("unit") or quantity.get("code")
        found[measure] = Measurement(
            test=measure, value=value, unit=unit if isinstance(unit, str) and unit else None
        )
    return tuple(found.values())
