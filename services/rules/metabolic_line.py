"""patient-view: a proposal of a high metabolic-risk antipsychotic (olanzapine, quetiapine) names
diabetes on record (review K73a finding 7).

The order check warns when such a drug is drafted beside diabetes or a diabetic HbA1c
(order_checks/metabolic.py); a card that proposes the same drug without a word contradicts it.
The proposal stays one click: the order check's warning asks to monitor and weigh, not to
withhold (ADA/APA 2004 consensus), and on the psychotic-depression card olanzapine with an
antidepressant is the regimen with the most evidence (STOP-PD), where a text-only order would
slow the treatment of a severe illness for a risk that is managed by monitoring. The card says
the risk with the diabetes and its date, and the HbA1c, before the prescriber accepts it
(data/antipsychotic_metabolic_risk.csv `if_proposed`).
"""

from __future__ import annotations

from collections.abc import Sequence

from services import cards, screen
from services.adjunct_monitoring import antipsychotic_monitoring
from services.order_checks import metabolic
from services.pathway_options import unverified_mark
from services.recommendation import Recommendation, Suggestion
from services.rules.context import RuleContext


def _proposed(suggestion: Suggestion) -> set[str]:
    """The ingredients of the metabolic table a suggestion orders (by the order's drug text)."""
    found: set[str] = set()
    for action in suggestion.actions:
        resource = action.resource
        if resource is None or resource.get("resourceType") != "MedicationRequest":
            continue
        concept = resource.get("medicationCodeableConcept")
        if not isinstance(concept, dict):
            continue
        words = [concept.get("text")] + [
            c.get("display") for c in concept.get("coding") or () if isinstance(c, dict)
        ]
        text = " ".join(w.lower() for w in words if isinstance(w, str))
        found.update(i for i in metabolic.rows() if i in text)
    return found


def name_diabetes(ctx: RuleContext, recs: Sequence[Recommendation]) -> list[Recommendation]:
    """`recs` with a line on each card that proposes a high metabolic-risk antipsychotic as one
    click while diabetes or a diabetic HbA1c is on record."""
    out: list[Recommendation] = []
    for rec in recs:
        drugs = sorted({i for s in rec.suggestions for i in _proposed(s)})
        lines = []
        for ingredient in drugs:
            row = metabolic.rows()[ingredient]
            found = metabolic.on_record(ctx, row)
            if found is None:
                continue
            monitor = antipsychotic_monitoring()
            lines.append(
                f"{found.head}: {ingredient}: {row.note} ({row.cite}"
                f"{unverified_mark(row.status)}). {row.if_proposed[:1].upper()}"
                f"{row.if_proposed[1:]}." + (f" If it is used, {monitor}." if monitor else "")
            )
        if not lines:
            out.append(rec)
            continue
        out.append(
            screen.with_fields(rec, detail=cards.join_sections("\n".join(lines), rec.detail))
        )
    return out
