"""A failed trial that rests on an order alone while no dispense feed was sent (s23 RTC item 2).

When the EHR sends no MedicationDispense data at all (GapCause.NOT_PROVIDED: an EHR that does
not serve dispenses), a course is judged on its orders' doses and weeks, adherence "unverified;
no dispensing data" (fhir_mapping/refills_unread.py keeps that long-standing reading: it is a
set-up fact the whole chart shares). Such a course can be "1 adequate trial failed" with nothing
to show the drug was picked up. The trial table and the timeline say "no dispensing data", but
on a screen the table goes behind the timeline, so the optimise card's switch line named the
failed course with nothing beside it. It now says "sertraline, no fill data sent" there: the
clinician sees, where the switch rests on it, that the failure rests on an order alone. The
verdict is not changed (the lead's reading for data not offered); only the basis is said.
"""

from __future__ import annotations

from fhir_mapping.gap_feeds import feed_not_provided
from fhir_mapping.record import AdherenceStatus, PatientRecord, Trial

# The clause said after the drug's name (services/rules/optimize/switch.py, the failed line).
NO_FILL_DATA = ", no fill data sent"


def rests_on_order_alone(trial: Trial, record: PatientRecord) -> bool:
    """A course known only from orders (no fill, no statement), its adherence unverified and
    not documented, in a chart whose dispense feed was not sent at all."""
    adherence = trial.adherence
    return (
        adherence.status is AdherenceStatus.UNVERIFIED
        and adherence.fills == 0
        and adherence.documented is None
        and bool(trial.sources)
        and all(s.resource_type == "MedicationRequest" for s in trial.sources)
        and feed_not_provided(record.gaps, "MedicationDispense")
    )


def no_fill_note(trial: Trial, record: PatientRecord) -> str:
    """ ", no fill data sent" for a `rests_on_order_alone` course, else ""."""
    return NO_FILL_DATA if rests_on_order_alone(trial, record) else ""
