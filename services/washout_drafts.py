"""The washout conflicts of one draft order (order_checks/maoi.py asks), by the timing of the
order's drafts (fhir_mapping/draft_timing.py; review s20 RB findings 1 and 3).

Apart from washout.py (the exposures and the interval of a pair): which way round a pair of
drafts is judged, and from which day. A draft dated to start after the as-of day is judged from
that day (an MAOI whose dosage starts after the washout is no conflict); a draft that takes a
running course down to a stop starts nothing (the drug started after it is judged against the
taper's last dose, washout.exposures); of two drafts, the one that starts later is the new drug.
"""

from __future__ import annotations

from fhir_mapping.record import DraftOrder, PatientRecord
from services import draft_changes, draft_tapers
from services.washout import Conflict, conflicts_for


def draft_conflicts(record: PatientRecord, draft: DraftOrder) -> list[Conflict]:
    """The conflicts of one draft order with the record and with the order's other drafts, by
    their timing (draft_timing.py, review s20 RB 1-3): judged from the draft's first dose day.
    A draft that takes a running course of its drug down to a stop starts nothing: it is the
    old drug of a switch, whose pair the drug started after it is judged by. Another draft of
    the order whose first dose is later than this one's is the new drug of that pair: judged
    in its own check, never here the wrong way round."""
    as_of = record.as_of
    if draft_tapers.tapers_running(record, draft):
        return []
    first = draft.timing.first_day(as_of)
    others = [
        d
        for d in record.draft_orders
        if (d.id != draft.id or d.ingredient != draft.ingredient) and not draft.other_reading(d)
    ]
    # A running course halted on this order ends today (review s27 RD finding 1): its stop is
    # the exposure the washout counts from, never the course running on.
    found = conflicts_for(
        draft.ingredient,
        draft.role,
        record,
        drafts=[*others, *draft_tapers.stops_running(record)],
        starts=first if first > as_of else None,
    )
    # A draft that re-orders its running course with no stop starts nothing (review s27 K1
    # recheck finding 1): a drug started on this order meets that course in its own check,
    # where this draft reads as the course running on (washout_exposures.py); here only what
    # the course already meets is said, never "on the same order" the wrong way round.
    continues = draft_changes.continues_running(record, draft) is not None
    return [
        c
        for c in found
        if not (c.old.on_order and c.old.start is not None and c.old.start > first)
        and not (continues and c.old.on_order)
    ]
