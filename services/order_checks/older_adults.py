"""The older-adult check of a drafted antidepressant (review 11 finding 1): a strongly
anticholinergic antidepressant (AGS Beers 2023: amitriptyline, imipramine, clomipramine, doxepin
above 6 mg/day, paroxetine, ...; data/older_adult_cautions.csv) drafted at or above the row's age
(65) gets a warning naming the age and the Beers line; falls on record (data/falls_codes.csv) are
named with the Beers falls line, and lead the summary: a fall is the harm these drugs add at that
age (sedation, orthostatic hypotension).

Warning, not critical, and not snoozable (a safety check of one order, like the label cautions):
Beers says "avoid", not "contraindicated", and a clinician may choose the drug knowingly; the card
comes back until accepted or overridden with a reason.
"""

from __future__ import annotations

from fhir_mapping.record import DoseBasis, DraftOrder
from services import cards, older_adult_cautions
from services.older_adult_cautions import OlderAdultCaution
from services.order_checks.model import OrderCheck
from services.order_doses import draft_dose
from services.rules.context import RuleContext

TOPIC = "order-older-adult-anticholinergic"


def beers_summary(ctx: RuleContext, draft: DraftOrder, cite: str, condition: str = "") -> str:
    """The Beers card's summary. `condition` ("angle-closure glaucoma"), when a drug-disease
    finding is coded (order_checks/drug_disease.py), leads it: it is the more specific danger of
    the same anticholinergic load than the age alone (review 13 W5 recheck), and a summary that
    names only the age reads as a routine older-adult caution."""
    name = draft.ingredient.capitalize()
    age = ctx.record.patient.age
    falls = older_adult_cautions.falls_on_record(ctx)
    words = older_adult_cautions.falls_words(falls)
    found = [w for w in (condition, words) if w]
    with_found = f" with {cards.and_list(found)} on record" if found else ""
    with_first = f" with {found[0]} on record" if found else ""
    return cards.fit_summary(
        f"{name} at {age}{with_found}: strongly anticholinergic, avoid in older adults ({cite})",
        f"{name} at {age}{with_found}: strongly anticholinergic ({cite})",
        f"{name} at {age}{with_first}: strongly anticholinergic ({cite})",
        f"{name} at {age}{with_first}: strongly anticholinergic",
    )


def beers_row(ctx: RuleContext, draft: DraftOrder) -> OlderAdultCaution | None:
    """The Beers row this draft falls under at the patient's age, or None."""
    daily = draft.mg_per_day_upper if draft.dose_basis is DoseBasis.DAILY else None
    return older_adult_cautions.anticholinergic(draft.ingredient, daily, ctx.record.patient.age)


def anticholinergic_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    age = ctx.record.patient.age
    daily = draft.mg_per_day_upper if draft.dose_basis is DoseBasis.DAILY else None
    row = beers_row(ctx, draft)
    if row is None or age is None:
        return None
    name = draft.ingredient.capitalize()
    falls = older_adult_cautions.falls_on_record(ctx)
    falls_row = older_adult_cautions.falls_row(draft.drug_class, age) if falls else None
    dose = draft_dose(draft) if daily is not None else "dose not read"
    summary = beers_summary(ctx, draft, row.cite)
    unread = (
        f" The daily dose could not be read; the line applies above "
        f"{cards.fmt_mg(row.above_mg_day)} mg/day."
        if row.above_mg_day is not None and daily is None
        else ""
    )
    flag = " (UNVERIFIED)" if row.unverified else ""
    detail = cards.join_sections(
        f"**{name} {dose} drafted at age {age}.** {row.cite} (adults {row.min_age} and older): "
        f"{row.line}{flag}.{unread}",
        older_adult_cautions.falls_line(falls_row, falls),
        f"Prefer {older_adult_cautions.alternative(draft.stated_reasons)}; if this one is "
        "chosen, start low and watch for confusion, constipation, urinary retention, sedation and "
        "orthostatic hypotension.",
        older_adult_cautions.source_line(row, falls_row),
    )
    return OrderCheck(TOPIC, draft, summary, detail)
