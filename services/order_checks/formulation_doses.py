"""The dose ceilings of a draft's release formulation (review 15 W3, M1): fhir_mapping/
formulations.py reads which one the draft names, data/formulations.csv holds its labelled daily
maximum, single-dose limit and, for venlafaxine IR, the higher maximum reserved to more severely
depressed inpatients.

- Bupropion SR at 450 mg/day passed the drug row's 450 in silence; its label stops at 400 mg/day
  and 200 mg a dose, IR at 150 mg a dose, as the seizure risk is dose- (and peak-) related: each
  gets its card, naming the formulation and the reason.
- Paroxetine CR 62.5 mg/day was "above the usual maximum of 50" (the IR maximum): the CR label's
  62.5 is its ceiling.
- Venlafaxine IR above 225 keeps the usual-maximum card and says the label allows up to 375 mg/day
  in more severely depressed inpatients; above 375 the card names that labelled maximum.
A draft whose formulation is not named keeps the drug row's ceiling (order_checks/doses.py).
"""

from __future__ import annotations

from fhir_mapping import formulations
from fhir_mapping.formulations import Formulation
from fhir_mapping.record import DraftOrder
from services import cards
from services.order_checks.model import ABOVE, OrderCheck
from services.order_doses import draft_dose


def formulation(draft: DraftOrder) -> Formulation | None:
    return formulations.get(draft.formulation)


def daily_ceiling(draft: DraftOrder) -> float | None:
    """The daily maximum the draft is judged against: its formulation's when it names one with
    its own, else the drug row's."""
    form = formulation(draft)
    if form is not None and form.max_mg_day is not None:
        return form.max_mg_day
    return draft.max_mg


def own_wording(draft: DraftOrder) -> bool:
    """Whether the above-maximum card is the formulation's: its ceiling differs from the drug
    row's (bupropion SR 400, paroxetine CR 62.5) or the label gives a reason (bupropion's
    seizures). Venlafaxine XR and IR keep the CANMAT wording (the same 225), IR with its
    inpatient line (`higher_max_line`)."""
    form = formulation(draft)
    return (
        form is not None
        and form.max_mg_day is not None
        and (form.max_mg_day != draft.max_mg or bool(form.reason))
    )


def _why(form: Formulation) -> str:
    return f": {form.reason}" if form.reason else ""


def above_daily(draft: DraftOrder, reaches: str) -> OrderCheck:
    """Above the formulation's labelled daily maximum (`own_wording` drafts only)."""
    form = formulation(draft)
    assert form is not None and form.max_mg_day is not None  # own_wording(draft)
    name, shown, top = draft.ingredient.capitalize(), draft_dose(draft), form.max_mg_day
    single = (
        f" and {cards.fmt_mg(form.max_single_mg)} mg a dose"
        if form.max_single_mg is not None and form.max_single_mg < top
        else ""
    )
    summary = cards.fit_summary(
        f"{name} {form.shown_as} {shown} {reaches} above the {form.shown_as} maximum of "
        f"{cards.fmt_mg(top)} mg/day{_why(form)}",
        f"{name} {form.shown_as} {shown} {reaches} above the {cards.fmt_mg(top)} mg/day "
        f"{form.shown_as} maximum",
    )
    detail = (
        f"{draft.ingredient} {form.shown_as} {shown} exceeds the labelled maximum of this "
        f"formulation, {cards.fmt_mg(top)} mg/day{single} ({form.cite}{form.flag})"
        f"{_why(form)}. Check the dose and the formulation."
    )
    return OrderCheck(ABOVE, draft, summary, detail)


def above_single_dose(draft: DraftOrder) -> OrderCheck | None:
    """One dose above the formulation's single-dose limit (bupropion IR 200 mg a dose against
    150): its own finding, as the daily total may be within range."""
    form = formulation(draft)
    dose = draft.mg_per_dose
    if form is None or form.max_single_mg is None or dose is None or dose <= form.max_single_mg:
        return None
    name, limit = draft.ingredient.capitalize(), cards.fmt_mg(form.max_single_mg)
    summary = cards.fit_summary(
        f"{name} {form.shown_as} {cards.fmt_mg(dose)} mg a dose is above the {form.shown_as} "
        f"single-dose limit of {limit} mg{_why(form)}",
        f"{name} {form.shown_as} {cards.fmt_mg(dose)} mg a dose: above the {limit} mg limit",
    )
    detail = (
        f"{draft.ingredient} {form.shown_as} {draft_dose(draft)} is ordered as "
        f"{cards.fmt_mg(dose)} mg a dose; no single dose of this formulation should exceed "
        f"{limit} mg ({form.cite}{form.flag}){_why(form)}. Split the day's dose into more "
        "doses of at most that much, or use another formulation."
    )
    return OrderCheck(ABOVE, draft, summary, detail)


def higher_max_line(draft: DraftOrder) -> str | None:
    """The label's higher maximum for a setting (venlafaxine IR: up to 375 mg/day in more
    severely depressed inpatients), for a draft above the usual maximum but within it; None
    otherwise."""
    form = formulation(draft)
    upper = draft.mg_per_day_upper
    if form is None or form.higher_max_mg_day is None or upper is None:
        return None
    if upper > form.higher_max_mg_day:
        return None
    return (
        f"**{form.shown_as} label:** {draft.ingredient} {form.shown_as} allows up to "
        f"{cards.fmt_mg(form.higher_max_mg_day)} mg/day in {form.higher_max_when} "
        f"({form.cite}{form.flag}): above {cards.fmt_mg(form.max_mg_day)} mg/day only there."
    )


def above_higher_max(draft: DraftOrder, reaches: str) -> OrderCheck | None:
    """Above even the label's higher maximum for a setting (venlafaxine IR above 375 mg/day)."""
    form = formulation(draft)
    upper = draft.mg_per_day_upper
    if form is None or form.higher_max_mg_day is None or upper is None:
        return None
    if upper <= form.higher_max_mg_day:
        return None
    name, shown, top = draft.ingredient.capitalize(), draft_dose(draft), form.higher_max_mg_day
    return OrderCheck(
        ABOVE,
        draft,
        cards.fit_summary(
            f"{name} {form.shown_as} {shown} {reaches} above the labelled maximum of "
            f"{cards.fmt_mg(top)} mg/day (even for {form.higher_max_when})",
            f"{name} {form.shown_as} {shown} {reaches} above the {cards.fmt_mg(top)} mg/day "
            "labelled maximum",
        ),
        f"{draft.ingredient} {form.shown_as} {shown} exceeds the labelled maximum of this "
        f"formulation, {cards.fmt_mg(top)} mg/day, reserved to {form.higher_max_when} "
        f"({form.cite}{form.flag}); the usual maximum is {cards.fmt_mg(form.max_mg_day)} "
        "mg/day. Check the dose.",
    )
