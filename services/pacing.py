"""A cardiac pacemaker on record (data/pacemaker_codes.csv; review s25 rk3 finding 5).

A heart block with a pacemaker is paced: the pacing guards against the block's bradycardia and
asystole, not against a tricyclic's QRS widening and ventricular arrhythmia. A tricyclic order
beside a high-grade AV block and a pacemaker is therefore a warning naming the pacemaker ("ECG
(QRS) and cardiology before starting"), not the unpaced block's critical contraindication
(order_checks/cautions.py, drug_cautions.csv `if_paced`).

The codes are read from the findings the TMS safety screen already keeps (a Condition coded
Z95.0 or SNOMED CT 441509002, a Device typed 706004007: FindingKind.TMS_CAUTION; the
implanted-device kind too, in case a table files one there). Only codes that say pacing count:
an implantable defibrillator or "other cardiac implants" code, or a free-text match, keeps the
critical card (the safer reading: a card that says too much, not a contraindication withdrawn).
"""

from __future__ import annotations

from datetime import date
from functools import cache

from fhir_mapping.clinical_codes import normalise_code
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.record import Finding, FindingKind
from services import tables
from services.rules.context import RuleContext

_KINDS = (FindingKind.TMS_CAUTION, FindingKind.IMPLANTED_DEVICE)


@cache
def _codes() -> frozenset[tuple[str, str]]:
    return frozenset(
        (canonical_system(r["system"]), normalise_code(r["system"], r["code"]))
        for r in tables._rows("pacemaker_codes.csv")
    )


def is_pacemaker(finding: Finding) -> bool:
    key = (canonical_system(finding.system), normalise_code(finding.system, finding.code))
    return key in _codes()


def pacemaker(ctx: RuleContext) -> Finding | None:
    """The latest-dated pacemaker finding on record (undated last), or None."""
    found = [f for kind in _KINDS for f in ctx.facts.findings_of(kind) if is_pacemaker(f)]
    return max(found, key=lambda f: f.onset or date.min) if found else None
