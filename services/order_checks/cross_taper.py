"""A switch written on the order as a cross-taper (review s20 RB 2): the running drug taken down
to a stop by one draft, the new antidepressant started by another, the two of one class or both
serotonin reuptake inhibitors. It was told "two SNRIs on one order; keep one" (dropping the taper
would stop venlafaxine 225 mg abruptly) and asked for the stop date the taper records.

A cross-taper is a recognised switch (data/cross_taper.csv `strategy`): one card about the
overlap, its dates from the drafts' timing (fhir_mapping/draft_timing.py) and the serotonin
toxicity signs to watch for (`watch`). Information, not a warning: the order is the plan the
other cards asked for, and what keeps the patient safe is the dated overlap and the signs, which
the card gives; a warning on a correct switch trains the override a true warning needs.

A draft that re-orders the running drug at a lower dose, with no stop (sertraline 150 mg/day
running, drafted at 100 beside a venlafaxine start: review s27 RD finding 3), is the same switch
one step in: the card says the dose lowered, the overlap with the signs to watch for, and that
the stop is still to be written (data/cross_taper.csv `length`); it read "switch or addition?"
with 150 mg as the running dose.

Never into or out of an MAOI: an MAOI draft is no partner here (its drafts keep the MAOI
check's critical, order_checks/maoi.py, which dates the first safe day after the taper).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.drug_table import is_maoi_class, shared_ingredients
from fhir_mapping.record import DraftOrder, Role
from services import cards, draft_tapers, serotonin_reuptake, washout_drafts
from services.card_format import plural
from services.order_checks import maoi_held
from services.order_checks.model import SAME_CLASS, OrderCheck
from services.order_doses import as_one, draft_dose, together, trial_dose
from services.pathway_options import unverified_mark
from services.recommendation import Indicator
from services.rules.context import RuleContext


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    cite: str
    status: str

    @property
    def cited(self) -> str:
        return f"{self.cite}{unverified_mark(self.status)}"


@cache
def _lines() -> dict[str, _Line]:
    text = resources.files("services").joinpath("data/cross_taper.csv").read_text("utf-8")
    return {
        row["key"].strip(): _Line(row["text"].strip(), row["cite"].strip(), row["status"].strip())
        for row in csv.DictReader(text.splitlines())
    }


def _antidepressant(draft: DraftOrder) -> bool:
    return draft.role is Role.ANTIDEPRESSANT and not is_maoi_class(draft.drug_class)


def _overlapping(draft: DraftOrder, other: DraftOrder) -> bool:
    """Two drugs whose overlap is worth a card: one class, or both serotonin reuptake
    inhibitors (serotonin_reuptake.py); one drug under two products is the shared-ingredient
    card's."""
    return (
        other.drug_class == draft.drug_class
        or (
            serotonin_reuptake.inhibits_reuptake(draft.ingredient, draft.drug_class)
            and serotonin_reuptake.inhibits_reuptake(other.ingredient, other.drug_class)
        )
    ) and not shared_ingredients(draft.ingredient, other.ingredient)


def tapered_partners(ctx: RuleContext, draft: DraftOrder) -> list[DraftOrder]:
    """The other drafts of the order that take a drug down to a stop while `draft` (not itself
    a taper) starts one it overlaps with: the old drugs of a cross-taper. A draft that lowers
    a running drug with no stop (draft_tapers.lowers_running) is one too: the taper's first
    step, its stop not on the order yet (review s27 RD finding 3: sertraline 150 lowered to
    100 beside a venlafaxine start read "switch or addition?" with 150 mg as running). [] for
    an MAOI on either side (the MAOI check's) and for a draft that is itself a taper or a
    lowering."""
    record = ctx.record
    if (
        not _antidepressant(draft)
        or draft.timing.stops
        or draft_tapers.lowers_running(record, draft)
    ):
        return []
    return [
        d
        for d in record.draft_orders
        if (d.timing.stops or draft_tapers.lowers_running(record, d) is not None)
        and d.ingredient != draft.ingredient
        and _antidepressant(d)
        and not draft.other_reading(d)
        and _overlapping(draft, d)
    ]


def overlapping_tapers(
    ctx: RuleContext, draft: DraftOrder, tapers: Sequence[DraftOrder]
) -> list[DraftOrder]:
    """Of `tapers` (`tapered_partners`), those that make a cross-taper with `draft`: each takes
    a running course down to a stop (a taper of a drug not running is no switch from it:
    order_checks/taper_not_running.py, review s20 r3 finding 5) on days that meet the draft's
    (a taper whose last dose comes before the draft's first is a direct switch, no overlap and
    no card: draft_timing.DraftTiming.overlaps, review s20 r3 finding 4)."""
    as_of = ctx.record.as_of
    return [
        t
        for t in tapers
        if (
            draft_tapers.tapers_running(ctx.record, t)
            or draft_tapers.lowers_running(ctx.record, t) is not None
        )
        and t.timing.overlaps(draft.timing, as_of)
    ]


def meets_maoi(ctx: RuleContext, drafts: Sequence[DraftOrder]) -> bool:
    """Whether one of `drafts` (a cross-taper's drugs) meets an MAOI running, in its washout or
    on this order (washout_drafts.draft_conflicts: the MAOI check's conflicts), other than a
    drug held on this order past its washout (maoi_held.past_washout: met only if resumed).
    The MAOI check's critical card speaks then: a cross-taper between two serotonergic drugs
    is no plan while an MAOI runs (recheck K8 s28 finding 4)."""
    return any(
        not maoi_held.past_washout(c)
        for d in drafts
        for c in washout_drafts.draft_conflicts(ctx.record, d)
    )


def lowered_beside(ctx: RuleContext, draft: DraftOrder, ingredient: str) -> bool:
    """Whether a draft lowering the running course of `ingredient` makes a cross-taper with
    `draft` (`overlapping_tapers`): that course is the cross-taper card's, not "still running"
    at its old dose beside `draft` (duplicate.py, duplicate_other_class.py)."""
    return any(
        t.ingredient == ingredient and not t.timing.stops
        for t in overlapping_tapers(ctx, draft, tapered_partners(ctx, draft))
    )


def _new_dose(ctx: RuleContext, draft: DraftOrder) -> str:
    """The new drug's dose on the order: its steps, or its daily dose; the total of its drafts
    when it is drafted more than once ("75 mg/day (50 + 25 mg/day, 2 drafts)", as the reuptake
    card names them: duplicate_other_class.reuptake_check). Session 28: sertraline 50 mg and 25
    mg drafted beside a citalopram taper read "sertraline ... from 2026-12-01: 50 mg/day" and,
    once more, "25 mg/day", never the 75 mg/day taken during the overlap."""
    same = [d for d in ctx.record.draft_orders if d.ingredient == draft.ingredient]
    both = together([d for d in same if not d.timing.stops]).get(draft.ingredient)
    if both is None:
        return draft.timing.steps_text() or draft_dose(draft)
    total = draft_dose(as_one(draft, both))
    return f"{total} ({both.parts_text()} mg/day, {len(both.parts)} drafts)"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _kind(draft: DraftOrder, tapers: Sequence[DraftOrder]) -> str:
    """ "two SNRIs", or "two serotonin reuptake inhibitors" across classes."""
    if all(t.drug_class == draft.drug_class for t in tapers):
        return f"two {draft.drug_class}s"
    return "two serotonin reuptake inhibitors"


def cross_taper_check(
    ctx: RuleContext, draft: DraftOrder, tapers: Sequence[DraftOrder]
) -> OrderCheck:
    """The one card of a cross-taper: `draft` started while `tapers` take their drugs down to
    a stop on this order, or lower them (draft_tapers.lowers_running). Its overlap is dated
    where the drafts give the dates."""
    record = ctx.record
    as_of = record.as_of
    start = draft.timing.first_day(as_of)
    ends = [t.timing.last_day(as_of) for t in tapers]
    dated = [e for e in ends if e is not None]
    last = max(dated) if len(dated) == len(ends) else None
    old = " and ".join(t.ingredient for t in tapers)
    kind = _kind(draft, tapers)
    # A draft that only lowers the running dose (review s27 RD finding 3): the cross-taper's
    # first step, its stop not on this order.
    lowered = {
        t.ingredient: trial
        for t in tapers
        if (trial := draft_tapers.lowers_running(record, t)) is not None
    }
    overlap = (
        f"{start.isoformat()} to {last.isoformat()}"
        if last is not None
        else f"from {start.isoformat()} until {old}'s stop (not on this order)"
        if lowered
        else f"from {start.isoformat()} until the taper ends (its last day not on the order)"
    )
    lines = _lines()
    # Review s20 r3 finding 6 (o2): an overlap longer than a routine cross-taper (the clinic's
    # MappingPolicy.cross_taper_weeks, the same weeks that tell a switch from an augmentation
    # in the mapping; default 4, data/cross_taper.csv `length`) is two serotonin reuptake
    # inhibitors taken together for weeks, not a switch in passing: a warning.
    weeks = ctx.policy.mapping.cross_taper_weeks
    long = last is not None and (last - start).days > weeks * 7
    if long:
        assert last is not None
        span = f"{plural((last - start).days // 7, 'week')}"
        summary = cards.fit_summary(
            f"Cross-taper {old} to {draft.ingredient}: {kind} overlap {span} ({overlap}), "
            f"longer than a usual cross-taper",
            f"Cross-taper {old} to {draft.ingredient}: {kind} overlap {span}, longer than usual",
            f"Cross-taper to {draft.ingredient}: {span} overlap, longer than usual",
        )
    elif lowered:
        cut = "; ".join(
            f"{t.ingredient} lowered to {draft_dose(t)}" for t in tapers if t.ingredient in lowered
        )
        summary = cards.fit_summary(
            f"Cross-taper {old} to {draft.ingredient} under way ({cut}): {kind} overlap; watch "
            "for serotonin toxicity",
            f"Cross-taper {old} to {draft.ingredient} under way ({cut}): watch for serotonin "
            "toxicity",
            f"Cross-taper to {draft.ingredient} under way: watch for serotonin toxicity",
        )
    else:
        summary = cards.fit_summary(
            f"Cross-taper {old} to {draft.ingredient}: {kind} overlap {overlap}; watch for "
            "serotonin toxicity",
            f"Cross-taper {old} to {draft.ingredient}: {kind} overlap {overlap}",
            f"Cross-taper to {draft.ingredient}: watch for serotonin toxicity",
        )
    tapered = "; ".join(
        f"{t.ingredient} ({t.drug_class}): "
        + (
            f"lowered from {trial_dose(lowered[t.ingredient])} to {draft_dose(t)}, no stop yet"
            if t.ingredient in lowered
            else t.timing.steps_text()
        )
        + (f", last dose {e.isoformat()}" if e is not None else "")
        for t, e in zip(tapers, ends, strict=True)
    )
    length = lines["length"]
    if lowered:
        stop = (
            f"The stop of {' and '.join(lowered)} is not on this order: write the next steps "
            f"and the last dose ({length.text}: {length.cited})."
        )
    else:
        stop = f"The stop of {old} is on this order: no other stop date needs recording."
    detail = (
        f"**Cross-taper on this order:** {tapered}; {draft.ingredient} ({draft.drug_class}) "
        f"from {start.isoformat()}: {_new_dose(ctx, draft)}. The two "
        f"overlap {overlap}: {kind} taken together. {_sentence(lines['strategy'].text)} "
        f"({lines['strategy'].cited}). During the overlap watch for serotonin toxicity: "
        f"{lines['watch'].text} ({lines['watch'].cited}). {stop}"
    )
    if long:
        detail += (
            f" **Long overlap:** {kind} are taken together for {span}, longer than the "
            f"{plural(f'{weeks:g}', 'week')} of a routine cross-taper (clinic policy; {length.text}: "
            f"{length.cited}). Shorten the taper, or confirm the plan and review the patient "
            "for serotonin toxicity during it."
        )
    return OrderCheck(
        SAME_CLASS,
        draft,
        summary,
        detail,
        Indicator.WARNING if long else Indicator.INFO,
        basis=(lines["strategy"].cite, *((length.cite,) if long or lowered else ())),
        named=tuple(tapers),  # the drafts tapered beside it: in its key too (s28 RG 2)
    )
