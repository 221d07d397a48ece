"""A high metabolic-risk antipsychotic drafted beside diabetes or a diabetic HbA1c (review 16 W8).

Quetiapine or olanzapine drafted (as an adjunct, or quetiapine as monotherapy: either role) with
diabetes coded (FindingKind.DIABETES: E10.x, E11.x) or a latest HbA1c at or above the row's line
(data/antipsychotic_metabolic_risk.csv: 6.5 %, the ADA diagnostic threshold) is a warning: the
ADA/APA consensus (Diabetes Care 2004) places them among the antipsychotics that raise weight,
glucose and lipids the most, and a patient whose glucose is already high has the most to lose.
The card names the diagnosis, the HbA1c with its date (or that none is on record), what the drug
does, a lower-risk choice, and the consensus monitoring (data/augmentation_monitoring.csv: weight,
blood pressure, glucose and lipids at baseline and week 12) if it is used.

Filed under the drug-disease topic (order_checks/drug_disease.py): one card a draft for the
conditions its drug weighs against. Only at the order hooks: a running antipsychotic's chart-open
line names a coded diabetes and its last HbA1c already (services/lab_safety.metabolic_text).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from fhir_mapping.record import DraftOrder, Finding, FindingKind, LabResult
from services import cards, lab_safety
from services.adjunct_monitoring import antipsychotic_monitoring
from services.order_checks.drug_disease import TOPIC, named
from services.order_checks.model import OrderCheck
from services.pathway_options import unverified_mark
from services.rules.context import RuleContext


@dataclass(frozen=True, slots=True)
class MetabolicRisk:
    """One row of data/antipsychotic_metabolic_risk.csv."""

    ingredient: str
    hba1c_at_or_above: float  # % (NGSP): at or above it the glucose is diabetic
    note: str  # what the drug does to weight, glucose and lipids
    short: str  # the few words the summary prints
    action: str  # what to prefer, and what to do if it is used
    cite: str
    source: str  # the long provenance: stays in the table
    status: str
    # What a card proposing the drug says beside diabetes (rules/metabolic_line.py).
    if_proposed: str = ""


@cache
def rows() -> dict[str, MetabolicRisk]:
    text = resources.files("services").joinpath("data/antipsychotic_metabolic_risk.csv")
    return {
        row["ingredient"].lower(): MetabolicRisk(
            ingredient=row["ingredient"].lower(),
            hba1c_at_or_above=float(row["hba1c_at_or_above"]),
            note=row["note"],
            short=row["short"],
            action=row["action"],
            cite=row["cite"],
            source=row["source"],
            status=row["status"],
            if_proposed=(row.get("if_proposed") or "").strip(),
        )
        for row in csv.DictReader(text.read_text("utf-8").splitlines())
    }


def _diabetic_hba1c(lab: LabResult | None, row: MetabolicRisk) -> bool:
    """The HbA1c is at or above the row's line, in % (a value in another unit is not compared)."""
    if lab is None:
        return False
    value = lab_safety.value(lab)
    return value is not None and value >= row.hba1c_at_or_above


@dataclass(frozen=True, slots=True)
class OnRecord:
    """What makes a high metabolic-risk antipsychotic a concern for this patient."""

    head: str  # "**Diabetes on record** (ICD-10-CM E11.9, since 2024-01-10); HbA1c 8.1 % ..."
    short_what: str  # "diabetes (E11.9)", "a diabetic HbA1c"
    a1c_short: str  # ", HbA1c 8.1 % (2026-10-01)" when the HbA1c is at or above the line


def on_record(ctx: RuleContext, row: MetabolicRisk) -> OnRecord | None:
    """Diabetes coded or a latest HbA1c at or above the row's line, as the cards name it; None
    when neither. Read by the order check below and by the proposal's line on the optimise and
    psychotic-depression cards (rules/metabolic_line.py; review K73a finding 7)."""
    found = ctx.facts.findings_of(FindingKind.DIABETES)
    diabetes: Finding | None = max(found, key=lambda f: f.onset or date.min) if found else None
    a1c = lab_safety.latest(ctx.record, "hba1c")
    high = _diabetic_hba1c(a1c, row)
    if diabetes is None and not high:
        return None
    a1c_words = (
        f"HbA1c {lab_safety.text(a1c)}"
        if a1c is not None
        else lab_safety.absent_text(ctx.record, "HbA1c")
    )
    if diabetes is not None:
        head = f"**Diabetes on record** ({named(diabetes)}); {a1c_words}"
        short_what = f"diabetes ({diabetes.code})" if diabetes.code else "diabetes"
    else:
        head = (
            f"**HbA1c at or above {cards.fmt_mg(row.hba1c_at_or_above)} %** "
            f"({a1c_words}; no diabetes coded)"
        )
        short_what = "a diabetic HbA1c"
    a1c_short = (
        f", HbA1c {cards.fmt_mg(a1c.value)} % ({a1c.date.isoformat()})"
        if a1c is not None and a1c.value is not None and high
        else ""
    )
    return OnRecord(head, short_what, a1c_short)


def metabolic_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """The warning of a high metabolic-risk antipsychotic drafted with diabetes coded or a latest
    HbA1c at or above the line, or None."""
    row = rows().get(draft.ingredient.lower())
    if row is None:
        return None
    found = on_record(ctx, row)
    if found is None:
        return None
    name = draft.ingredient.capitalize()
    head, short_what, a1c_short = found.head, found.short_what, found.a1c_short
    monitor = antipsychotic_monitoring()
    line = (
        f"- {head}: {name}: {row.note} ({row.cite}{unverified_mark(row.status)}). "
        f"{row.action[0].upper()}{row.action[1:]}."
        + (f" If it is used, {monitor}." if monitor else "")
    )
    summary = cards.fit_summary(
        f"{name} ordered with {short_what}{a1c_short} on record: {row.short}",
        f"{name} ordered with {short_what} on record: {row.short}",
        f"{name} ordered with {short_what} on record",
    )
    return OrderCheck(
        TOPIC,
        draft,
        summary,
        f"{name} and what is on record:\n\n{line}",
        basis=(row.cite,),
    )
