"""The interaction check of an order (review 7 finding 5): a draft meeting a running drug, or
another draft, in a pair of data/drug_interactions.csv (services/interaction_table.py).

One card for the order, whatever the number of pairs, at the highest severity found (clozapine
with fluvoxamine: critical). Every selected draft is checked, an `interacting` one too (tizanidine
ordered while fluvoxamine runs). It is a safety check of the order: it speaks whatever the pathway
stage. MAOI combinations are the MAOI check's (order_checks/maoi.py).

A draft in an interaction on the card must not also read "fine for titration" (the clozapine +
fluvoxamine draft got it; review 14 i11/i17: clopidogrel and warfarin warnings beside it): its
below-range finding is reworded to put the interaction first, at any severity.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from fhir_mapping.record import DraftOrder
from services import cards, interaction_table
from services.order_checks.model import BELOW, OrderCheck, joined_key
from services.recommendation import Indicator, Recommendation
from services.rules.context import RuleContext

TOPIC = "order-drug-interaction"


def interaction_card(
    ctx: RuleContext,
    selected: Sequence[DraftOrder],
    by_topic: dict[str, list[OrderCheck]],
) -> Recommendation | None:
    """The interaction card of the selected drafts, or None. Rewords the below-range findings
    (in `by_topic`) of a draft in a critical interaction."""
    if not selected:
        return None
    # Not another reading of a selected draft whose drug is to confirm: one drug is given.
    others = [
        d
        for d in ctx.record.draft_orders
        if d not in selected and not any(s.other_reading(d) for s in selected)
    ]
    found = interaction_table.pairs(
        interaction_table.running(ctx.record) + interaction_table.on_order(others),
        news=interaction_table.on_order(selected),
    )
    # Two readings of one draft whose drug is to confirm meet only as a pair of the order's own
    # drafts: the patient gets one of them, so that pair is no interaction.
    readings = {
        frozenset({s.ingredient, d.ingredient})
        for s in selected
        for d in selected
        if s.other_reading(d)
    }
    if readings:
        found = [
            p
            for p in found
            if not (
                p.first.on_order
                and p.second.on_order
                and frozenset({p.first.ingredient, p.second.ingredient}) in readings
            )
        ]
    if not found:
        return None
    severity = interaction_table.highest(found)
    critical = {name for p in found if p.severity is Indicator.CRITICAL for name in p.names()}
    _temper_titration(by_topic, {name for p in found for name in p.names()}, critical)
    summary = found[0].summary(found[1:])
    involved = [d for d in selected if any(d.ingredient in p.names() for p in found)]
    keys = joined_key(TOPIC, involved)
    return cards.make(
        TOPIC,
        summary=summary,
        detail=cards.join_sections(
            *interaction_table.confirm_lines(found),
            *(p.text() for p in found),
            interaction_table.NOT_CHECKED,
        ),
        indicator=severity,
        dedupe_key=keys,
        source=interaction_table.linked_source(TOPIC, found),
    )


def _temper_titration(
    by_topic: dict[str, list[OrderCheck]], involved: set[str], critical: set[str]
) -> None:
    """A below-range draft in an interaction on the card: "raise it later" is not the advice
    while the interaction stands (review 7 finding 5: clozapine + fluvoxamine read "fine for
    titration"; review 14 i11/i17: the same beside the clopidogrel and warfarin warnings, where
    a higher fluvoxamine dose deepens the CYP2C19 or warfarin effect). Every severity, so one
    screen never says both. The finding stays (the dose is still below range), worded for the
    interaction."""
    below = by_topic.get(BELOW)
    if not below or not involved:
        return
    by_topic[BELOW] = [
        dataclasses.replace(
            check,
            summary=cards.fit_summary(
                f"{check.draft.ingredient.capitalize()} "
                f"{cards.fmt_mg(check.draft.mg_per_day)} mg/day is below the minimum adequate "
                f"dose ({cards.fmt_mg(check.draft.min_adequate_mg)} mg/day); settle the "
                "interaction before any titration",
                f"{check.draft.ingredient.capitalize()}: below the adequate dose; settle the "
                "interaction first",
            ),
            # doses.py's "plan the titration" sentence would contradict the line that follows.
            detail=(
                check.detail.replace(" Plan the titration to reach it.", "")
                + (" A critical" if check.draft.ingredient in critical else " An")
                + " interaction is on this order (see its card): do not raise the dose until "
                "it is settled."
            ),
        )
        if check.draft.ingredient in involved
        else check
        for check in below
    ]
