"""Fills dated after today of an order already read: shown on the timeline, not as data not read.

Review s23 RT finding 7: a fill prepared yesterday and to be handed over next week (an in-progress
MedicationDispense, whenHandedOver 2026-12-07) of the escitalopram order the course is read from
raised a warning card of its own, "1 medication record could not be read: this chart was judged
without it ... A failed trial in it would not be reflected in any card". A fill of an order the
record already reads is that course's next supply: it can add no trial and change no conclusion
of today, so it is listed on the timeline (services/timeline/page.py) and on no card.

Only a fill that names its order (authorizingPrescription), every order it names read as a course
(a trial's source): a future fill naming no order, or an order not read, may be a drug the
record does not otherwise show, and keeps its "could not be read" line and card (the safer
reading: a new drug is what the card exists for). At the order hooks every such fill stays
listed: a drug drafted beside a running one (an MAOI after fluoxetine: a washout, an interaction)
is judged on how long the running one goes on, which a fill to come bears on.
"""

from __future__ import annotations

from fhir_mapping.gaps import DATED_AFTER_TODAY
from fhir_mapping.record import DataDomain, DataGap, PatientRecord

_DISPENSE = "MedicationDispense"
_ORDER = "MedicationRequest"


def pending_fills(record: PatientRecord) -> frozenset[DataGap]:
    """The gaps of the fills dated after today whose orders are all read (module docstring)."""
    future = [
        g
        for g in record.gaps
        if g.reason == DATED_AFTER_TODAY
        and g.domain is DataDomain.MEDICATIONS
        and g.source is not None
        and g.source.resource_type == _DISPENSE
        and g.orders
    ]
    if not future or record.draft_orders:  # nearly every chart; an order hook (docstring)
        return frozenset()
    read = {s.id for t in record.trials for s in t.sources if s.resource_type == _ORDER}
    return frozenset(g for g in future if all(order in read for order in g.orders))
