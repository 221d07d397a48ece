"""SIADH on record and an antidepressant that can lower sodium drafted (review 12 finding 7).

The low-sodium order check (order_checks/labs.py) speaks when the latest sodium is below the
sodium-low line of data/lab_safety.csv (< 130 mmol/L). A chart with SIADH coded (E22.2) and a
sodium of 131 got nothing when sertraline was drafted, although SIADH is the mechanism of the
labels' hyponatraemia warning: the diagnosis already says this patient retains water. So a coded
SIADH is enough for a warning at the order hooks, whatever the latest sodium (the safer reading:
a sodium just above the line in a patient with SIADH is not reassurance). The drugs are those of
the sodium-low rows (SSRIs, SNRIs, mirtazapine, tricyclics). When labs.py's card fires too (sodium
below the line), the SIADH is added to that card instead of making a second one.

Only at the order hooks: a running SSRI beside a coded SIADH with a normal sodium is a monitored
regimen, and the running low-sodium card (rules/running_sodium.py) reads the lab.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from fhir_mapping.record import DraftOrder, Finding, FindingKind, Role
from services import cards, lab_safety
from services.card_format import record_cite
from services.order_checks.labs import SODIUM
from services.order_checks.model import OrderCheck
from services.rules.context import RuleContext


def siadh_check(
    ctx: RuleContext, draft: DraftOrder, by_topic: dict[str, list[OrderCheck]]
) -> OrderCheck | None:
    """The SIADH warning of a draft, or None; when labs.py already has a low-sodium finding for
    this draft, that finding (in `by_topic`) names the SIADH and None is returned."""
    if draft.role is not Role.ANTIDEPRESSANT:
        return None
    rule = lab_safety.rule_for("sodium-low", draft.ingredient, draft.drug_class)
    if rule is None:
        return None
    siadh = ctx.facts.findings_of(FindingKind.SIADH)
    if not siadh:
        return None
    finding = max(siadh, key=lambda f: f.onset or date.min)  # the latest coded
    coded = _coded(finding)
    existing = by_topic.get(SODIUM, [])
    for i, check in enumerate(existing):
        if check.draft is draft:
            existing[i] = dataclasses.replace(
                check, detail=f"{check.detail} {coded} is on record: the likely cause to review."
            )
            return None
    lab = lab_safety.latest(ctx.record, "sodium")
    name = draft.ingredient.capitalize()
    sodium = f"latest sodium {lab_safety.text(lab)}" if lab is not None else "no sodium on record"
    summary = cards.fit_summary(
        f"{name} ordered with SIADH on record ({sodium}): it can lower sodium further",
        f"{name} ordered with SIADH on record: it can lower sodium",
    )
    flag = ", UNVERIFIED" if rule.status == "UNVERIFIED" else ""
    detail = (
        f"{coded} is on record; {sodium}. {name} can cause hyponatraemia through SIADH "
        f"({rule.effect_cite}{flag}); with SIADH already diagnosed, a sodium above "
        f"{rule.bounds()} is no reassurance. Check sodium before starting and within the first "
        "weeks, or prefer an antidepressant less associated with hyponatraemia."
    )
    return OrderCheck(SODIUM, draft, summary, detail)


def _coded(finding: Finding) -> str:
    """ "SIADH (ICD-10-CM E22.2, since 2024-03-01)"; the Condition's id only when undated
    (cards.record_cite)."""
    # Every system by its short name (data/code_systems.csv): a SNOMED-coded SIADH printed a bare
    # code, an ICD-10 one only matched by a substring of its URI.
    parts = [finding.coding]
    if finding.onset is not None:
        parts.append(finding.onset_phrase or "")
    parts.append(record_cite(finding.source, finding.onset is not None, "{}"))
    return f"SIADH ({', '.join(p for p in parts if p)})"
