"""Autoimmune (Hashimoto's) thyroiditis with a recent TSH in range (recheck K11 s28 finding 3).

ICD-10-CM E06.3 and SNOMED CT 21983002 are read as hypothyroidism (condition_codes.csv; review
s28 RJ finding 4): Hashimoto's is the commonest cause of hypothyroidism, so with no TSH, or a
high one, the thyroid review asks for it and holds the one-click adjuncts as for E03.9. But the
code names the autoimmune process, not a failing gland: many such patients are euthyroid and
need no thyroid hormone. With no replacement running and a TSH within the look-back flagged in
range, "check it is treated" asked to treat what needs no treatment and held the adjuncts and
TMS. Such an entry is settled by the TSH, as treated hypothyroidism with a normal TSH is: no
line (diagnosis_medical_thyroid.py).

The smaller of two changes: a finding kind of its own would have to be read by every reader of
HYPOTHYROIDISM (the lithium and liothyronine lines, the diagnosis review); this reads the one
branch that held, and only for codes all of which are thyroiditis codes (data table
autoimmune_thyroiditis_codes.csv): an E03.9 beside an E06.3 is read as before.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from functools import cache
from importlib import resources

from fhir_mapping.code_systems import canonical_system
from fhir_mapping.record import Finding, LabResult


def _key(system: str, code: str) -> tuple[str, str]:
    return canonical_system(system), code.replace(".", "").strip().upper()


@cache
def _codes() -> frozenset[tuple[str, str]]:
    path = resources.files("services").joinpath("data/autoimmune_thyroiditis_codes.csv")
    rows = csv.DictReader(path.read_text("utf-8").splitlines())
    return frozenset(_key(r["system"], r["code"]) for r in rows)


def settled_by_tsh(hypothyroid: Sequence[Finding], tsh: LabResult | None, recent: bool) -> bool:
    """Whether every hypothyroidism finding is autoimmune thyroiditis and the TSH, recent
    (`recent`: within policy.tsh_lookback_days), is flagged in range."""
    if tsh is None or not recent or tsh.flag != "normal" or not hypothyroid:
        return False
    return all(_key(f.system, f.code) in _codes() for f in hypothyroid)
