"""The diagnosis review's line for a low B12, folate or vitamin D, or a deficiency coded and
corrected since (`_low`), and whether a lab order is open (`_ordered`). Apart from
diagnosis_medical.py, which was at the 400-line limit (labs71 finding 5: the summary's "low B12"
now carries its value and date, as the TSH's "TSH high 12" does).
"""

from __future__ import annotations

from collections.abc import Callable

from fhir_mapping.labs import LAB_NAMES
from fhir_mapping.record import Finding, FindingKind, LabResult
from services import low_lab_actions
from services.pathway import OPEN_REQUEST_STATUSES
from services.rules.context import RuleContext
from services.rules.diagnosis_item import Item, _finding_ref, lab_number, status_note


def _low(
    ctx: RuleContext,
    kind: FindingKind,
    test: str,
    label: str,
    labs: dict[str, LabResult],
    lab_ref: Callable[[LabResult], str],
    stale: Callable[[LabResult], bool] | None = None,
) -> Item | None:
    """`labs`: each test's latest result (diagnosis_medical._latest_labs); `lab_ref`: how a lab
    is named (with its age when old); `stale`: whether a result is older than the card's
    look-back."""
    findings = ctx.facts.findings_of(kind)
    lab = labs.get(test)
    if findings:
        if lab is not None and _corrected_since(findings, lab):
            return _corrected(ctx, findings[0], lab, test, label, lab_ref, stale)
        return Item(f"{label} deficiency", f"**{label} deficiency:** {_finding_ref(findings[0])}.")
    if lab is not None and lab.flag == "low":
        if stale is not None and stale(lab):
            # Older than the card's lab look-back, none since (review 17 M6: a folate of 2022
            # held the adjuncts): a repeat is what it calls for, not a hold on escalation for a
            # value that may long be corrected.
            # "Order folate" with it (review 17 second recheck M7), unless one is open already.
            value = "" if lab.value is None else f" {lab_number(lab)}{status_note(lab)}"
            return Item(
                f"low {label}{value} on {lab.date.isoformat()}: repeat",
                f"**Low {label}, not rechecked:** {lab_ref(lab)}; no {label} since: repeat it.",
                alongside=True,
                order="" if _ordered(ctx, test) else test,
            )
        # A recent low result asks for treatment and a look for the cause (review 18a M2), not
        # a repeat order: the lab is done.
        todo = low_lab_actions.action(test)
        # With its value and date, as the TSH's "TSH high 12" (labs71 finding 5: "low B12" alone).
        value = "" if lab.value is None else f" {lab_number(lab)}{status_note(lab)}"
        # The steps it holds on other cards keep the short words ("review low B12 first"):
        # their summaries have no room for a date beside the item 9 and trial counts they carry.
        return Item(
            f"low {label}{value} on {lab.date.isoformat()}",
            f"**Low {label}:** {lab_ref(lab)}" + (f": {todo}." if todo else "."),
            held=f"low {label}",
        )
    return None


# The flags of a result that is not low: a deficiency it follows is corrected (a high B12 or
# vitamin D on replacement is no deficiency either).
_NOT_LOW = frozenset({"normal", "high"})


def _corrected_since(findings: tuple[Finding, ...], lab: LabResult) -> bool:
    """The latest result is flagged not low and dated after every coded deficiency's onset (its
    last possible day when partial: `onset_latest`). An onset not on record cannot be placed
    before the result: the coded deficiency then stands (the safer reading)."""
    if lab.flag not in _NOT_LOW:
        return False
    onsets = [f.onset_latest for f in findings]
    return all(day is not None and day < lab.date for day in onsets)


def _corrected(
    ctx: RuleContext,
    finding: Finding,
    lab: LabResult,
    test: str,
    label: str,
    lab_ref: Callable[[LabResult], str],
    stale: Callable[[LabResult], bool] | None,
) -> Item:
    """A deficiency coded and a later result not low (review s22 RX finding 4: an E53.8 of May
    with a B12 of 520 pg/mL, normal, in October held the adjuncts and TMS as "B12 deficiency").
    The code stays on the problem list after treatment corrects it; the lab is the newer fact,
    so the line names both and holds nothing: an information line. A normal result older than
    the card's look-back asks for a repeat alongside escalation (the deficiency may have come
    back since), with the order, as an old low result does."""
    name = LAB_NAMES.get(test, label)
    head = f"**{label} deficiency on record, {name} normal since:** {_finding_ref(finding)}"
    if stale is not None and stale(lab):
        return Item(
            f"{label} deficiency on record, last {name} {lab.date.isoformat()} normal: repeat",
            f"{head}; latest {name} {lab_ref(lab)}.",  # lab_ref: "(3 years ago: repeat)"
            alongside=True,
            minor=True,
            order="" if _ordered(ctx, test) else test,
        )
    return Item(
        "",
        f"{head}; latest {name} {lab_ref(lab)}, after it: corrected, not a reason to hold "
        "escalation.",
        info=True,
    )


def _ordered(ctx: RuleContext, test: str) -> bool:
    """A lab order for `test` open on record (fhir_mapping/referrals.py kind "lab:<test>")."""
    kind = f"lab:{test}"
    return any(r.kind == kind and r.status in OPEN_REQUEST_STATUSES for r in ctx.record.referrals)
