"""A TSH its lab called normal that the project's interval does not (fix dx69): read by the
project's interval, and the line says both.

A TSH of 8.5 mIU/L sent with interpretation N (or inside the lab's own reference range) read
normal, because the lab's flag wins (fhir_mapping/lab_values._flag: the lab knows its assay). A
lab's interval may be its own (an assay's, or an older adult's), but 8.5 is above the adult
interval the project holds (fhir_mapping/data/lab_ranges.csv tsh row, NHANES III as AACE/ATA
2012 suggest), and a normal reading is the one that says nothing: the thyroid lines would be
silent on a possible hypothyroidism that CANMAT 2023 para 184 asks to rule out. So the safer
reading judges the TSH by the project's interval, with the lines a raised TSH has (a repeat with a
free T4 under 10, a hold from 10: diagnosis_medical_thyroid.py), and names the disagreement beside
the value ("flagged normal by the lab, above the project's range 0.45-4.12 mIU/L (NHANES III,
AACE/ATA 2012)"), never silently normal. The prescriber who knows the lab's interval applies
reads both and decides.

Only the TSH, and only a value (a bound "< 0.01" is not compared here: lab_values.bound_flag):
a free T4 interval is assay-specific (the table's is one lab's), so the lab's own flag stands.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from importlib import resources

from fhir_mapping.clinical_codes import lab_ranges
from fhir_mapping.lab_units import table_value
from fhir_mapping.record import LabResult

LabRef = Callable[[LabResult], str]

_TESTS = ("tsh",)


@cache
def _cited() -> dict[str, tuple[str, str, float, float]]:
    """test -> (how a card cites its lab_ranges.csv interval, the interval's unit, and the interval
    inside which the lab's own "normal" is trusted: the widest labs commonly report)."""
    text = resources.files("services").joinpath("data/lab_range_citations.csv").read_text("utf-8")
    return {
        r["test"]: (r["cited"], r["unit"], float(r["trusted_low"]), float(r["trusted_high"]))
        for r in csv.DictReader(text.splitlines())
    }


def _table_side(lab: LabResult) -> str | None:
    """ "high" or "low" when the lab called `lab` normal and the project's interval does not;
    None otherwise (another flag, a bound, a unit the table cannot read)."""
    if lab.test not in _TESTS or lab.flag != "normal" or lab.value is None or lab.comparator:
        return None
    value = table_value(lab.test, lab.value, lab.unit)
    if value is None:
        return None
    row = lab_ranges()[lab.test]
    # Inside the widest interval labs commonly report, the lab's "normal" stands (lead, session
    # 40: a TSH 4.3 that its lab calls normal holding escalation would be noise on a common value).
    _, _, trusted_low, trusted_high = _cited()[lab.test]
    if row.high is not None and value > max(row.high, trusted_high):
        return "high"
    if row.low is not None and value < min(row.low, trusted_low):
        return "low"
    return None


def by_project_range(lab: LabResult | None, lab_ref: LabRef) -> tuple[LabResult | None, LabRef]:
    """`lab` read by the project's interval when its lab called it normal and the interval does
    not (module docstring), with a `lab_ref` that says so beside it; else both unchanged."""
    side = _table_side(lab) if lab is not None else None
    if lab is None or side is None:
        return lab, lab_ref
    row = lab_ranges()[lab.test]
    called = (
        "within the lab's reference range" if lab.range_flagged else "flagged normal by the lab"
    )
    cited, unit, _, _ = _cited()[lab.test]
    note = (
        f" ({called}, {'above' if side == 'high' else 'below'} the project's range "
        f"{row.low:g}-{row.high:g} {unit} ({cited}))"
    )
    judged = replace(lab, flag=side)

    def ref(other: LabResult) -> str:
        return lab_ref(other) + note if other is judged else lab_ref(other)

    return judged, ref
