"""A draft whose dose was not read, of a unit already above the older-adult limit (review s25
RO finding 3).

"Citalopram 40 MG tablet, take as directed" at age 70 got only "dose not read, so the dose checks
were not done", although one 40 mg tablet is already above the labelled 20 mg/day maximum from
age 60. Whatever the directions, a whole-unit dose is at least one unit (DraftOrder.unit_mg), so
the age limit is checked against one unit: above it, the age-limit card (warning) says so, and
the "Dose not read" line of the draft goes on it (doses.carry_not_checked). A scored tablet may be
halved; the card asks for the dose to be written, it does not claim the patient takes the whole
unit.
"""

from __future__ import annotations

from fhir_mapping.record import DoseBasis, DraftOrder
from services import age_limits, cards
from services.order_checks.labs import qtc_line
from services.order_checks.model import AGE_LIMIT, OrderCheck
from services.rules.context import RuleContext


def unit_above_age(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """The age-limit finding of a daily draft with no dose read whose one unit is above the
    limit, or None."""
    unit = draft.unit_mg
    if draft.dose_basis is not DoseBasis.DAILY or draft.mg_per_day_upper is not None or not unit:
        return None
    age = ctx.record.patient.age
    limit = age_limits.exceeded(draft.ingredient, age, unit, draft.formulation)
    if limit is None:
        return None
    name, one, top = draft.ingredient.capitalize(), cards.fmt_mg(unit), cards.fmt_mg(limit.max_mg)
    detail = (
        f"The daily dose of {draft.ingredient} could not be read from the order, but one "
        f"{one} mg unit alone is above the {limit.words()} from age {limit.min_age}, {top} "
        f"mg/day, for a patient aged {age}. {age_limits.label(limit)} Write the dose on the "
        f"order: {top} mg/day or less, or another antidepressant."
    )
    return age_limit_card(
        ctx,
        draft,
        cards.fit_summary(
            f"{name} {one} mg unit, dose not read, at age {age}: one unit is above the "
            f"{limit.labelled(top)} from age {limit.min_age}",
            f"{name} {one} mg unit at age {age}: one unit is above the {top} mg/day "
            f"{limit.short()}",
        ),
        detail,
    )


def age_limit_card(ctx: RuleContext, draft: DraftOrder, summary: str, detail: str) -> OrderCheck:
    """The age-limit finding of `draft`, with this order's QTc card named in one line, as the
    patient-view age-limit card names it (services/rules/age_dose_limit.py): the age limit and
    the QTc are one QT risk."""
    qtc = qtc_line(ctx, draft.ingredient, draft.drug_class)
    if qtc is not None:
        detail = cards.join_sections(detail, f"**QTc card:** {qtc}.")
    return OrderCheck(AGE_LIMIT, draft, summary, detail)


def unit_said(draft: DraftOrder, age: int | None) -> bool:
    """Whether one unit of `draft` is above its age limit: the age-limit card says it, so the
    age check counts as done."""
    return age_limits.exceeded(draft.ingredient, age, draft.unit_mg, draft.formulation) is not None
