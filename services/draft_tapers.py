"""Which drafts of the order take a drug down to a stop (fhir_mapping/draft_timing.py): the old
drug of a switch written on the order, never a drug being started (review s20 RB 1-2).

The one answer the washout check (washout.py: a tapered drug is not started, and it ends on its
taper's last dose) and the two-drugs-on-one-order checks (order_checks/duplicate.py,
cross_taper.py: a running course tapered on this order is not "still running") ask.
"""

from __future__ import annotations

from fhir_mapping.record import DraftOrder, PatientRecord


def tapers_running(record: PatientRecord, draft: DraftOrder) -> bool:
    """Whether `draft` takes a course of its drug that is running on the chart down to a stop:
    the order continues that course to its end, it starts nothing."""
    return draft.timing.stops and any(
        t.ongoing and t.ingredient == draft.ingredient for t in record.trials
    )


def taper_of(record: PatientRecord, ingredient: str) -> DraftOrder | None:
    """The draft of this order that takes `ingredient` down to a stop, or None."""
    return next(
        (d for d in record.draft_orders if d.timing.stops and d.ingredient == ingredient), None
    )
