"""Gaps for the medication records read with a status that could not be read (session 30
status31, "never silent"): a MedicationRequest, MedicationStatement or MedicationDispense whose
status is missing, not a string, or a string its FHIR R4 value set does not define ("ACTIVE ",
"final-ish"). Every reader reads such a record as status `unknown` (medication_statuses.py;
kept, not dropped: the drug may be taken), but `unknown` reads differently from what it may
really be: an active order read as unknown is no course taken by itself, so "2 adequate trials
failed" became "1 failed, 1 stopped unmeasured" with nothing said about why. An order's words
say so (ORDER_NOT_READ, review K59b finding 5).

Only a record the service read (it gave a medication event: an antidepressant, an augmenter, a
drug of an interaction pair) is named, so an unrelated drug with no status stays out of the
report (noise). The gap (DataDomain.MEDICATIONS) lists it on the cards resting on medications;
its words say it was read as status unknown, and the card line names the status sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fhir_mapping.events import MedicationEvent
from fhir_mapping.gaps import resource_gap
from fhir_mapping.medication_statuses import DEFINED, UNKNOWN, status_read
from fhir_mapping.record import DataDomain, DataGap, SourceRef
from fhir_mapping.result_statuses import MISSING, UNREADABLE, given

Resource = Mapping[str, Any]

# The FHIR R4 value sets are medication_statuses.DEFINED. `cancelled` on a statement is dropped
# by the reader too (medication_types.TYPE_READINGS), so it is no unread status either.
# The fixed words of the gap (reasons go to the logs); the status is said beside the record.
STATUS_NOT_READ = "medication record whose status is missing or not recognised, read as unknown"
# An order so read is no trial on its own, as one sending `unknown` (medication_statuses.py):
# the words say so, since the trial count on the card changes with it (review K59b finding 5).
ORDER_NOT_READ = f"{STATUS_NOT_READ}: an order so read is not counted as a trial on its own"
_SAID = {MISSING: "status missing", UNREADABLE: "status not readable"}


def medication_status_gaps(
    resources: Iterable[Resource], events: Iterable[MedicationEvent]
) -> list[DataGap]:
    """One gap per medication record read into `events` whose status is not defined for its
    type (module docstring)."""
    # The sources of `events`, gathered on the first record whose status is not defined: nearly
    # every chart has none, and hashing each event's source cost more than the walk (issue 14,
    # perf15: a 10-year chart's hundreds of fills).
    read: set[SourceRef | None] | None = None
    found: list[DataGap] = []
    for resource in resources:
        kind = resource.get("resourceType")
        if not isinstance(kind, str) or (defined := DEFINED.get(kind)) is None:
            continue
        status = given(resource.get("status"))
        rid = resource.get("id")
        # A fill read as the defined status it spells in another case (status_read) is read.
        if status in defined or not isinstance(rid, str) or status_read(resource) != UNKNOWN:
            continue
        if read is None:
            read = {e.source for e in events}
        if SourceRef(kind, rid) not in read:
            continue
        said = _SAID.get(status) or f"status '{status[:40]}'"
        reason = ORDER_NOT_READ if kind == "MedicationRequest" else STATUS_NOT_READ
        found.extend(resource_gap(resource, reason, DataDomain.MEDICATIONS, stated=said))
    return found
