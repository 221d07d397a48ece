"""Which bipolar disorder the record codes (bipolar II, or bipolar I / type not stated), and the
words and rule a card uses for it (review s21 RD finding 10).

A bipolar II patient drafted sertraline alone was told "risk of a switch to mania" and the ISBD
2013 bipolar I rule. ISBD 2013 restricts antidepressants to an adjunct in bipolar I; for bipolar
II its evidence is mixed (data/bipolar_type_wording.csv says what was read, and that it is
UNVERIFIED here). The checks themselves do not change with the type (a missing antimanic agent is
still a warning: the safer reading); the switch named and the rule cited do.

Bipolar II is read only when every bipolar diagnosis on record is coded as bipolar II
(data/bipolar_types.csv) and no manic reaction to an antidepressant is recorded (a recorded
mania is more than bipolar II). A code that does not state the type (F31.3x, "Bipolar disorder")
keeps the bipolar I wording: the safer reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from fhir_mapping.record import Finding
from services import bipolar_findings, tables

_BIPOLAR_II = "II"
_DEFAULT = "I"


@dataclass(frozen=True, slots=True)
class BipolarWording:
    """How a card words an antidepressant's risk for one bipolar type."""

    type: str  # "I" (bipolar I or type not stated) or "II"
    switch_to: str  # "mania" / "hypomania": "risk of a switch to {switch_to}"
    order_rule: str  # the order hooks' rule sentence when nothing antimanic is on record
    cover_rule: str  # the order hooks' rule sentence when the cover is weak or low-dose
    review_rule: str  # the diagnosis review's clause ("antidepressants only with ...")


@cache
def _codes() -> dict[tuple[str, str], str]:
    return {(r["system"], r["code"]): r["type"] for r in tables._rows("bipolar_types.csv")}


@cache
def _wordings() -> dict[str, BipolarWording]:
    return {
        r["type"]: BipolarWording(
            r["type"], r["switch_to"], r["order_rule"], r["cover_rule"], r["review_rule"]
        )
        for r in tables._rows("bipolar_type_wording.csv")
    }


def recorded_type(findings: Sequence[Finding]) -> str:
    """ "II" when every bipolar diagnosis is coded bipolar II and no manic reaction is on record
    (a reaction recorded as hypomania fits bipolar II); "I" otherwise (module docstring)."""
    diagnoses = [f for f in findings if not bipolar_findings.is_reaction(f)]
    if not diagnoses:
        return _DEFAULT
    reactions = [f for f in findings if bipolar_findings.is_reaction(f)]
    if not all(map(bipolar_findings.says_hypomania, reactions)):
        return _DEFAULT
    codes = _codes()
    if all(codes.get((f.system, f.code)) == _BIPOLAR_II for f in diagnoses):
        return _BIPOLAR_II
    return _DEFAULT


def wording(findings: Sequence[Finding]) -> BipolarWording:
    """The words for the bipolar type on record (`recorded_type`)."""
    return _wordings()[recorded_type(findings)]
