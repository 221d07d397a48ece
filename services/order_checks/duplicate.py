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
"""

from __future__ import annotations

import dataclasses

from fhir_mapping.record import DraftOrder, Role, Trial
from services import cards
from services.order_checks.model import REPEATS, SAME_CLASS, OrderCheck
from services.order_checks.repeat import low_dose_draft
from services.order_checks.stacking import running_dose
from services.recommendation import Indicator
from services.rules.context import RuleContext


def _running_same_class(ctx: RuleContext, draft: DraftOrder) -> list[Trial]:
    if draft.role is not Role.ANTIDEPRESSANT or "MAOI" in draft.drug_class.upper():
        return []
    return [
        t
        for t in ctx.record.trials
        if t.ongoing
        and t.role is Role.ANTIDEPRESSANT
        and t.ingredient != draft.ingredient
        and t.drug_class == draft.drug_class
    ]


def _running_other_class(ctx: RuleContext, draft: DraftOrder) -> list[Trial]:
    """Antidepressants of another class running beside the drafted one (MAOIs are the MAOI
    check's, on either side)."""
    if draft.role is not Role.ANTIDEPRESSANT or "MAOI" in draft.drug_class.upper():
        return []
    return [
        t
        for t in ctx.record.trials
        if t.ongoing
        and t.role is Role.ANTIDEPRESSANT
        and t.ingredient != draft.ingredient
        and t.drug_class != draft.drug_class
        and "MAOI" not in t.drug_class.upper()
    ]


def _other_class_line(draft: DraftOrder, running: list[Trial]) -> str:
    """ "**Still running:** duloxetine 60 mg/day since 2024-04-01 (SNRI). ..." """
    first = running[0]
    # A stop already on record (Trial.stops_on; review 14 M4) is said with its date, not asked;
    # so is an order that ends within a cross-taper's weeks (Trial.ends_soon).
    plan = (
        f"plan the taper or cross-taper; {first.ingredient}'s stop is dated "
        f"{first.stops_on.isoformat()}"
        if first.stops_on is not None
        else f"plan the taper or cross-taper; {first.ingredient}'s order ends "
        f"{first.ends_soon.isoformat()}"
        if first.ends_soon is not None
        else f"plan the taper or cross-taper and {first.ingredient}'s stop date"
    )
    return (
        "**Still running:** "
        + "; ".join(f"{running_dose(t)} ({t.drug_class})" for t in running)
        + f". Is {draft.ingredient} a switch ({plan}) or a combination (both continue: "
        "serotonergic load; CANMAT 2023 combines different mechanisms)?"
    )


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


def _running_words(trial: Trial) -> str:
    """ "paroxetine still running", or "paroxetine stopped 2025-06-02" for a course whose stated
    end is the as-of day (Trial.stops_on; review 14 M4): it covers that day, but it does not
    run on."""
    if trial.stops_on is not None:
        return f"{trial.ingredient} stopped {trial.stops_on.isoformat()}"
    if trial.ends_soon is not None:
        return f"{trial.ingredient}'s order ends {trial.ends_soon.isoformat()}"
    return f"{trial.ingredient} still running"


def same_class_check(
    ctx: RuleContext, draft: DraftOrder, repeat: OrderCheck | None = None
) -> list[OrderCheck]:
    """The checks of the draft's class: `repeat` (the repeat check's card for this draft, if
    any) with the same-class line folded in, or the same-class card of its own."""
    found = [repeat] if repeat is not None else []
    if low_dose_draft(draft):
        # The drug's low-dose use (trazodone 50 mg for sleep, recheck 13-2 m33) is neither a
        # switch nor an antidepressant combination: no "still running" line or plan to ask for.
        # Serotonergic load and the other safety checks are their own checks and still run.
        return found
    running = _running_same_class(ctx, draft)
    if not running:
        other = _running_other_class(ctx, draft)
        if repeat is None or not other:
            return found
        # Another class running (sertraline drafted on duloxetine: audit 13 WRONG 7): one line on
        # the draft's card. No card of its own (noise): a cross-class combination is a CANMAT
        # strategy and a switch's stop is often ordered separately; on the repeat card the line
        # says what the trial history card otherwise leaves out.
        return [
            dataclasses.replace(
                repeat,
                summary=cards.fit_summary(
                    f"{repeat.summary}; {_running_words(other[0])}", repeat.summary
                ),
                detail=cards.join_sections(repeat.detail, _other_class_line(draft, other)),
            )
        ]
    first, cls = running[0].ingredient, draft.drug_class
    if repeat is not None and repeat.topic == REPEATS:
        return [
            dataclasses.replace(
                repeat,
                summary=cards.fit_summary(
                    f"{repeat.summary}; {_running_words(running[0])}", repeat.summary
                ),
                detail=cards.join_sections(repeat.detail, _plan(draft, running)),
            )
        ]
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
            f"{name} ordered while {first} ({cls}) is running: two {cls}s; plan the switch",
            f"{name}: a second {cls} ({first} already running)",
        )
    )
    return found + [OrderCheck(SAME_CLASS, draft, summary, _plan(draft, running))]
