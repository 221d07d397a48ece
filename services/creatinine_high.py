"""A creatinine above range with no eGFR on record, beside running lithium (labs71, review K71a
finding 5: creatinine 3.5 mg/dL or 310 umol/L, no eGFR, lithium running: no renal line at chart
open, only "creatinine 3.5 mg/dL on ..." on the monitoring list).

Above range: the lab's own call first (its interpretation H/HH or the result's referenceRange,
both read into LabResult.flag), else the value above data/creatinine_high.csv's line for its unit
(an UNVERIFIED design line: the upper end of the usual adult interval). A unit the table does not
hold is never compared. The words go on the lithium monitoring card and the optimise card's
lithium line, and make the monitoring card a warning: a kidney that may not clear lithium is not
an info line (the safer error: a false "check renal function" costs one blood test; a quiet one
risks lithium toxicity). An eGFR or a creatinine clearance on record places the renal band
itself (services/rules/running_renal.py), so nothing is said here then.
"""

from __future__ import annotations

from functools import cache

from fhir_mapping.record import LabResult, PatientRecord
from services import tables
from services.lab_readings import latest, text


@cache
def _lines() -> dict[str, float]:
    return {r["unit"].strip(): float(r["high"]) for r in tables._rows("creatinine_high.csv")}


def high(lab: LabResult) -> bool:
    """Whether the lab flags this creatinine high, or its value is above the table's line."""
    if lab.flag is not None:
        return lab.flag == "high"
    line = _lines().get((lab.unit or "").strip())
    if line is None or lab.value is None or lab.comparator in ("<", "<="):
        return False
    return lab.value > line


def renal_words(record: PatientRecord, drug: str = "lithium") -> str:
    """ "creatinine 3.5 mg/dL on 2026-11-20 (high), no eGFR on record: check renal function
    before continuing lithium", or "" (no creatinine, not above range, or an eGFR on record)."""
    if latest(record, "egfr") is not None or latest(record, "crcl") is not None:
        return ""
    lab = latest(record, "creatinine")
    if lab is None or not high(lab):
        return ""
    return (
        f"creatinine {text(lab)} (high), no eGFR on record: check renal function before "
        f"continuing {drug}"
    )
