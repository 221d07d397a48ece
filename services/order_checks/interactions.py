"""The interaction check of an order (review 7 finding 5): a draft meeting a running drug, or
another draft, in a pair of data/drug_interactions.csv (services/interaction_table.py).

One card for the order, whatever the number of pairs, at the highest severity found (clozapine
with fluvoxamine: critical). Every selected draft is checked, an `interacting` one too (tizanidine
ordered while fluvoxamine runs). It is a safety check of the order: it speaks whatever the pathway
stage. MAOI combinations are the MAOI check's (order_checks/maoi.py).

A draft in an interaction on the card must not also read "fine for titration" (the clozapine +
fluvoxamine draft got it; review 14 i11/i17: clopidogrel and warfarin warnings beside it): its
below-range finding is a line of this card, after the pairs it waits for, at any severity
(`_fold_titration`; review s24 RN finding 8: a card of its own only pointed here).
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import DraftOrder, Role
from services import cards, interaction_table
from services.order_checks import doses
from services.order_checks.model import BELOW, OrderCheck, joined_key
from services.order_hook_skips import held_drafts
from services.recommendation import Evidence, Indicator, Recommendation
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
    # A draft that re-orders a running drug is named as that course (review s27 RD finding 8).
    found = interaction_table.pairs(
        interaction_table.running(ctx.record) + interaction_table.on_order(others, ctx.record),
        news=interaction_table.on_order(selected, ctx.record),
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
    names = {name for p in found for name in p.names()}
    _add_new_starts(ctx, selected, names, by_topic)
    dose_lines, evidence = _fold_titration(by_topic, names, critical)
    summary = found[0].summary(found[1:])
    # Every draft the card names, selected or not, in the order's own order (review s28 RG
    # finding 2: the lithium + ibuprofen card keyed the selected draft only at order-select).
    drafts = ctx.record.draft_orders
    involved = [d for d in (*selected, *drafts) if any(d.ingredient in p.names() for p in found)]
    keys = joined_key(TOPIC, involved, drafts)
    return cards.make(
        TOPIC,
        summary=summary,
        detail=cards.join_sections(
            *interaction_table.confirm_lines(found),
            *(p.text() for p in found),
            *dose_lines,
            interaction_table.NOT_CHECKED,
        ),
        indicator=severity,
        dedupe_key=keys,
        source=interaction_table.linked_source(TOPIC, found),
        evidence=evidence,
    )


def _add_new_starts(
    ctx: RuleContext,
    selected: Sequence[DraftOrder],
    involved: set[str],
    by_topic: dict[str, list[OrderCheck]],
) -> None:
    """The below-range findings of first starts in a pair of the card, which doses.py leaves
    out as titration (review s25 RO finding 5), added for `_fold_titration` to word: beside an
    interaction "do not raise the dose until it is settled" is advice, not noise."""
    have = {c.draft.id for c in by_topic.get(BELOW, ())}
    # A draft not to be started now gets no titration line (order_hook_skips, audit 15 M1).
    held = held_drafts(by_topic)
    for draft in selected:
        if draft.role is not Role.ANTIDEPRESSANT or draft.ingredient not in involved:
            continue
        if draft.id in have or (draft.id, draft.ingredient) in held:
            continue
        for check in doses.dose_checks(ctx, draft, new_start_too=True):
            if check.topic == BELOW:
                by_topic.setdefault(BELOW, []).append(check)


def _fold_titration(
    by_topic: dict[str, list[OrderCheck]], involved: set[str], critical: set[str]
) -> tuple[list[str], tuple[Evidence, ...]]:
    """The below-range findings of drafts in an interaction on the card, taken off their own
    card and returned as lines of this one (with the evidence sections they carried).

    A below-range draft in an interaction: "raise it later" is not the advice while the
    interaction stands (review 7 finding 5: clozapine + fluvoxamine read "fine for titration";
    review 14 i11/i17: the same beside the clopidogrel and warfarin warnings, where a higher
    fluvoxamine dose deepens the CYP2C19 or warfarin effect). Every severity, so one screen never
    says both. It was a card of its own that said "settle the interaction before any titration"
    and pointed here (review s24 RN finding 8: rc17_f05, three cards about one clomipramine
    draft): one concern, so its line is said on this card, under the pairs it waits for. The
    finding stays (the dose is still below range), worded for the interaction; a draft in no
    pair keeps its own card."""
    below = by_topic.get(BELOW)
    if not below or not involved:
        return [], ()
    folded = [c for c in below if c.draft.ingredient in involved]
    if not folded:
        return [], ()
    kept = [c for c in below if c.draft.ingredient not in involved]
    if kept:
        by_topic[BELOW] = kept
    else:
        del by_topic[BELOW]
    lines = []
    for check in dict.fromkeys(folded):
        draft = check.draft
        which = "critical " if draft.ingredient in critical else ""
        # doses.py's "plan the titration" sentence would contradict the line's end.
        said = check.detail.replace(" Plan the titration to reach it.", "")
        lines.append(
            f"**{draft.ingredient.capitalize()} {cards.fmt_mg(draft.mg_per_day)} mg/day is below "
            f"the minimum adequate dose ({cards.fmt_mg(draft.min_adequate_mg)} mg/day):** {said} "
            f"Do not raise the dose until the {which}interaction above is settled."
        )
    evidence = tuple(dict.fromkeys(e for c in folded for e in c.evidence))
    return list(dict.fromkeys(lines)), evidence
