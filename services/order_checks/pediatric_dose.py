"""A draft under 18 above the dose its label gives for pediatric depression (review s27 RC
finding 4): fluoxetine 60 mg/day drafted at 9 to 17 got no dose line, since 60 is within the adult
range (CANMAT 2023 Table 3.3), while the Prozac label gives 10-20 mg/day in pediatric depression
(services/pediatric_doses.py). The age-limit card (a warning), as an older adult's labelled
maximum gets; above the adult maximum too (escitalopram 40 mg/day at 13), the two are one card
(age_fold.py). Up to the top dose trials in the age group used (fluoxetine 40 mg/day, TADS 2004,
ages 12-17) it is information (review s27 RQ2 finding 1: a raise to 40 mg/day at 17 read as a
warning while the patient-view card proposed raising within the adult 20-60 mg/day): the
adolescent evidence reaches that dose, the label's does not.
"""

from __future__ import annotations

import dataclasses

from fhir_mapping.record import DoseBasis, DraftOrder
from services import cards, pediatric_doses
from services.order_checks.age_unit import age_limit_card
from services.order_checks.model import OrderCheck
from services.order_doses import draft_dose
from services.pathway_options import unverified_mark
from services.recommendation import Indicator
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
    if pediatric_doses.within_trials(row, draft.mg_per_day_upper, years):
        card = age_limit_card(
            ctx, draft, _trials_summary(draft, row, years), _trials_detail(draft, row, years)
        )
        return dataclasses.replace(card, basis=(row.cite, row.trial_cite), indicator=Indicator.INFO)
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


def compact_point(ctx: RuleContext, draft: DraftOrder, summary: str) -> str | None:
    """This draft's pediatric-dose finding in few words ("Escitalopram 30 mg/day at age 16: above
    the 20 mg/day label dose") when `summary` is that card's summary, for a summary that says a
    second finding beside it (order_boxed: a running drug not for use at the age; recheck K6 s28
    finding 4: both did not fit and the card's own point went to the detail). None otherwise."""
    if draft.dose_basis is not DoseBasis.DAILY:
        return None
    years = populations.age(ctx)
    row = pediatric_doses.exceeded(draft.ingredient, years, draft.mg_per_day_upper)
    if row is None:
        return None
    name, mg, top = draft.ingredient.capitalize(), draft_dose(draft), cards.fmt_mg(row.max_mg)
    point = f"{name} {mg} at age {years}: above the {top} mg/day"
    return f"{point} label dose" if summary.startswith(point) else None


def _trials_summary(
    draft: DraftOrder, row: pediatric_doses.PediatricDose, years: int | None
) -> str:
    name, mg, top = draft.ingredient.capitalize(), draft_dose(draft), cards.fmt_mg(row.max_mg)
    return cards.fit_summary(
        f"{name} {mg} at age {years}: above the {top} mg/day its label gives for depression "
        f"under {row.below_age}; {pediatric_doses.trials_words(row)}",
        f"{name} {mg} at age {years}: above the {top} mg/day label dose under {row.below_age}; "
        f"trials used up to {cards.fmt_mg(row.trial_max_mg)} mg/day ({row.trial_cite})",
        f"{name} {mg} at age {years}: above the {top} mg/day pediatric label dose",
    )


def _trials_detail(draft: DraftOrder, row: pediatric_doses.PediatricDose, years: int | None) -> str:
    return (
        f"{draft.ingredient} {draft_dose(draft)} for a patient aged {years}: {row.cite} gives "
        f"{row.dose_words} for depression in children and adolescents; "
        f"{pediatric_doses.trials_words(row)}. Above the label's dose, within the trials': decide "
        f"with child and adolescent psychiatry. (Source: {row.cite}"
        f"{unverified_mark(row.status)}; {row.trial_cite}.)"
    )


def detail_of(draft: DraftOrder, row: pediatric_doses.PediatricDose, years: int | None) -> str:
    top = cards.fmt_mg(row.max_mg)
    return (
        f"{draft.ingredient} {draft_dose(draft)} for a patient aged {years}: {row.cite} gives "
        f"{row.dose_words} for depression in children and adolescents. Adult doses are not "
        f"the pediatric dose: consider {top} mg/day or less, decided with child and adolescent "
        f"psychiatry. (Source: {row.cite}{unverified_mark(row.status)}.)"
    )
