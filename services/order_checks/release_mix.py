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
from fhir_mapping.record import DraftOrder
from services import cards
from services.order_checks.model import ABOVE, SAME_CLASS, OrderCheck
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
    # "drafted together", never "on one order": each release formulation is its own order
    # (audit 15 M2).
    summary = cards.fit_summary(
        f"{name} {both} drafted together: {total} mg/day total, above {cards.fmt_mg(top)}; "
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


def mixed_release_within(draft: DraftOrder, together: Together) -> OrderCheck | None:
    """The card of one drug drafted in two or more release formulations whose total is within
    its maximum (bupropion SR 150 mg twice daily + XL 150 mg: 450 mg/day), or None: a drug with no
    row in data/shared_ingredient_risks.csv, or drafts of one formulation (one product at two
    strengths making a dose). Nothing was said (audit 15 M3), while the same two products over
    the maximum, or bupropion beside Auvelity or Zyban within it, say "use one bupropion
    product": two products of one drug are a duplicate whatever their total (the labels: not with
    any other product that contains bupropion), and the total lies one dose change from the
    seizure threshold. A warning, as the shared-ingredient card within the maximum is."""
    forms = _release_forms(together)
    words = risk_words(together.ingredient)
    if len(forms) < 2 or words is None:
        return None
    risk, short = words
    name = together.ingredient.capitalize()
    total = fmt_dose(together.total, together.total_high)
    both = " and ".join(forms)
    top = draft.max_mg
    within = f", within the {cards.fmt_mg(top)} mg/day maximum" if top is not None else ""
    summary = cards.fit_summary(
        f"{name} {both} drafted together ({total} mg/day total): two {together.ingredient} "
        "products; use one",
        f"{name} {both} drafted together: use one {together.ingredient} product",
    )
    detail = cards.join_sections(
        together.note(),
        f"{name} {both} are two products of {together.ingredient}: {total} mg/day{within}. "
        f"{risk[:1].upper()}{risk[1:]}. Use one {together.ingredient} product: keep one of the "
        "orders, one release formulation at the day's dose.",
    )
    return OrderCheck(SAME_CLASS, draft, summary, detail)
