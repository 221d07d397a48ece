"""Above the drug's usual maximum: the one rule a drafted dose (order_checks/doses.py) and a
running course (rules/running_range_dose.py) are judged by (review s24 RA finding 5).

The ceiling is the drug table's `max_mg_day` (fhir_mapping/data/antidepressants.csv and the
augmentation table: CANMAT 2023 Table 3.3 ranges from product monographs for most, the row's
`dose_source` for the others), never a literal here: a table that allows more (phenelzine 90,
moclobemide 450) is the one read. A release formulation whose label sets a ceiling of its own
(bupropion SR 400: formulation_ceilings) is judged by its own card (order_checks/
formulation_doses.py, rules/running_formulation_dose.py), not here.

A dose above the range but within the clinic market's label maximum where that label allows more
(fluoxetine 80 mg/day: Prozac US label 2.1 up to 80, CANMAT 60; data/label_maximums.csv) is
still above the usual maximum, but not above what the label allows: `within_label` names that
label, and both cards say it as information ("above CANMAT's usual range (up to 60 mg/day),
within the US label's maximum of 80 mg/day"), never as a dose to lower (s25 FA item 1: the same
80 mg/day read as a dose over the maximum, a warning that holds the optimise card). Above the
label too, the warning stands. The ceiling a raise is proposed to stays the range's (the lower,
the safer: label_maximums.binding).

An antimanic agent with bipolar disorder or psychotic features on record (data/
mood_stabilisers.csv: quetiapine 150-300 mg/day for depression) is not judged against its
depression range: its antimanic or antipsychotic doses are higher (`treats_mania_or_psychosis`).
"""

from __future__ import annotations

from fhir_mapping.record import Role
from services import cards, drugs, label_maximums, tables
from services.dose_units import per_day
from services.label_maximums import LabelMaximum
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


def within_label(
    ctx: RuleContext, ingredient: str, max_mg: float | None, upper: float | None
) -> LabelMaximum | None:
    """The clinic market's label maximum that allows a dose `above` the range (module
    docstring): `upper` at or below it; None when the dose is not above the range, or no label
    of the market allows it (label_maximums.allowing)."""
    if not above(ctx, ingredient, max_mg, upper):
        return None
    assert upper is not None  # above
    label = label_maximums.allowing(ingredient, max_mg, ctx.policy.drug_market)
    return label if label is not None and upper <= label.max_mg else None


def beyond_label_line(
    ctx: RuleContext, ingredient: str, max_mg: float | None, *, may: bool = False
) -> str:
    """ "It is above the US label's maximum of 80 mg/day (Prozac US label 2.1, MDD) too." for a
    dose above the range whose market's label allows more, but not that much (fluoxetine 100
    mg/day); "" where no label of the market allows more than the range. `may`: a dose to
    confirm ("It may be above ...")."""
    label = label_maximums.allowing(ingredient, max_mg, ctx.policy.drug_market)
    verb = "may be" if may else "is"
    return "" if label is None else f"It {verb} above {label.maximum()} too."


def within_label_words(ingredient: str, role: Role, label: LabelMaximum, top: float) -> str:
    """ "above CANMAT's usual range (up to 60 mg/day), within the US label's maximum of 80
    mg/day": how a dose `within_label` is said, on every card that says it (the range named by
    its row's cite: drugs.dose_cite)."""
    cite = drugs.dose_cite(ingredient, role)
    whose = "CANMAT's" if cite is not None and cite.startswith("CANMAT") else "the"
    return (
        f"above {whose} usual range (up to {cards.fmt_mg(top)} mg/day), within "
        f"{label.maximum(cite=False)}"
    )


def range_cite(ingredient: str, role: Role, low: float | None, top: float | None) -> str:
    """ "CANMAT 2023 Table 3.3 range (50-200 mg/day, from product monographs)"; a drug CANMAT
    2023 does not list (gepirone, zuranolone: review 10 finding 2) has its label's range
    ("labelled range (18.2-72.6 mg/day, EXXUA label)"), and a drug with no minimum adequate dose
    (zuranolone's fixed course) only its maximum. The cite is the row's own (drugs.dose_cite)."""
    shown = cards.fmt_mg(top)
    span = f"{cards.fmt_mg(low)}-{shown}" if low is not None else f"up to {shown}"
    unit = per_day(ingredient)  # "mg/24 h" for the selegiline patch, as its dose is written
    cite = drugs.dose_cite(ingredient, role)
    if cite is None or drugs.is_label_cite(cite):
        return f"labelled range ({span} {unit}{f', {cite}' if cite else ''})"
    # CANMAT 2023 Table 3.3's ranges are those of the product monographs (its note).
    note = ", from product monographs" if cite.startswith("CANMAT") else ""
    return f"{cite} range ({span} {unit}{note})"


def maximum(ingredient: str, top: float | None) -> str:
    """ "200 mg/day", "12 mg/24 h": a usual maximum in the unit the drug's dose is written in
    (dose_units.per_day; dose62, review K58a finding 4: "Selegiline 24 mg/24 h is above the usual
    maximum of 12 mg/day", two units for one dose)."""
    return f"{cards.fmt_mg(top)} {per_day(ingredient)}"
