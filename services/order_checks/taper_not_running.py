"""A taper drafted for a drug that is not running (review s20 r3 finding 5): the order takes
venlafaxine down to a stop while sertraline is what the patient takes, and starts duloxetine.

Read as the old drug of a cross-taper, the draft hid the likely error (the wrong drug picked from
the list) and the combination the order would really give: sertraline, which no draft stops,
with duloxetine, and venlafaxine itself started at the taper's first dose if it is filled as
written. The card says the drug is not running and names what is, and lists the serotonin
reuptake inhibitors taken together as written (running courses the order does not stop, and
the drafts whose days meet this one's: draft_timing.DraftTiming.overlaps).

A warning whatever else is running: a taper of a drug not on record is a likely wrong-drug
order, and signed as written it starts that drug (the medication list may also be missing it:
the card asks, it does not conclude). The duloxetine draft keeps its own card against the
running sertraline (duplicate_other_class.reuptake_check); no cross-taper card pairs it with a
drug that is not running (cross_taper.overlapping_tapers).
"""

from __future__ import annotations

from datetime import date

from fhir_mapping.drug_table import shared_ingredients
from fhir_mapping.record import DraftOrder, PatientRecord, Role
from services import cards, draft_tapers, drug_names, serotonin_reuptake
from services.card_format import count_word
from services.order_checks.model import SAME_CLASS, OrderCheck
from services.order_checks.stacking import running_dose
from services.recommendation import Indicator
from services.rules.context import RuleContext


def _running(record: PatientRecord, draft: DraftOrder) -> list[str]:
    """The antidepressants running on the chart (their course lines), other than the draft's."""
    return [
        running_dose(t)
        for t in record.trials
        if t.ongoing and t.role is Role.ANTIDEPRESSANT and t.ingredient != draft.ingredient
    ]


def _together(record: PatientRecord, draft: DraftOrder) -> list[str]:
    """The serotonin reuptake inhibitors taken with the draft as written, the draft first: the
    running courses no draft of the order stops on a dated day, and the other drafts whose days
    meet the draft's. [] when the draft's drug is none."""
    if not serotonin_reuptake.inhibits_reuptake(draft.ingredient, draft.drug_class):
        return []
    as_of = record.as_of
    names = [draft.ingredient]
    for t in record.trials:
        if not t.ongoing or t.ingredient in names:
            continue
        taper = draft_tapers.taper_of(record, t.ingredient)
        ends = taper.timing.last_day(as_of) if taper is not None else None
        if ends is not None and ends < draft.timing.first_day(as_of):
            continue  # stopped by this order before the draft's first dose
        if serotonin_reuptake.inhibits_reuptake(t.ingredient, t.drug_class):
            names.append(t.ingredient)
    for d in record.draft_orders:
        if (
            d.ingredient in names
            or draft.other_reading(d)
            or shared_ingredients(draft.ingredient, d.ingredient)
            or not serotonin_reuptake.inhibits_reuptake(d.ingredient, d.drug_class)
            or not draft.timing.overlaps(d.timing, as_of)
        ):
            continue
        names.append(d.ingredient)
    return names if len(names) > 1 else []


def _names(items: list[str]) -> str:
    """ "sertraline", "sertraline and duloxetine", "a, b and c" (display names)."""
    shown = [drug_names.shown(i) for i in items]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def taper_not_running_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """The card of `draft` when it takes its drug down to a stop while no course of it runs
    (draft_tapers.tapers_not_running); None otherwise."""
    record = ctx.record
    if not draft_tapers.tapers_not_running(record, draft):
        return None
    name = drug_names.shown(draft.ingredient)
    head = drug_names.shown_first(draft.ingredient)
    running = _running(record, draft)
    running_names = [
        t.ingredient
        for t in record.trials
        if t.ongoing and t.role is Role.ANTIDEPRESSANT and t.ingredient != draft.ingredient
    ]
    verb = "is" if len(running_names) == 1 else "are"
    which = f" ({_names(running_names)} {verb})" if running_names else ""
    summary = cards.fit_summary(
        f"{head} taper ordered but {name} is not running{which}: wrong drug?",
        f"{head} taper ordered but {name} is not running: taper of a drug not on record?",
        f"{head} taper: {name} is not running",
    )
    first: date = draft.timing.first_day(record.as_of)
    steps = draft.timing.steps_text() or "tapered to a stop"
    lines = [
        f"**Taper of a drug not running:** this order takes {name} down to a stop ({steps}), "
        f"but no running course of {name} is on record."
    ]
    if running:
        lines.append(
            f"Running: {'; '.join(running)}. If the taper was meant for "
            f"{_names(running_names)}, write it for that drug: as written, "
            f"{_names(running_names)} {'continues' if len(running_names) == 1 else 'continue'} "
            f"and {name} is started at the taper's first dose."
        )
    else:
        lines.append(
            f"If {name} is taken (from another prescriber, not on this record), add it to the "
            f"medication list; otherwise, as written, {name} is started at the taper's first dose."
        )
    together = _together(record, draft)
    if together:
        count = count_word(len(together))
        lines.append(
            f"As written, {_names(together)} are taken together from {first.isoformat()}: "
            f"{count} serotonin reuptake inhibitors, adding serotonin-syndrome risk "
            f"({serotonin_reuptake.serotonin_syndrome_cite()})."
        )
    return OrderCheck(SAME_CLASS, draft, summary, " ".join(lines), Indicator.WARNING)
