"""How long after its assertion a patient's `active` statement with no end still counts as time on
the drug (episodes.py rule 2c; review K61b finding 4).

An `active` MedicationStatement the patient gave (informationSource a Patient or RelatedPerson:
patient_reported.py) with a stated dateAsserted shows the drug taken up to the day it was
asserted: "fluoxetine 20 mg daily, since 2026-01-10", asserted once on 2026-03-01, read as 46
weeks at an adequate dose in 2026-12 under MappingPolicy.statement_confirmed_days (365, a
reconciled medication list's window) and counted as a failed adequate trial for TMS, though the
record shows about 7 weeks. FHIR R4 dateAsserted is "when the statement was asserted by the
information source". Such a statement now counts up to one usual fill after that day
(event_spans.ASSUMED_DAYS_WITHOUT_DURATION, 30 days, as a record stating no duration: rule 2d,
"counted as little as the chart proves"), so a report of last month still reads a PHQ-9 taken
since; past that the course is listed, to confirm ("reported taking on ..."): not counted towards
an adequate trial, still in view of the safety checks as possibly running (Trial.unconfirmed_since,
the safer reading there). A later record of the drug moves the day on, as for any statement.
WHY ONE FILL, NOT THE LIST'S YEAR (the lead's ruling, session 39, kept on review): the record
shows the drug taken on the day the patient said so, no more; one usual fill after it is the
project's existing reading of a record that states no duration (rule 2d's default, the same
constant, no second number); the weeks beyond it are not on record. Counted, they could make the
course an adequate trial that failed and put a TMS referral one click away (fluoxetine above);
a TMS referral must not rest on weeks nobody recorded, so the safer reading counts them as to
confirm. The safety checks keep the course in view as possibly running (a drug that may be
taken is the safer reading there: an MAOI listed so still raises its interaction card).
meta.lastUpdated is no confirmation (MappingPolicy.statement_confirmed_days). A clinician's
statement and one with no dateAsserted keep statement_confirmed_days (left for the lead: K61b 4).
"""

from __future__ import annotations

from fhir_mapping.events import EventKind, MedicationEvent


def reported_on(event: MedicationEvent) -> bool:
    """Whether `event` is a statement the patient gave, with a stated dateAsserted."""
    return (
        event.kind is EventKind.STATEMENT and event.patient_reported and event.asserted is not None
    )
