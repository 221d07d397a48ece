"""A draft under 18 above the dose its label gives for pediatric depression (review s27 RC
finding 4): fluoxetine 60 mg/day drafted at 9 to 17 got no dose line, since 60 is within the adult
range (CANMAT 2023 Table 3.3), while the Prozac label gives 10-20 mg/day in pediatric depression
(services/pediatric_doses.py). The age-limit card (a warning), as an older adult's labelled
maximum gets; above the adult maximum too (escitalopram 40 mg/day at 13), the two are one card
(age_fold.py).
"""

from __future__ import annotations

import dataclasses

from fhir_mapping.record import DoseBasis, DraftOrder
from services import cards, pediatric_doses
from services.order_checks.age_unit import age_limit_card
from services.order_checks.model import OrderCheck
from services.order_doses import draft_dose
from services.pathway_options import unverified_mark
from services.rules import populations
from services.rules.context import RuleContext


def pediatric_dose_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """The age-limit finding of a daily draft whose upper end is above its pediatric row's top,
    or None (an adult, no row for the drug at this age, no dose read)."""
    if draft.dose_basis is not DoseBasis.DAILY:
        return None
    years = populations.age(ctx)  # a birth year only: the youngest it allows (the safer side)
    row = pediatric_doses.exceeded(draft.ingredient, years, draft.mg_per_day_upper)
    if row is None:
        return None
    card = age_limit_card(ctx, draft, summary_of(draft, row, years), detail_of(draft, row, years))
    # The label is the card's source, not the topic's guideline (the FDA citalopram letter).
    return dataclasses.replace(card, basis=(row.cite,))


def summary_of(draft: DraftOrder, row: pediatric_doses.PediatricDose, years: int | None) -> str:
    name, mg, top = draft.ingredient.capitalize(), draft_dose(draft), cards.fmt_mg(row.max_mg)
    return cards.fit_summary(
        f"{name} {mg} at age {years}: above the {top} mg/day its label gives for depression "
        f"under {row.below_age} ({row.cite})",
        f"{name} {mg} at age {years}: above the {top} mg/day pediatric dose ({row.cite})",
        f"{name} {mg} at age {years}: above the {top} mg/day pediatric dose",
    )


def detail_of(draft: DraftOrder, row: pediatric_doses.PediatricDose, years: int | None) -> str:
    top = cards.fmt_mg(row.max_mg)
    return (
        f"{draft.ingredient} {draft_dose(draft)} for a patient aged {years}: {row.cite} gives "
        f"{row.dose_words} for depression in children and adolescents. Adult doses are not "
        f"the pediatric dose: consider {top} mg/day or less, decided with child and adolescent "
        f"psychiatry. (Source: {row.cite}{unverified_mark(row.status)}.)"
    )
