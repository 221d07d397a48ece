"""A drafted antidepressant beside one that may be running (fix 20 L6 item 1): a drug a record
says may be taken with no course read (services/maybe_running.py: a statement whose status is
`unknown`, a record whose code and name give different drugs, an undated active record).

The checks of duplicate.py and duplicate_other_class.py read the trials; a fluoxetine statement
`unknown` beside a sertraline draft raised no card. Counted as possibly running (the safer
reading, as the MAOI checks already read these records), such a drug makes the same two
concerns: two antidepressants of the draft's class, or (of another class) two serotonin reuptake
inhibitors. The card says the drug "may be running" (or "is running", for an undated active
record), names the record to confirm once, and asks the same question as for a course: a switch
(plan it, date the stop if the patient does take it) or a combination with no strategy behind
it. A course on record is read first: these are said only when no course makes the concern.
Cross-class pairs CANMAT 2023 combines (an SSRI with bupropion or mirtazapine) raise nothing, as
for a course.
"""

from __future__ import annotations

import dataclasses

from fhir_mapping.drug_table import is_maoi_class, shared_ingredients
from fhir_mapping.record import DraftOrder, Role
from services import cards, draft_tapers, maybe_running, serotonin_reuptake, taken_to_confirm
from services.maybe_running import MaybeRunning
from services.order_checks.model import REPEATS, SAME_CLASS, OrderCheck
from services.rules.context import RuleContext


def _candidates(ctx: RuleContext, draft: DraftOrder) -> list[MaybeRunning]:
    if draft.role is not Role.ANTIDEPRESSANT or is_maoi_class(draft.drug_class):
        return []
    return [
        m
        for m in maybe_running.antidepressants(ctx.record)
        if m.ingredient != draft.ingredient
        # MAOIs are the MAOI check's, which reads these records already.
        and not is_maoi_class(m.drug_class)
        # A shared ingredient is the shared-ingredient card's; a taper to a stop on this order
        # is the cross-taper card's.
        and not shared_ingredients(draft.ingredient, m.ingredient)
        and draft_tapers.taper_of(ctx.record, m.ingredient) is None
    ]


def pairing(ctx: RuleContext, draft: DraftOrder) -> tuple[list[MaybeRunning], bool]:
    """The drugs that may be running and pair with the draft, and whether they are of its class:
    those of the draft's class first; else those that make two serotonin reuptake inhibitors
    with it (services/serotonin_reuptake.py); ([], False) when none do."""
    found = _candidates(ctx, draft)
    same = [m for m in found if m.drug_class == draft.drug_class]
    if same:
        return same, True
    if not serotonin_reuptake.inhibits_reuptake(draft.ingredient, draft.drug_class):
        return [], False
    return [
        m for m in found if serotonin_reuptake.inhibits_reuptake(m.ingredient, m.drug_class)
    ], False


def _detail(draft: DraftOrder, maybes: list[MaybeRunning], same_class: bool) -> str:
    name, old = draft.ingredient, maybe_running.named(maybes)
    why = (
        "Two antidepressants of one class add serotonergic load and side effects and are not a "
        "CANMAT 2023 combination (combinations pair different mechanisms)."
        if same_class
        else f"Both inhibit serotonin reuptake: together they add serotonin-syndrome risk "
        f"({serotonin_reuptake.serotonin_syndrome_cite()}) and are "
        f"{serotonin_reuptake.NOT_A_STRATEGY}."
    )
    verb = maybe_running.state(maybes)
    if verb == taken_to_confirm.RUNNING.verb:
        # An undated active record says the drug is taken: nothing to confirm, its dates unread.
        head, ask = "Running (dates not read)", f"If {name} replaces {old}"
    else:
        head = verb.capitalize()
        ask = f"Confirm whether the patient takes {old}: if {name} replaces it"
    said = (
        f"**{head}:** {maybe_running.described(maybes)}. {name.capitalize()} "
        f"({draft.drug_class}) on this order. {why} {ask}, plan the switch (direct, or a short "
        "cross-taper) and record the stop date; if both are meant to continue, say why."
    )
    return cards.join_sections(*maybe_running.confirm(maybes), said)


def maybe_check(
    draft: DraftOrder, repeat: OrderCheck | None, maybes: list[MaybeRunning], same_class: bool
) -> list[OrderCheck]:
    """The concern said for a drug that may be running: folded into the repeat card when the
    draft repeats a failed trial (the concern leads, as for a course: duplicate.py), else a card
    of its own, a warning as for a course (the safer reading: the drug may be taken)."""
    old, verb = maybe_running.named(maybes), maybe_running.state(maybes)
    # After a name in brackets: "fluoxetine may be running", or "fluoxetine running" (undated
    # active record), as a course's card says it.
    bare = verb if verb != taken_to_confirm.RUNNING.verb else taken_to_confirm.RUNNING.bare
    concern = maybe_running.concern(draft.drug_class, same_class)
    # The question the course's card asks: a switch to plan (one class), or which of a switch
    # and an addition (two reuptake inhibitors of different classes: duplicate_other_class.py).
    ask = "confirm, then plan the switch" if same_class else "confirm; switch or addition?"
    detail = _detail(draft, maybes, same_class)
    if repeat is not None and repeat.topic == REPEATS:
        name = draft.ingredient.capitalize()

        def lower(text: str) -> str:
            return draft.ingredient + text[len(name) :] if text.startswith(name) else text

        head = f"{concern[:1].upper()}{concern[1:]} ({old} {bare})"
        candidates = [f"{head}; {lower(repeat.summary)}"]
        if repeat.short is not None:
            candidates.append(f"{head}; {lower(repeat.short)}")
        return [
            dataclasses.replace(
                repeat,
                summary=cards.fit_summary(*candidates, f"{head}: {draft.ingredient} ordered"),
                detail=cards.join_sections(repeat.detail, detail),
                indicator=None,
            )
        ]
    name = draft.ingredient.capitalize()
    summary = cards.fit_summary(
        f"{name} ordered while {old} {verb}: {concern}; {ask}",
        f"{name} ordered while {old} {verb}: {concern}",
        f"{name}: {concern} ({old} {bare})",
    )
    found = [repeat] if repeat is not None else []
    return [*found, OrderCheck(SAME_CLASS, draft, summary, detail)]
