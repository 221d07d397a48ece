"""A draft above the drug's usual range but within the clinic market's label maximum where that
label allows more (s25 FA item 1): fluoxetine 80 mg/day drafted at a US clinic was flagged "above
the usual maximum of 60 mg/day" (CANMAT 2023 Table 3.3), a warning, though the Prozac US label
allows up to 80 mg/day. The rule is services/range_ceiling.within_label, the running card's too
(rules/running_range_dose.py), and the words are range_ceiling.within_label_words: the card is
information, says both ceilings, and asks that the higher dose be meant. A dose above the label
keeps order_checks/doses.py's warning."""

from __future__ import annotations

from fhir_mapping.record import DraftOrder
from services import cards, range_ceiling
from services.label_maximums import LabelMaximum
from services.order_checks.model import ABOVE, OrderCheck
from services.order_doses import draft_dose
from services.recommendation import Indicator


def within_label_check(draft: DraftOrder, label: LabelMaximum) -> OrderCheck:
    """The information card of a draft above the range, within a label that allows it
    (range_ceiling.within_label): "Fluoxetine 80 mg/day is above CANMAT's usual range (up to 60
    mg/day), within the US label's maximum of 80 mg/day"."""
    assert draft.max_mg is not None  # range_ceiling.within_label
    cite = range_ceiling.range_cite(
        draft.ingredient, draft.role, draft.min_adequate_mg, draft.max_mg
    )
    # "is", or "reaches" for a ranged draft whose upper end is above the range.
    reaches = "reaches" if draft.mg_per_day_high is not None else "is"
    name, shown = draft.ingredient.capitalize(), draft_dose(draft)
    words = range_ceiling.within_label_words(draft.ingredient, draft.role, label, draft.max_mg)
    detail = (
        f"{draft.ingredient} {shown} exceeds the {cite}, and is within "
        f"{label.maximum()}. Above the usual range, adverse effects are more likely: check the "
        "dose is meant and the indication."
    )
    return OrderCheck(
        ABOVE,
        draft,
        cards.fit_summary(
            f"{name} {shown} {reaches} {words}",
            f"{name} {shown}: above the {cards.fmt_mg(draft.max_mg)} mg/day usual maximum, "
            f"within the {label.market} label's {cards.fmt_mg(label.max_mg)}",
        ),
        detail,
        indicator=Indicator.INFO,
    )
