"""One drug drafted in two release formulations whose total is above its maximum (review 15
recheck f01): bupropion XL 450 mg + SR 150 mg twice daily on one order is 750 mg/day.

The total of several drafts of one drug is judged as one dose (services/order_doses.py). Drafts
of one formulation (two SR strengths making a dose) meet that formulation's ceiling, whose card
already names the reason (formulation_doses.py: "seizure risk is dose-related"). Drafts of
different formulations meet the drug's own maximum, and that card said only "above the usual
maximum; check the dose and the indication", while the same total reached with a second bupropion
product (Auvelity beside bupropion XL, 510 mg/day) says "seizure risk; do not combine"
(shared_ingredient.py). Two release formulations of one drug are two products of it: the more
severe statement is the right one for both, with the same reason (data/
shared_ingredient_risks.csv: bupropion's seizure risk rises with the total daily dose; its labels
say not to take it with any other product that contains bupropion). A drug with no row there
keeps the dose card as it was.
"""

from __future__ import annotations

import dataclasses

from fhir_mapping import formulations
from services import cards
from services.order_checks.model import ABOVE, OrderCheck
from services.order_checks.shared_ingredient import risk_words
from services.order_doses import Together, fmt_dose


def _release_forms(together: Together) -> list[str]:
    """The distinct formulations the drafts name, as cards show them ("XL", "SR")."""
    shown: list[str] = []
    for key in together.formulations:
        form = formulations.get(key)
        if form is not None and form.shown_as not in shown:
            shown.append(form.shown_as)
    return shown


def mixed_release_above(check: OrderCheck, together: Together) -> OrderCheck:
    """`check` (a dose check of the drafts' total) worded as a second product of the drug when
    it is above the drug's maximum and the drafts name two or more release formulations; else
    `check` unchanged."""
    forms = _release_forms(together)
    words = risk_words(together.ingredient)
    top = check.draft.max_mg
    if check.topic != ABOVE or len(forms) < 2 or words is None or top is None:
        return check
    risk, short = words
    name = together.ingredient.capitalize()
    total = fmt_dose(together.total, together.total_high)
    both = " and ".join(forms)
    summary = cards.fit_summary(
        f"{name} {both} on one order: {total} mg/day total, above {cards.fmt_mg(top)}; "
        f"{short}; do not combine",
        f"{name} {both}: {total} mg/day, above {cards.fmt_mg(top)}; {short}; do not combine",
    )
    advice = (
        f"{risk[:1].upper()}{risk[1:]}. Use one {together.ingredient} product: keep one of the "
        "orders, one release formulation at the day's dose."
    )
    return dataclasses.replace(
        check, summary=summary, detail=cards.join_sections(check.detail, advice)
    )
