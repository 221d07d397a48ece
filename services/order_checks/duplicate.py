"""A second antidepressant of the class of one already running (order-hook review finding 3):
escitalopram drafted while citalopram runs, fluoxetine on top of sertraline.

CANMAT 2023 combines antidepressants across mechanisms (an SSRI or SNRI with mirtazapine or
bupropion), never two of one class: two SSRIs add serotonergic load and side effects (and for
citalopram and escitalopram, the QT effect capped at 20 mg/day over 60) with no strategy behind
them. Ordering the new drug is usually a switch whose stop of the old one is not on the order yet,
so the card asks for the plan (a direct switch or a cross-taper and the old drug's stop date)
rather than calling the order wrong. MAOIs are the MAOI check's (order_checks/maoi.py). When the
running drug's class also failed, the repeat card already speaks about the class: the line joins
it (one concern, one card: issue 12).

Two drafts of one class on the same order (sertraline and fluoxetine signed together: review 15
W2) are the same duplicate, with nothing running yet: a card of their own ("sertraline and
fluoxetine are both drafted: two SSRIs"), said once for the pair, on the later draft when the hook
checks both (as the antipsychotic stacking and shared-ingredient checks say theirs). It stays a
card of its own beside a repeat card: that one is about the class having failed, this one about
two drugs of it being taken together. A pair sharing an ingredient is the shared-ingredient
card's (order_checks/shared_ingredient.py), never said twice.

Two serotonin reuptake inhibitors of different classes (sertraline drafted while venlafaxine ER
runs: recheck 16-2 m01, no card while two SSRIs drew one) are the same duplicate by mechanism
(services/serotonin_reuptake.py: SSRIs, SNRIs, vortioxetine, vilazodone, clomipramine): a card of
its own at the draft, naming the running drug, its dose and its refills, asking whether it is a
switch (plan the stop or cross-taper) or an addition (serotonin-syndrome risk; no CANMAT 2023
combination strategy). A cross-class pair CANMAT does combine (an SSRI or SNRI with bupropion or
mirtazapine) keeps its answer: no card, or one line on the repeat card.

This module makes the checks of the draft's class (`same_class_check`): a running antidepressant
of the draft's class, as a card or a line on the repeat card, and which other drafts of the order
are of the draft's class (`_drafted_same_class`). The card of such a pair of drafts is
duplicate_drafts.py; a running antidepressant of another class (the line on the repeat card, and
the card of two serotonin reuptake inhibitors) is duplicate_other_class.py, whose
`other_class_line` is imported here as `_other_class_line`: the name it had here, which a test
reads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from fhir_mapping.drug_table import is_maoi_class, shared_ingredients
from fhir_mapping.record import DraftOrder, Role, Trial
from services import cards, draft_tapers, order_doses
from services.order_checks import duplicate_maybe
from services.order_checks.cross_taper import (
    cross_taper_check,
    lowered_beside,
    meets_maoi,
    overlapping_tapers,
    tapered_partners,
)
from services.order_checks.duplicate_drafts import drafted_check
from services.order_checks.duplicate_other_class import other_class_line as _other_class_line
from services.order_checks.duplicate_other_class import (
    reuptake_check,
    reuptake_pair,
    running_other_class,
)
from services.order_checks.model import REPEATS, SAME_CLASS, OrderCheck
from services.order_checks.repeat import low_dose_draft
from services.order_checks.stacking import is_running, running_dose, running_name
from services.order_checks.taper_not_running import taper_not_running_check
from services.recommendation import Indicator
from services.rules.context import RuleContext


def _running_same_class(ctx: RuleContext, draft: DraftOrder) -> list[Trial]:
    if draft.role is not Role.ANTIDEPRESSANT or is_maoi_class(draft.drug_class):
        return []
    return [
        t
        for t in ctx.record.trials
        if t.ongoing
        and t.role is Role.ANTIDEPRESSANT
        and t.ingredient != draft.ingredient
        and t.drug_class == draft.drug_class
        # Tapered to a stop on this order: the cross-taper card's (cross_taper.py).
        and draft_tapers.taper_of(ctx.record, t.ingredient) is None
        # Lowered on this order beside this start (review s27 RD finding 3): the same.
        and not lowered_beside(ctx, draft, t.ingredient)
    ]


def _same_class_draft(draft: DraftOrder, other: DraftOrder) -> bool:
    """Whether `other`, another draft of the same order, duplicates `draft`'s class: both
    antidepressants of one class, neither an MAOI (the MAOI check's), neither the drug's low-dose
    use (trazodone 50 mg for sleep: no antidepressant combination), and no ingredient in common
    (one drug on two drafts is one daily dose, order_doses.py; a shared ingredient is the
    shared-ingredient card's)."""
    return (
        other is not draft
        and other.role is Role.ANTIDEPRESSANT
        and other.ingredient != draft.ingredient
        and other.drug_class == draft.drug_class
        and not is_maoi_class(other.drug_class)
        and not shared_ingredients(draft.ingredient, other.ingredient)
        and not low_dose_draft(other)
    )


def _drafted_same_class(
    ctx: RuleContext, draft: DraftOrder, selected: Sequence[DraftOrder] | None
) -> list[DraftOrder]:
    """The other drafts of the order of `draft`'s class. A pair is said once: on the later draft
    when the hook checks both, and from the checked one when it checks one only (order-select
    with one selection). `selected`: the drafts the hook checks; None, all of them."""
    if draft.role is not Role.ANTIDEPRESSANT or is_maoi_class(draft.drug_class):
        return []
    drafts = list(ctx.record.draft_orders)
    checked = drafts if selected is None else list(selected)
    here = drafts.index(draft) if draft in drafts else len(drafts)
    return [
        d
        for i, d in enumerate(drafts)
        if _same_class_draft(draft, d)
        and not (d in checked and i > here)
        and not draft.other_reading(d)
    ]


def _plan(draft: DraftOrder, running: list[Trial]) -> str:
    first = running[0]
    name = first.ingredient
    courses = "; ".join(running_dose(t) for t in running)
    same_class = (
        "Two antidepressants of one class add serotonergic load and side effects and are not a "
        "CANMAT 2023 combination (combinations pair different mechanisms)."
    )
    if all(t.stops_on is not None for t in running):
        # Review 14 M4 and the review 14 audit (d01, y04): every such course's stop is on record
        # (its order ends on the as-of day). The draft replaces it: the card says the date it
        # read, and neither asks for a stop date already recorded nor reads as if both continue.
        stops = "; ".join(
            f"{t.ingredient}'s stop dated {t.stops_on.isoformat()}"
            for t in running
            if t.stops_on is not None
        )
        return (
            f"{draft.ingredient} ({draft.drug_class}) replacing {courses} ({stops}). "
            f"{same_class} Plan the switch (direct, or a short cross-taper)."
        )
    ends = [t.ends_soon for t in running]
    if all(e is not None for e in ends):
        # Every such order ends within a cross-taper's weeks (Trial.ends_soon; review 14 audit
        # d01 / y04): said as the cross-taper it may be, with the date read, never "if both are
        # meant to continue, say why" as if nothing ended. Still a warning (`same_class_check`):
        # the two do overlap until then, and a renewal would keep both.
        last = max(e for e in ends if e is not None)
        dated = "; ".join(
            f"{t.ingredient}'s order ends {t.ends_soon.isoformat()}"
            for t in running
            if t.ends_soon is not None
        )
        return (
            f"{draft.ingredient} ({draft.drug_class}) with {courses} ({dated}). {same_class} If "
            f"{draft.ingredient} replaces {name}, this is a cross-taper until "
            f"{last.isoformat()}: plan the doses over it; renewing {name} would keep both "
            "running."
        )
    if first.stops_on is not None:
        # Review 14 M4: the course's stop is on record (its order ends on the as-of day): the
        # card says the date it read, never asks for a stop date already recorded.
        switch = (
            f"If {draft.ingredient} replaces {name} (stop dated {first.stops_on.isoformat()}), "
            "plan the switch (direct, or a short cross-taper)"
        )
    else:
        switch = (
            f"If {draft.ingredient} replaces {name}, plan the switch (direct, or a short "
            f"cross-taper) and record {name}'s stop date"
        )
    return (
        f"{draft.ingredient} ({draft.drug_class}) with {courses}. {same_class} {switch}; if "
        "both are meant to continue, say why."
    )


def _running_words(trial: Trial, *, brief: bool = False) -> str:
    """ "paroxetine still running", or "paroxetine stopped 2025-06-02" for a course whose stated
    end is the as-of day (Trial.stops_on; review 14 M4): it covers that day, but it does not
    run on."""
    if trial.stops_on is not None:
        return f"{trial.ingredient} stopped {trial.stops_on.isoformat()}"
    if trial.ends_soon is not None:
        return f"{trial.ingredient}'s order ends {trial.ends_soon.isoformat()}"
    if brief and trial.listed:  # the listing left to the detail (session 23 L2 item 1)
        return f"{trial.ingredient} listed"
    if brief and trial.supply_ran_out is not None:  # the day left to the detail
        return f"{trial.ingredient} may be running"
    return running_name(trial, "still running")


def same_class_check(
    ctx: RuleContext,
    draft: DraftOrder,
    repeat: OrderCheck | None = None,
    selected: Sequence[DraftOrder] | None = None,
) -> list[OrderCheck]:
    """The checks of the draft's class: `repeat` (the repeat check's card for this draft, if
    any) with the same-class line folded in, or the same-class card of its own; and the card of
    another draft of its class on the same order. `selected`: the drafts the hook checks (None:
    all), so that a pair of drafts is said once."""
    if low_dose_draft(draft):
        # The drug's low-dose use (trazodone 50 mg for sleep, recheck 13-2 m33) is neither a
        # switch nor an antidepressant combination: no "still running" line or plan to ask for.
        # Serotonergic load and the other safety checks are their own checks and still run.
        return [repeat] if repeat is not None else []
    not_running = taper_not_running_check(ctx, draft)
    if not_running is not None:
        # A taper of a drug that is not running (review s20 r3 finding 5): likely the wrong
        # drug; its card names what runs and what the order would give together, in place of
        # "ordered while sertraline is running" as if the taper started a second drug.
        return [*([repeat] if repeat is not None else []), not_running]
    found = _running_class_check(ctx, draft, repeat)
    if draft.timing.stops:
        # A drug taken down to a stop is the old drug of a switch, not a second one: a pair it
        # makes with a drug started on this order is said on that drug's card (cross_taper.py).
        return found
    # A draft tapering its drug to a stop beside this one is a cross-taper (review s20 RB 2):
    # one card about the overlap, never "keep one", whichever draft comes first or is selected.
    # Only a taper of a running course whose days meet this draft's makes one (review s20 r3
    # findings 4 and 5: a direct switch has no overlap; a taper of a drug not running has its
    # own card, which names the drugs taken together as written).
    tapers = tapered_partners(ctx, draft)
    drafted = [d for d in _drafted_same_class(ctx, draft, selected) if d not in tapers]
    if drafted:
        found.append(drafted_check(ctx, draft, drafted))
    overlapping = overlapping_tapers(ctx, draft, tapers)
    # Never beside an MAOI running or in its washout: the MAOI card speaks (recheck K8 s28
    # finding 4: "Cross-taper sertraline to venlafaxine under way ... watch for serotonin
    # toxicity" while phenelzine ran). The lowered course stays the switch's (lowered_beside):
    # no "still running" card either.
    if overlapping and not meets_maoi(ctx, [draft, *overlapping]):
        found.append(cross_taper_check(ctx, draft, overlapping))
    return found


def _repeat_with_running(draft: DraftOrder, repeat: OrderCheck, running: list[Trial]) -> OrderCheck:
    """The repeat card of a draft with a course of its class running (escitalopram drafted on
    running sertraline, escitalopram having failed): it leads with "Two SSRIs" (review 20 RB
    finding 7: the summary said "sertraline still running" last, the two SSRIs only in the
    detail), at the topic's warning even when the failure is only inferred (information
    alone): two of one class taken together is a concern of its own. A course whose stop is
    dated on the day of the draft is a switch already planned: said after the repeat, as before."""
    state = _running_words(running[0])
    cls = draft.drug_class
    overlap = not all(t.stops_on is not None for t in running)
    if not overlap:
        return dataclasses.replace(
            repeat,
            summary=cards.fit_summary(f"{repeat.summary}; {state}", repeat.summary),
            detail=cards.join_sections(repeat.detail, _plan(draft, running)),
        )
    name = draft.ingredient.capitalize()

    def lower(text: str) -> str:
        # "Escitalopram already failed ..." after "Two SSRIs (...); ": the drug in lower case.
        return draft.ingredient + text[len(name) :] if text.startswith(name) else text

    # A listed course's listing is left to the detail (`_plan`), as the day of one that may be
    # running is (`_running_words`): the repeat's advice keeps its room.
    short = _running_words(running[0], brief=True) if running[0].listed else None
    head, brief = f"Two {cls}s ({state})", f"Two {cls}s ({short or running_name(running[0])})"
    candidates = [f"{head}; {lower(repeat.summary)}", f"{brief}; {lower(repeat.summary)}"]
    if repeat.short is not None:
        candidates += [f"{head}; {lower(repeat.short)}", f"{brief}; {lower(repeat.short)}"]
    return dataclasses.replace(
        repeat,
        summary=cards.fit_summary(*candidates, f"{head}: {draft.ingredient} ordered"),
        detail=cards.join_sections(repeat.detail, _plan(draft, running)),
        indicator=None,
    )


def _running_class_check(
    ctx: RuleContext, draft: DraftOrder, repeat: OrderCheck | None
) -> list[OrderCheck]:
    """`repeat` with the line of a running antidepressant folded in, or the card of one of the
    draft's class running."""
    found = [repeat] if repeat is not None else []
    running = _running_same_class(ctx, draft)
    if not running:
        said = _other_class_checks(ctx, draft, repeat, found)
        # No course of the draft's class: a drug that may be running (a record to confirm or an
        # undated active one, services/maybe_running.py) makes the same concern, said when no
        # course makes one already (fix 20 L6 item 1).
        maybes, same_class = duplicate_maybe.pairing(ctx, draft)
        if not maybes or any(c.topic == SAME_CLASS for c in said):
            return said
        return duplicate_maybe.maybe_check(draft, said[0] if said else None, maybes, same_class)
    return _same_class_running_check(ctx, draft, repeat, found, running)


def _other_class_checks(
    ctx: RuleContext, draft: DraftOrder, repeat: OrderCheck | None, found: list[OrderCheck]
) -> list[OrderCheck]:
    """With no course of the draft's class running: the card of two serotonin reuptake
    inhibitors, or `repeat` with the line of a course of another class running, or `found`."""
    other = running_other_class(ctx, draft)
    if repeat is None and other:
        pair = reuptake_pair(draft, other)
        # A stop dated on the day of the draft is a switch already planned: the two do not
        # overlap (as for one class, Trial.stops_on), and a cross-class switch is routine.
        if pair and not all(t.stops_on is not None for t in pair):
            # Two drafts of the drug (venlafaxine XR 75 + IR 37.5 twice a day): the card names
            # their total, as the dose range card judges it (review s27 RD finding 6).
            both = order_doses.together(ctx.record.draft_orders).get(draft.ingredient)
            return [reuptake_check(draft, pair, both)]
    if repeat is None or not other:
        return found
    # Another class running (sertraline drafted on duloxetine: audit 13 WRONG 7): one line on
    # the draft's card. No card of its own (noise): a cross-class combination is a CANMAT
    # strategy and a switch's stop is often ordered separately; on the repeat card the line
    # says what the trial history card otherwise leaves out.
    # The drafts of its class the repeat card names with it (fluoxetine and escitalopram): the
    # line asks about them together, the same line whichever carries it (review s28 RG 2, 5).
    order = list(ctx.record.draft_orders)
    group = [draft, *repeat.named] if repeat.named else []
    mates = sorted(group, key=lambda d: order.index(d) if d in order else len(order))
    # On a card naming several drafts the running drug stays in the summary when the full one
    # leaves it no room: the short form beside it, since the drafts and the drug running make
    # three reuptake inhibitors (two SSRIs drafted over venlafaxine: review s28 RG finding 5).
    # One draft's card keeps its advice first (citalopram "not a choice under 12").
    heads = (repeat.summary, repeat.short) if repeat.named else (repeat.summary,)
    return [
        dataclasses.replace(
            repeat,
            summary=cards.fit_summary(
                *(
                    f"{head}; {_running_words(other[0], brief=brief)}"
                    for head in dict.fromkeys(h for h in heads if h)
                    # Too long with its supply's day (W2 item 2): the drug is still named.
                    for brief in (False, True)
                ),
                repeat.summary,
            ),
            detail=cards.join_sections(repeat.detail, _other_class_line(draft, other, mates)),
        )
    ]


def _same_class_running_check(
    ctx: RuleContext,
    draft: DraftOrder,
    repeat: OrderCheck | None,
    found: list[OrderCheck],
    running: list[Trial],
) -> list[OrderCheck]:
    """`repeat` led by the course of the draft's class running, or its card of its own."""
    first, cls = running[0].ingredient, draft.drug_class
    if repeat is not None and repeat.topic == REPEATS:
        return [_repeat_with_running(draft, repeat, running)]
    name = draft.ingredient.capitalize()
    if all(t.stops_on is not None for t in running):
        # Every such course stops on the day of the draft (Trial.stops_on): a planned switch,
        # the two do not overlap; information, not a warning (review 14 audit d01 / y04).
        stop = running[0].stops_on
        day = stop.isoformat() if stop is not None else ""
        return found + [
            OrderCheck(
                SAME_CLASS,
                draft,
                cards.fit_summary(
                    f"{name} replacing {first} ({cls}; stop dated {day}): plan the switch",
                    f"{name} replacing {first} (stop dated {day})",
                ),
                _plan(draft, running),
                Indicator.INFO,
            )
        ]
    ends = running[0].ends_soon
    summary = (
        cards.fit_summary(
            f"{name} ordered while {first} ({cls}) runs until {ends.isoformat()}: two {cls}s; "
            "plan the cross-taper",
            f"{name}: a second {cls} ({first} until {ends.isoformat()})",
        )
        if ends is not None
        else cards.fit_summary(
            f"{name} ordered while {first} ({cls}) {is_running(running[0])}: two {cls}s; plan "
            "the switch",
            f"{name}: a second {cls} ({running_name(running[0], 'already running')})",
        )
    )
    return found + [OrderCheck(SAME_CLASS, draft, summary, _plan(draft, running))]
