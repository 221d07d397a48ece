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
from services.order_checks.model import OrderCheck
from services.order_doses import draft_dose
from services.rules.context import RuleContext

TOPIC = "order-older-adult-anticholinergic"


def anticholinergic_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    age = ctx.record.patient.age
    daily = draft.mg_per_day_upper if draft.dose_basis is DoseBasis.DAILY else None
    row = older_adult_cautions.anticholinergic(draft.ingredient, daily, age)
    if row is None or age is None:
        return None
    name = draft.ingredient.capitalize()
    falls = older_adult_cautions.falls_on_record(ctx)
    falls_row = older_adult_cautions.falls_row(draft.drug_class, age) if falls else None
    words = older_adult_cautions.falls_words(falls)
    with_falls = f" with {words} on record" if falls else ""
    dose = draft_dose(draft) if daily is not None else "dose not read"
    summary = cards.fit_summary(
        f"{name} at {age}{with_falls}: strongly anticholinergic, avoid in older adults "
        f"({row.cite})",
        f"{name} at {age}{with_falls}: strongly anticholinergic ({row.cite})",
        f"{name} at {age}: strongly anticholinergic ({row.cite})",
    )
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
        "Prefer an antidepressant that is not strongly anticholinergic; if this one is chosen, "
        "start low and watch for confusion, constipation, urinary retention, sedation and "
        "orthostatic hypotension.",
        older_adult_cautions.source_line(row, falls_row),
    )
    return OrderCheck(TOPIC, draft, summary, detail)
