"""Which drafts of the order take a drug down to a stop (fhir_mapping/draft_timing.py): the old
drug of a switch written on the order, never a drug being started (review s20 RB 1-2).

The one answer the washout check (washout.py: a tapered drug is not started, and it ends on its
taper's last dose) and the two-drugs-on-one-order checks (order_checks/duplicate.py,
cross_taper.py: a running course tapered on this order is not "still running") ask; and which
re-order a running drug at a lower dose, the first step of a taper whose stop is not written
yet (`lowers_running`: review s27 RD finding 3).
"""

from __future__ import annotations

from fhir_mapping.record import DoseBasis, DraftOrder, PatientRecord, Trial
from services import order_doses


def tapers_running(record: PatientRecord, draft: DraftOrder) -> bool:
    """Whether `draft` takes a course of its drug that is running on the chart down to a stop:
    the order continues that course to its end, it starts nothing. A drug an active record says
    is taken though its dates could not be read (DataGap.taken_now) is running too: its taper
    is no taper of a drug not on record (`tapers_not_running`)."""
    ingredient = draft.ingredient
    return draft.timing.stops and (
        any(t.ongoing and t.ingredient == ingredient for t in record.trials)
        or any(ingredient in gap.taken_now for gap in record.gaps)
    )


def lowers_running(record: PatientRecord, draft: DraftOrder) -> Trial | None:
    """The running course `draft` re-orders at a lower daily dose, with no stop (review s27 RD
    finding 3: sertraline 150 mg/day running, a sertraline 100 mg/day draft beside a
    venlafaxine start): the first step of a taper whose stop is not on the order yet, or a plain
    dose reduction. None when the draft stops or halts its drug (`tapers_running`), is one of
    two drafts of its drug (their doses add up: order_doses.together), is not a daily
    dose, is another product of the drug (a second product, not a re-order: order_checks/
    shared_ingredient_others.in_other_product), or is not below the running dose."""
    mg = draft.mg_per_day_upper
    if not sole_reorder(record, draft) or draft.dose_basis is not DoseBasis.DAILY or mg is None:
        return None
    for t in record.trials:
        if not t.ongoing or t.ingredient != draft.ingredient or t.product != draft.product:
            continue
        now = t.current_mg_per_day if t.dose_basis is DoseBasis.DAILY else None
        if now is not None and mg < now:
            return t
    return None


def as_reorder(record: PatientRecord, draft: DraftOrder) -> DraftOrder | None:
    """The order's re-order of `draft`'s drug read as one draft: `draft` itself when it is the
    only draft of its drug (`sole_reorder`); when the drug is drafted more than once, each a
    daily dose of one product with no stop (an Epic split dose: sertraline 50 mg mornings and
    25 mg evenings), the first of them carrying their total (order_doses.together, as_one;
    recheck K5 s28 finding 1: two sertraline drafts lowering the running course beside a
    phenelzine start read as a sertraline start, and the removal offered deleted one of them).
    None when a draft stops the drug (a taper), when the drafts are of different products, or
    when a dose cannot be added (order_doses.together leaves it out)."""
    if sole_reorder(record, draft):
        return draft
    same = [d for d in record.draft_orders if d.ingredient == draft.ingredient]
    if any(d.timing.stops or d.product != draft.product for d in same):
        return None
    found = order_doses.together(same).get(draft.ingredient)
    if found is None or len(found.parts) != len(same):
        return None
    return order_doses.as_one(same[0], found)


def sole_reorder(record: PatientRecord, draft: DraftOrder) -> bool:
    """Whether `draft` can re-order a course of its drug: it does not stop the drug (a taper) and
    is the only draft of it (two drafts' doses add up: order_doses.together). The guard
    `lowers_running` and draft_changes.continues_running share."""
    if draft.timing.stops:
        return False
    return sum(d.ingredient == draft.ingredient for d in record.draft_orders) <= 1


def tapers_not_running(record: PatientRecord, draft: DraftOrder) -> bool:
    """Whether `draft` takes its drug down to a stop while no course of it runs on the chart
    (review s20 r3 finding 5: a venlafaxine taper drafted while sertraline runs, likely the
    wrong drug picked). Signed as written, it starts the drug at the taper's first dose: no
    cross-taper partner (order_checks/cross_taper.py), a start for the washout check
    (washout_drafts.py), and a card of its own (order_checks/taper_not_running.py)."""
    return draft.timing.stops and not tapers_running(record, draft)


def taper_of(record: PatientRecord, ingredient: str) -> DraftOrder | None:
    """The draft of this order that takes `ingredient` down to a stop, or None: a taper, or a
    draft that halts it (PatientRecord.draft_stops: stopped, cancelled, dosed 0)."""
    return next(
        (
            d
            for d in (*record.draft_orders, *stops_running(record))
            if d.timing.stops and d.ingredient == ingredient
        ),
        None,
    )


def stops_running(record: PatientRecord) -> list[DraftOrder]:
    """The drafts that halt a course running on the chart (review s27 RD finding 1): each is
    that course stopped on the day it is signed. A halt of a drug not running stops nothing;
    nor does one beside another draft of its drug (the old order stopped, a new dose ordered:
    the drug runs on)."""
    if not record.draft_stops:
        return []
    drafted = {d.ingredient for d in record.draft_orders}
    return [
        d for d in record.draft_stops if d.ingredient not in drafted and tapers_running(record, d)
    ]
