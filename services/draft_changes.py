"""Which drafts of the order re-order a course of their drug running on the chart, with no stop
(`continues_running`: renewed, lowered or raised), and what the order does to that course, as
the cards say it (`change_words`: "lowered to 100 mg/day on this order").

Such a draft starts nothing: the drug runs on (review s27 K1 recheck finding 1: sertraline 150
mg/day running, drafted at 100 mg/day beside a phenelzine start, read as a sertraline start on
the same order, "sertraline needs at least 14 days off phenelzine", and the card offered to
remove the sertraline draft, which would leave 150 mg/day running beside the MAOI). The
washout check (washout_exposures.py, washout_drafts.py) reads it as the running course, and
the interaction card names it so (interaction_takings.py, review s27 RD finding 8).
"""

from __future__ import annotations

from fhir_mapping.record import DoseBasis, DraftOrder, PatientRecord, Trial
from services import draft_tapers, order_doses


def continues_running(record: PatientRecord, draft: DraftOrder) -> Trial | None:
    """The running course (its latest) that `draft` re-orders with no stop: a renewal, a lower
    or a higher dose of the same product (a stop and a new order of the drug on one order
    are such a re-order too: PatientRecord.draft_stops keeps the stop apart). None when the
    draft stops its drug (a taper: draft_tapers.tapers_running), is one of two drafts of its
    drug that cannot be read as one dose (draft_tapers.as_reorder: a split dose of one product
    is one re-order, its doses added), is another product of the drug (a second
    product, not a re-order), or no course of its drug runs. A course on hold (Trial.on_hold)
    is not taken (FHIR R4 on-hold: the prescription's actions halted), so re-ordering it
    resumes the drug: a start, never a re-order (recheck K8 s28 finding 1: fluoxetine on hold
    renewed beside running phenelzine read "already taken together" with no removal)."""
    one = draft_tapers.as_reorder(record, draft)
    if one is None:
        return None
    running = [t for t in record.trials if t.ongoing and t.ingredient == draft.ingredient]
    if not running:
        return None
    latest = max(running, key=lambda t: (t.end, t.start))
    if latest.on_hold is not None:
        return None
    return latest if latest.product == one.product else None


def change_words(record: PatientRecord, draft: DraftOrder, trial: Trial) -> str:
    """What `draft` does to the running `trial` of its drug: "renewed on this order", "lowered
    to 100 mg/day on this order", "raised to ...", "tapered to a stop on this order, last dose
    2026-12-15", "ordered again on this order: DOSE" when the doses cannot be compared."""
    if draft_tapers.tapers_running(record, draft):
        last = draft.timing.last_day(record.as_of)
        return "tapered to a stop on this order" + (f", last dose {last}" if last else "")
    # A split dose (two drafts of one product) is said by its total (draft_tapers.as_reorder).
    draft = draft_tapers.as_reorder(record, draft) or draft
    daily = draft.dose_basis is DoseBasis.DAILY and trial.dose_basis is DoseBasis.DAILY
    mg, now = draft.mg_per_day, trial.current_mg_per_day
    if not daily or draft.as_needed or mg is None or now is None:
        return f"ordered again on this order: {order_doses.draft_dose(draft)}"
    high, now_high = draft.mg_per_day_upper or mg, trial.current_mg_per_day_upper or now
    if (mg, high) == (now, now_high):
        return "renewed on this order"
    if high < now:
        return f"lowered to {order_doses.draft_dose(draft)} on this order"
    if mg > now_high:
        return f"raised to {order_doses.draft_dose(draft)} on this order"
    return f"ordered again on this order: {order_doses.draft_dose(draft)}"
