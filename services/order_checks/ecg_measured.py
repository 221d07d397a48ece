"""What an ECG that reports no comparable QTc did report (its QT interval, heart rate), said as
sent and never turned into a QTc: split from qtc.py, which names it on its not-compared card."""

from __future__ import annotations

import re

from fhir_mapping.labs import LAB_NAMES
from fhir_mapping.record import Measurement
from services import cards


def measured_text(reported: tuple[Measurement, ...]) -> str:
    """ "The ECG reports QT interval 460 ms and heart rate 88/min; no QTc was computed from
    them." (as sent: fhir_mapping/lab_measures.py), or "No QTc is computed here." when it
    reports neither: a QTc computed from them would claim more than the ECG reported."""
    if not reported:
        return "No QTc is computed here."
    parts = [f"{LAB_NAMES.get(m.test, m.test)} {quantity_text(m)}" for m in reported]
    return (
        f"The ECG reports {' and '.join(parts)}; no QTc was computed from "
        f"{'them' if len(parts) > 1 else 'it'}."
    )


def quantity_text(measure: Measurement) -> str:
    """ "460 ms", "0.46 s", "88/min" (a UCUM annotation such as {beats} left out)."""
    unit = re.sub(r"\{[^}]*\}", "", measure.unit or "").strip()
    if not unit:
        return cards.fmt_mg(measure.value)
    space = "" if unit.startswith("/") else " "
    return f"{cards.fmt_mg(measure.value)}{space}{unit}"
