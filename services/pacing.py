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

Only a pacemaker in use counts (review s25 rk5 finding 2): a Device with status "active", or a
Z95.0 / SNOMED CT Condition active and not abated on the day (Finding.state as
fhir_mapping/conditions.py and procedures_devices.py read it). An inactive Device (explanted,
switched off) or a resolved / abated Condition paces nothing: the critical card stays. A Device
whose status is not sent or "unknown" is `unrecorded`: the card stays critical and says the
pacemaker's status is not recorded (the safer reading: a contraindication withdrawn on a device
that may no longer pace is the harm; an extra ECG and cardiology review is not).

The one rule for both hooks (s26 item 2: patient-view still said "contraindicated" of a running
tricyclic beside a paced block while the order hooks had softened it): `reading(ctx)` says
whether a row with an `if_paced` note is softened (`softens`) and how the pacemaker is named
(`words`), and whether the row is then critical (`critical`); order_checks/cautions.py and
rules/running_caution_pairs.py both ask it.
"""

from __future__ import annotations

from dataclasses import dataclass
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


# Finding.state of a pacemaker in use; "unknown": a Device whose status was not sent.
_IN_USE = "active"
_UNRECORDED = "unknown"


def _latest(ctx: RuleContext, state: str) -> Finding | None:
    found = [
        f
        for kind in _KINDS
        for f in ctx.facts.findings_of(kind)
        if f.state == state and f.abated is None and is_pacemaker(f)
    ]
    return max(found, key=lambda f: f.onset or date.min) if found else None


def pacemaker(ctx: RuleContext) -> Finding | None:
    """The latest-dated pacemaker in use on record (undated last), or None."""
    return _latest(ctx, _IN_USE)


def named(finding: Finding) -> str:
    """ "Presence of cardiac pacemaker, ICD-10-CM Z95.0, since 2019-03-04"; a Device has no
    implant date in R4: its display and code alone."""
    return f"{finding.display}, {finding.coding}" + (f", {finding.dated}" if finding.onset else "")


@dataclass(frozen=True, slots=True)
class Pacing:
    """What the record says of pacing: the pacemaker in use, else one whose status is not
    recorded (named, never counted as pacing)."""

    paced: Finding | None
    unrecorded: Finding | None

    def softens(self, if_paced: str) -> bool:
        """Whether a row with this `if_paced` note is said as its paced warning: only a row
        that has one, and only beside a pacemaker in use."""
        return self.paced is not None and bool(if_paced)

    def critical(self, indicator: str, if_paced: str) -> bool:
        """Whether a drug_cautions.csv row is critical as the record's pacing leaves it: its
        own indicator ("critical": `indicator` at an order, `running_indicator` for a running
        course), unless a pacemaker in use softens it to its paced warning. The one rule for
        both hooks (review s26 RN finding 3: patient-view called an unpaced complete heart
        block a warning beside a running tricyclic while order-select called it critical)."""
        return indicator == "critical" and not self.softens(if_paced)

    def words(self, if_paced: str) -> str:
        """The clause a row with an `if_paced` note adds after the finding it names: "; pacemaker:
        <named>" when it softens the row, "; pacemaker status not recorded (<named>): read as
        not pacing until confirmed" for a Device with no status; "" otherwise."""
        if not if_paced:
            return ""
        if self.paced is not None:
            return f"; pacemaker: {named(self.paced)}"
        if self.unrecorded is not None:
            return (
                f"; pacemaker status not recorded ({named(self.unrecorded)}): read as not pacing"
                " until confirmed"
            )
        return ""


NOT_PACED = Pacing(None, None)


def reading(ctx: RuleContext) -> Pacing:
    """The record's pacing: the pacemaker in use, else a pacemaker Device whose status is not
    recorded (it does not count as pacing, the row stays as it is, but the card names it so the
    prescriber can confirm)."""
    paced = pacemaker(ctx)
    return Pacing(paced, None if paced is not None else _latest(ctx, _UNRECORDED))
