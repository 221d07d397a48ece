"""A draft above its market's labelled maximum where that label stops below the CANMAT range
(review s19 item 4): mirtazapine 60 mg/day drafted at a US clinic passed with no card, as 60 is
the top of CANMAT 2023 Table 3.3's 30-60 (Canadian monographs), while the US label's maximum is
45 mg/day (Remeron label 2.1). The ceiling is services/label_maximums.py's, the same one the
optimise card raises toward (rules/optimize/room.py), so a raise the card proposes never draws
this card and a dose this card flags is never proposed there.

A draft above the range's own top keeps the range's card (order_checks/doses.py): this one is for
the doses between the label's maximum and the range's top. A label allowing more in hospital
(amitriptyline, imipramine, trimipramine up to 300 mg/day) is named, never taken as the ceiling:
the service does not know the setting, and the outpatient maximum is the safer reading.
"""

from __future__ import annotations

from fhir_mapping.record import DoseBasis, DraftOrder
from services import cards, label_maximums
from services.order_checks import formulation_doses
from services.order_checks.model import ABOVE, OrderCheck
from services.order_doses import draft_dose
from services.rules.context import RuleContext


def above_label(ctx: RuleContext, draft: DraftOrder, reaches: str) -> OrderCheck | None:
    """The card of a draft whose upper end is above the binding label maximum and not above the
    range's own top (that card is doses.py's), else None. `reaches`: "is", or "reaches" for a
    ranged draft."""
    upper = draft.mg_per_day_upper
    if upper is None or draft.dose_basis is not DoseBasis.DAILY:
        return None
    ceiling = formulation_doses.daily_ceiling(draft)
    label = label_maximums.binding(draft.ingredient, ceiling, ctx.policy.drug_market)
    if label is None or upper <= label.max_mg or (ceiling is not None and upper > ceiling):
        return None
    name, shown, top = draft.ingredient.capitalize(), draft_dose(draft), cards.fmt_mg(label.max_mg)
    market = label.market
    summary = cards.fit_summary(
        f"{name} {shown} {reaches} above {label.maximum()}",
        f"{name} {shown} {reaches} above {label.maximum(cite=False)}",
        f"{name} {shown}: above the {top} mg/day {market} label maximum",
    )
    canmat = (
        f" CANMAT 2023 Table 3.3 lists up to {cards.fmt_mg(ceiling)} mg/day (Canadian product "
        f"monographs); this clinic prescribes under the {market} labels, so {top} mg/day is the "
        "ceiling here."
        if ceiling is not None
        else ""
    )
    detail = (
        f"{draft.ingredient} {shown} exceeds {label.maximum()}.{canmat} "
        f"{label.higher_line()} Check the dose and the indication."
    ).replace("  ", " ")
    return OrderCheck(ABOVE, draft, summary, detail)
