"""An antidepressant of another class running beside the drafted one (duplicate.py's check of
the draft's class): the "Still running" line the repeat card takes (`other_class_line`: a
switch or a combination, CANMAT 2023 combining different mechanisms), and the card of two
serotonin reuptake inhibitors of different classes (`reuptake_pair`, `reuptake_check`: recheck
16-2 m01), which asks whether the draft is a switch or an addition.

Apart from duplicate.py because another class running is a different question from one of the
draft's own class: a combination CANMAT may make, save for two reuptake inhibitors.
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.drug_table import is_maoi_class, shared_ingredients
from fhir_mapping.record import DraftOrder, Role, Trial
from services import cards, draft_tapers, order_doses, serotonin_reuptake
from services.card_format import count_word
from services.order_checks.cross_taper import lowered_beside
from services.order_checks.model import SAME_CLASS, OrderCheck
from services.order_checks.stacking import (
    RUNNING_HEADINGS,
    is_running,
    running_dose,
    running_heading,
    running_name,
)
from services.rules.context import RuleContext
from services.trial_adherence_text import adherence_text

# How the line of a running antidepressant may open (`other_class_line`: stacking.running_heading);
# draft_readings.py finds it by these to say it once for the readings of a draft.
RUNNING_LINE_HEADINGS = RUNNING_HEADINGS


def running_other_class(ctx: RuleContext, draft: DraftOrder) -> list[Trial]:
    """Antidepressants of another class running beside the drafted one (MAOIs are the MAOI
    check's, on either side)."""
    if draft.role is not Role.ANTIDEPRESSANT or is_maoi_class(draft.drug_class):
        return []
    return [
        t
        for t in ctx.record.trials
        if t.ongoing
        and t.role is Role.ANTIDEPRESSANT
        and t.ingredient != draft.ingredient
        and t.drug_class != draft.drug_class
        and not is_maoi_class(t.drug_class)
        # Tapered to a stop on this order: the cross-taper card's (cross_taper.py).
        and draft_tapers.taper_of(ctx.record, t.ingredient) is None
        # Lowered on this order beside this start (review s27 RD finding 3): the same.
        and not lowered_beside(ctx, draft, t.ingredient)
    ]


def _switch_plan(first: Trial) -> str:
    """ "plan the taper or cross-taper and venlafaxine's stop date". A stop already on record
    (Trial.stops_on; review 14 M4) is said with its date, not asked; so is an order that ends
    within a cross-taper's weeks (Trial.ends_soon)."""
    if first.stops_on is not None:
        return (
            f"plan the taper or cross-taper; {first.ingredient}'s stop is dated "
            f"{first.stops_on.isoformat()}"
        )
    if first.ends_soon is not None:
        return (
            f"plan the taper or cross-taper; {first.ingredient}'s order ends "
            f"{first.ends_soon.isoformat()}"
        )
    return f"plan the taper or cross-taper and {first.ingredient}'s stop date"


def reuptake_pair(draft: DraftOrder, running: list[Trial]) -> list[Trial]:
    """The running antidepressants (of another class than the draft's) that, with the draft,
    make two serotonin reuptake inhibitors (services/serotonin_reuptake.py); a pair sharing an
    ingredient is the shared-ingredient card's."""
    if not serotonin_reuptake.inhibits_reuptake(draft.ingredient, draft.drug_class):
        return []
    return [
        t
        for t in running
        if serotonin_reuptake.inhibits_reuptake(t.ingredient, t.drug_class)
        and not shared_ingredients(draft.ingredient, t.ingredient)
    ]


def other_class_line(
    draft: DraftOrder, running: list[Trial], mates: Sequence[DraftOrder] = ()
) -> str:
    """ "**Still running:** duloxetine 60 mg/day since 2024-04-01 (SNRI). ..." ("**May be
    running:**" for a drug whose supply ran out: stacking.running_heading). `mates`: the drafts
    of the draft's class the card names with it, `draft` among them, in the order's order (the
    repeat card of fluoxetine and escitalopram): the line asks about them together, the same
    line whichever of them carries it (review s28 RG findings 2 and 5)."""
    plan = _switch_plan(running[0])
    drugs = list(dict.fromkeys(d.ingredient for d in mates)) or [draft.ingredient]
    reuptake = [d for d in mates or [draft] if reuptake_pair(d, running)]
    # Two serotonin reuptake inhibitors (audit 13 WRONG 7's sertraline on duloxetine): not the
    # different mechanisms CANMAT combines, so the line no longer says it is; with two drafted
    # over one running, three (review s28 RG finding 5).
    taken = len(drugs) + len(running) if len(drugs) > 1 else 2
    count = (
        len(dict.fromkeys(d.ingredient for d in reuptake)) + len(reuptake_pair(draft, running))
        if len(drugs) > 1
        else 2
    )
    combination = (
        f"{count_word(count)} serotonin reuptake inhibitors: serotonin-syndrome risk; CANMAT 3rd line"
        if reuptake
        else "serotonergic load; CANMAT 2023 combines different mechanisms"
    )
    # A draft whose drug is to confirm (code and name disagree) is asked about as the draft, not
    # as one reading: the line is the same for each reading that reaches it, and is said once
    # for them (draft_readings.per_reading; fix19l item 3).
    drafted = "this order" if draft.drug_to_confirm is not None else cards.and_list(drugs)
    heading = running_heading(running)
    verb, every = ("Is", "both") if taken == 2 else ("Are", "all")
    return (
        f"{heading} "
        + "; ".join(f"{running_dose(t, heading)} ({t.drug_class})" for t in running)
        + f". {verb} {drafted} a switch ({plan}) or a combination ({every} continue: "
        + f"{combination})?"
    )


def reuptake_check(
    draft: DraftOrder, pair: list[Trial], both: order_doses.Together | None = None
) -> OrderCheck:
    """The card of a serotonin reuptake inhibitor drafted while one of another class runs
    (recheck 16-2 m01): a warning, as the same-class card is. It names the running drug, its
    dose and its refills (a drug filled last week is taken, not a stale listing), and asks the
    one question the order leaves open: a switch or an addition. `both`: the drafts of the
    drug on this order when there are two or more (order_doses.together): named by their total
    and parts, never as one draft's dose (review s27 RD finding 6)."""
    first = pair[0]
    name, old = draft.ingredient, first.ingredient
    ends = first.ends_soon
    # The drafted dose, as the running one is (audit 17 M12: "Sertraline ordered while ..." did
    # not say how much); a dose the order does not give is said so in the detail, left out of
    # the summary.
    dose = order_doses.draft_dose(draft if both is None else order_doses.as_one(draft, both))
    read = draft.as_needed or draft.mg_per_day is not None or draft.mg_per_day_high is not None
    # "375 mg/day (225 + 150 mg/day, 2 drafts)": the detail names the parts.
    parts = "" if both is None else f" ({both.parts_text()} mg/day, {len(both.parts)} drafts)"
    drafted = f"{name.capitalize()} {dose}" if read else name.capitalize()
    state = f"runs until {ends.isoformat()}" if ends is not None else is_running(first)
    question = ": two serotonin reuptake inhibitors; switch or addition?"
    summary = cards.fit_summary(
        f"{drafted} ordered while {old} ({first.drug_class}) {state}{question}",
        # A long dose (a combination's, named by its component) gives way before the question.
        f"{name.capitalize()} ordered while {old} ({first.drug_class}) {state}{question}",
        f"{drafted}: a second serotonin reuptake inhibitor ({running_name(first)})",
        f"{name.capitalize()}: a second serotonin reuptake inhibitor ({running_name(first)})",
    )
    heading = running_heading(pair)
    running = "; ".join(
        f"{running_dose(t, heading, supply_said=True)} ({t.drug_class}; {adherence_text(t)})"
        for t in pair
    )
    # A drug that is no SSRI or SNRI by class says why it counts ("vortioxetine inhibits
    # serotonin reuptake ..., label 12.1").
    notes = [
        f"{i}: {why}"
        for i in (name, *(t.ingredient for t in pair))
        if (why := serotonin_reuptake.member_note(i))
    ]
    members = f" ({'; '.join(notes)})" if notes else ""
    cite = serotonin_reuptake.serotonin_syndrome_cite()
    detail = (
        f"{heading} {running}. {name.capitalize()} "
        f"{dose + parts if read else '(dose not read)'} on this order ({draft.drug_class}) and {old} "
        f"both inhibit serotonin reuptake{members}. If {name} is a switch, "
        f"{_switch_plan(first)}. If it is an addition, two serotonin reuptake inhibitors "
        f"together add serotonin-syndrome risk ({cite}) and are "
        f"{serotonin_reuptake.NOT_A_STRATEGY}."
    )
    return OrderCheck(SAME_CLASS, draft, summary, detail)
