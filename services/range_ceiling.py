"""Above the drug's usual maximum: the one rule a drafted dose (order_checks/doses.py) and a
running course (rules/running_range_dose.py) are judged by (review s24 RA finding 5).

The ceiling is the drug table's `max_mg_day` (fhir_mapping/data/antidepressants.csv and the
augmentation table: CANMAT 2023 Table 3.3 ranges from product monographs for most, the row's
`dose_source` for the others), never a literal here: a table that allows more (phenelzine 90,
moclobemide 450) is the one read. A release formulation whose label sets a ceiling of its own
(bupropion SR 400: formulation_ceilings) is judged by its own card (order_checks/
formulation_doses.py, rules/running_formulation_dose.py), not here.

An antimanic agent with bipolar disorder or psychotic features on record (data/
mood_stabilisers.csv: quetiapine 150-300 mg/day for depression) is not judged against its
depression range: its antimanic or antipsychotic doses are higher (`treats_mania_or_psychosis`).
"""

from __future__ import annotations

from fhir_mapping.record import Role
from services import cards, drugs, tables
from services.rules.context import RuleContext


def treats_mania_or_psychosis(ctx: RuleContext, ingredient: str) -> bool:
    """An antimanic agent (data/mood_stabilisers.csv) with bipolar disorder or psychotic features
    on record: its depression range is not its ceiling there."""
    return bool(ctx.facts.bipolar or ctx.facts.psychotic) and (
        ingredient.lower() in tables.mood_stabilisers()
    )


def above(ctx: RuleContext, ingredient: str, max_mg: float | None, upper: float | None) -> bool:
    """Whether a daily dose read at its upper end (`upper`: the patient may take that much) is
    above the drug's usual maximum (`max_mg`, the table's), the module docstring's exception
    aside."""
    if max_mg is None or upper is None or upper <= max_mg:
        return False
    return not treats_mania_or_psychosis(ctx, ingredient)


def range_cite(ingredient: str, role: Role, low: float | None, top: float | None) -> str:
    """ "CANMAT 2023 Table 3.3 range (50-200 mg/day, from product monographs)"; a drug CANMAT
    2023 does not list (gepirone, zuranolone: review 10 finding 2) has its label's range
    ("labelled range (18.2-72.6 mg/day, EXXUA label)"), and a drug with no minimum adequate dose
    (zuranolone's fixed course) only its maximum. The cite is the row's own (drugs.dose_cite)."""
    shown = cards.fmt_mg(top)
    span = f"{cards.fmt_mg(low)}-{shown}" if low is not None else f"up to {shown}"
    cite = drugs.dose_cite(ingredient, role)
    if cite is None or drugs.is_label_cite(cite):
        return f"labelled range ({span} mg/day{f', {cite}' if cite else ''})"
    # CANMAT 2023 Table 3.3's ranges are those of the product monographs (its note).
    note = ", from product monographs" if cite.startswith("CANMAT") else ""
    return f"{cite} range ({span} mg/day{note})"
