"""The medical contributors on the diagnosis review card (`medical_items`: an abnormal TSH, or a
low one liothyronine explains, hypothyroidism, low B12, folate or vitamin D, untreated sleep
apnea), each test's latest result (`_latest_labs`), and whether a TSH is missing once TRD is met
(`tsh_missing`). Lab flags are each lab's own reference interval.

Apart from diagnosis_review.py because these lines read labs and are asked only after an adequate
failed trial (CANMAT 2023 para 184), the psychiatric ones (diagnosis_psychiatric.py) whenever the
pathway applies. `_latest_labs` keeps its name (tests call it through diagnosis_review, which
re-exports it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from fhir_mapping.record import FindingKind, LabResult, ProcedureKind
from services import contributor_timing
from services.pathway import OPEN_REQUEST_STATUSES
from services.rules import adjunct_harm
from services.rules.context import RuleContext
from services.rules.diagnosis_item import Item, _finding_ref

ABNORMAL = frozenset({"low", "high"})


def _lab_ref(lab: LabResult) -> str:
    value = "no value" if lab.value is None else f"{lab.value:g} {lab.unit or ''}".strip()
    return f"{value}, {lab.flag or 'unflagged'}, {lab.date.isoformat()}"


def _latest_labs(ctx: RuleContext) -> dict[str, LabResult]:
    """Each test's latest result (`context.latest_lab`, the first of the latest date), in one
    pass over the labs for the five tests the card reads."""
    latest: dict[str, LabResult] = {}
    for lab in ctx.record.context.labs:
        seen = latest.get(lab.test)
        if seen is None or lab.date > seen.date:
            latest[lab.test] = lab
    return latest


def _low(
    ctx: RuleContext,
    kind: FindingKind,
    test: str,
    label: str,
    labs: dict[str, LabResult] | None = None,
) -> Item | None:
    """`labs`: `_latest_labs(ctx)` when the caller has read them already."""
    findings = ctx.facts.findings_of(kind)
    lab = (_latest_labs(ctx) if labs is None else labs).get(test)
    if findings:
        return Item(f"{label} deficiency", f"**{label} deficiency:** {_finding_ref(findings[0])}.")
    if lab is not None and lab.flag == "low":
        return Item(f"low {label}", f"**Low {label}:** {_lab_ref(lab)}.")
    return None


def medical_items(ctx: RuleContext, labs: dict[str, LabResult] | None = None) -> list[Item]:
    """`labs`: `_latest_labs(ctx)` when the caller has read them already."""
    record, facts = ctx.record, ctx.facts
    if labs is None:
        labs = _latest_labs(ctx)
    items: list[Item] = []
    hypothyroid = facts.findings_of(FindingKind.HYPOTHYROIDISM)
    tsh = labs.get("tsh")
    taking = adjunct_harm.explains_low_tsh(ctx, tsh) if tsh is not None else None
    if tsh is not None and taking is not None:
        # A low TSH taken on liothyronine is the drug's effect, not a thyroid cause of the
        # depression (review 13 U2): said as such, an information line that
        # never asks to confirm the diagnosis; the adverse-effect card says what to do.
        value = "" if tsh.value is None else f" {tsh.value:g}"
        items.append(
            Item(
                f"TSH low{value} on {taking.ingredient}",
                f"**TSH low on {taking.ingredient}:** {_lab_ref(tsh)}, taken on {taking.ingredient}"
                f" (since {taking.start.isoformat()}): the drug's effect, not a reason to doubt the "
                "diagnosis (adverse-effect card).",
                info=True,
            )
        )
    elif tsh is not None and tsh.flag in ABNORMAL:
        value = "" if tsh.value is None else f" {tsh.value:g}"
        items.append(Item(f"TSH {tsh.flag}{value}", f"**Abnormal TSH:** {_lab_ref(tsh)}."))
    elif hypothyroid:
        items.append(
            Item(
                "hypothyroidism",
                f"**Hypothyroidism on record:** {_finding_ref(hypothyroid[0])}; check it is "
                "treated.",
            )
        )
    for kind, test, label in (
        (FindingKind.B12_DEFICIENCY, "b12", "B12"),
        (FindingKind.FOLATE_DEFICIENCY, "folate", "folate"),
        (FindingKind.VITAMIN_D_DEFICIENCY, "vitamin-d", "vitamin D"),
    ):
        item = _low(ctx, kind, test, label, labs)
        timing = contributor_timing.timing(test)  # low vitamin D: alongside (review 15 h02)
        if item is not None and timing.alongside:
            item = replace(
                item, text=f"{item.text[:-1]}: {timing.why}.", alongside=True, minor=True
            )
        if item is not None:
            items.append(item)
    apnea = facts.findings_of(FindingKind.SLEEP_APNEA)
    # Treatment is looked for only when there is apnea to treat (a chart's procedures are many).
    if apnea and not (
        facts.findings_of(FindingKind.SLEEP_APNEA_TREATED)
        or any(p.kind is ProcedureKind.CPAP for p in record.procedures)
    ):
        items.append(
            Item(
                "untreated sleep apnea",
                f"**Sleep apnea without treatment on record:** {_finding_ref(apnea[0])}. It can "
                "drive residual fatigue, insomnia and low motivation (CANMAT 2023 para 181).",
            )
        )
    return items


def tsh_missing(ctx: RuleContext, labs: dict[str, LabResult] | None = None) -> bool:
    """TRD met, no TSH within the look-back and no TSH order already open. `labs`:
    `_latest_labs(ctx)` when the caller has read them already."""
    if not ctx.facts.meets_trd or ctx.facts.other_disorder_only:
        # No depression diagnosed, courses for another condition (review 16 W2): "after 2
        # adequate trials failed" would call them depression trials.
        return False
    since = ctx.record.as_of - timedelta(days=ctx.policy.tsh_lookback_days)
    tsh = (_latest_labs(ctx) if labs is None else labs).get("tsh")
    if tsh is not None and tsh.date >= since:
        return False
    return not any(
        r.kind == "lab:tsh" and r.status in OPEN_REQUEST_STATUSES for r in ctx.record.referrals
    )
