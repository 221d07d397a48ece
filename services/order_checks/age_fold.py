"""One card for a dose above both the older-adult limit and the drug's maximum (review s25 RO
finding 4).

Citalopram 60 mg/day at age 70 gave two warnings for one dose: "above the 40 mg/day maximum: QT
prolongation" (order-dose-above-range) and "at age 70: above the labelled 20 mg/day maximum from
age 60" (order-dose-above-age-limit). The age limit is the stricter of the two (every dose above
the range's maximum is above it), so its card stays and takes the other's reason: the summary
names both maxima and the ceiling's reason (data/dose_ceiling_reasons.csv: QT prolongation for
citalopram), the detail keeps the range card's text under "Also above the maximum at any age".
A limit above the range's maximum (no such row today) would not be the stricter one: both cards
stay then.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from services import age_limits, cards, dose_ceiling_reasons, pediatric_doses
from services.order_checks.formulation_doses import daily_ceiling
from services.order_checks.model import ABOVE, AGE_LIMIT, OrderCheck
from services.order_doses import draft_dose
from services.rules.context import RuleContext
from services.rules.populations import age


def _folded(ctx: RuleContext, age_card: OrderCheck, above: list[OrderCheck]) -> OrderCheck:
    draft = age_card.draft
    age = ctx.record.patient.age
    limit = age_limits.exceeded(draft.ingredient, age, draft.mg_per_day_upper, draft.formulation)
    ceiling = daily_ceiling(draft)
    assert limit is not None and ceiling is not None  # fold_above_into_age
    # The release form's name and maximum (rk3 finding 2: paroxetine CR 75 at 80 read "the 50
    # mg/day maximum", the IR one, and dropped "CR"); the age row's form names the draft too.
    form = limit.form()
    name, mg = f"{draft.ingredient.capitalize()}{form}", draft_dose(draft)
    top, range_top = cards.fmt_mg(limit.max_mg), cards.fmt_mg(ceiling)
    head = f"{name} {mg} at age {age}: above the {limit.labelled(top)} from age {limit.min_age}"
    why = dose_ceiling_reasons.reason_for(draft.ingredient)
    tail = f": {why.short}" if why is not None else ""
    summary = cards.fit_summary(
        f"{head} and the {range_top} mg/day{form} maximum{tail}",
        f"{head}{tail}",
        age_card.summary,
    )
    also = "\n\n".join(c.detail for c in above)
    return dataclasses.replace(
        age_card,
        summary=summary,
        detail=cards.join_sections(
            age_card.detail, f"**Also above the maximum at any age:** {also}"
        ),
        basis=tuple(dict.fromkeys([*age_card.basis, *(b for c in above for b in c.basis)])),
    )


def _folded_young(ctx: RuleContext, age_card: OrderCheck, above: list[OrderCheck]) -> OrderCheck:
    """The pediatric-dose card taking the range card's reason: "Escitalopram 40 mg/day at age
    13: above the 20 mg/day pediatric dose (Lexapro label 2.1), and the 20 mg/day maximum"."""
    draft = age_card.draft
    ceiling = daily_ceiling(draft)
    assert ceiling is not None  # fold_above_into_age
    also = "\n\n".join(c.detail for c in above)
    return dataclasses.replace(
        age_card,
        summary=cards.fit_summary(
            f"{age_card.summary}, and the {cards.fmt_mg(ceiling)} mg/day maximum at any age",
            age_card.summary,
        ),
        detail=cards.join_sections(
            age_card.detail, f"**Also above the maximum at any age:** {also}"
        ),
        basis=tuple(dict.fromkeys([*age_card.basis, *(b for c in above for b in c.basis)])),
    )


def fold_above_into_age(
    ctx: RuleContext, checks: Iterable[OrderCheck | None]
) -> list[OrderCheck | None]:
    """`checks` (one draft's findings) with each above-the-maximum finding of a draft that also
    has an age-limit finding folded into that age-limit card, when the age limit is the lower."""
    found = list(checks)
    ages = [c for c in found if c is not None and c.topic == AGE_LIMIT]
    for age_card in ages:
        draft = age_card.draft
        limit = age_limits.exceeded(
            draft.ingredient, ctx.record.patient.age, draft.mg_per_day_upper, draft.formulation
        )
        ceiling = daily_ceiling(draft)  # the release form's maximum (paroxetine CR 62.5)
        # Under 18, the label's pediatric dose (escitalopram 40 mg/day at 13: s27 RC finding 4).
        young = pediatric_doses.exceeded(draft.ingredient, age(ctx), draft.mg_per_day_upper)
        top = limit.max_mg if limit is not None else young.max_mg if young is not None else None
        if top is None or ceiling is None or top > ceiling:
            continue
        above = [c for c in found if c is not None and c.topic == ABOVE and c.draft is draft]
        if not above:
            continue
        fold = _folded if limit is not None else _folded_young
        found = [
            fold(ctx, age_card, above) if c is age_card else c
            for c in found
            if not any(c is a for a in above)
        ]
    return found
