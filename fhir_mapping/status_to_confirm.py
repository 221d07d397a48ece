"""A medication record whose status says its use is not known (fix 20 item 1).

FHIR R4 medication-statement-status `unknown`: "The state of the medication use is not currently
known" (hl7.org/fhir/R4/codesystem-medication-statement-status.html). EHRs send it for a home
medication nobody has reconciled (../shared/fhir/vendor/README.md, trap 7). It was read as a
course that had ended (event_spans.undated_past) or as one assumed 30-day fill, so a phenelzine
listed `unknown` beside a running escitalopram raised no MAOI card: if the patient does take it,
that is the combination most likely to harm them. Neither "taken" nor "not taken" can be read
from it, so the record is "to confirm", as a record whose code and name give different drugs is
(product_conflict.DRUG_TO_CONFIRM, services/taken_to_confirm.py):

- it is no trial and no trial's outcome (left out of the events: a DataGap naming the record);
- every check that asks what is running (MAOI washout and combination, the interaction table)
  reads its drug as possibly running (`DataGap.taken_now`), the safer reading, and the card says
  it "may be running" with a line naming the record to confirm.

A stated past period is no drug possibly taken today (review s27 RA finding 5): a statement
`unknown` whose effectivePeriod ends more than MappingPolicy.unknown_ended_days before as-of
(`ended_long_ago`; a partial end by its last day, review s27 K4 finding 6) states when the drug
was taken, and its status only that today's use is not known. It is read as the past course it
states (an exposure and a trial, counted as a `completed` statement's is: patient-reported, to
confirm, when the patient is its source), not as "may be running ... dose and start not known"
holding today's adjuncts. An end within those
days (a month or year end: its last day) or none keeps the safer reading above. A statement
stating no period but an effectiveDateTime is not judged by that day, however long before it was
asserted (FHIR R4 MedicationStatement.effective[x]: when the drug was taken; EHRs and converters
write a list entry's *start* there, and a start reconciled long afterwards is the usual case):
nothing states its stop, so the status reading stays (recheck K7 s28 finding 2: a phenelzine
`unknown` of "2024-12", asserted 2026-07-08, read as a past course lost its MAOI check beside
venlafaxine; the adjuncts held to confirm a fluoxetine of that shape are the safer cost).

A MedicationRequest `unknown` is read otherwise: it is an order, kept as exposure history but no
trial until a fill or statement shows it was taken (medication_types.not_shown_taken, review 14
M8). Except a reported order a clinician or another organisation entered (patient_reported.
listed_order): that is a medication-list entry, read as such a statement is (recheck K6 s28
finding 1), so its status `unknown` is read here as a statement's is (recheck K7 s28 finding 7:
a sertraline listed `unknown` by a Practitioner, validityPeriod from 2026-10-01, counted as one
assumed 30-day fill, "duration not recorded", and hid the venlafaxine failure the same entry
with status `active` leaves in view). So is a reported order the patient is the source of
(patient_reported.patient_reported: reportedReference a Patient or RelatedPerson, or
reportedBoolean true): a home medication the patient reports is a statement the patient is the
source of, and a statement `unknown` with that source is read here (recheck K13 s28 finding 1: a
sertraline so reported, `unknown`, beside a running venlafaxine read as a past trial "tried
before", and the two-reuptake-inhibitor caution and the adjunct hold were lost).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from fhir_mapping.events import EventKind
from fhir_mapping.fhir_fields import date_bounds
from fhir_mapping.medication_dates import parse_date, reversed_period
from fhir_mapping.medication_statuses import status_read, unknown_said
from fhir_mapping.patient_reported import listed_order, patient_reported

# The gap reason (no drug names, no dates: reasons go to the logs).
STATUS_TO_CONFIRM = "status unknown: whether the drug is taken now is not known"

# The statuses that say the use of the drug is not known, by resource kind.
_UNKNOWN_STATUSES: Mapping[EventKind, frozenset[str]] = {
    EventKind.STATEMENT: frozenset({"unknown"}),
}


def status_unknown(resource: Mapping[str, Any], kind: EventKind) -> bool:
    """Whether the record's status says the use of its drug is not known: a statement's, or a
    reported order's (a medication-list entry, whoever reported it: module docstring)."""
    # A status missing or not in the R4 value set is read as `unknown` (medication_statuses.py).
    status = status_read(resource)
    if kind is EventKind.ORDER:
        return status in _UNKNOWN_STATUSES[EventKind.STATEMENT] and (
            listed_order(resource) or patient_reported(resource)
        )
    return status in _UNKNOWN_STATUSES.get(kind, frozenset())


def stated(resource: Mapping[str, Any]) -> str:
    """What the card says beside the record's id: "status unknown, recorded 2025-05-26" (the day
    it was asserted, else the day its use began), so the clinician can find it."""
    effective = resource.get("effectivePeriod")
    start = effective.get("start") if isinstance(effective, Mapping) else None
    # A listed order (status_unknown) is dated by the day it was written.
    day = parse_date(resource.get("dateAsserted") or resource.get("authoredOn")) or parse_date(
        resource.get("effectiveDateTime") or start
    )
    said = unknown_said(resource)  # "status missing, read as unknown" when none was sent
    return f"{said}, recorded {day.isoformat()}" if day else said


def ended_long_ago(resource: Mapping[str, Any], as_of: date, days: int) -> bool:
    """Whether the record's effectivePeriod states an end more than `days` before `as_of`. A
    partial end is judged by the last day it allows ("2024-12" by 2024-12-31, "2024" by
    2024-12-31: date_bounds), so a drug possibly taken to the end of that month or year is still
    read as possibly running within those days (review s27 K4 finding 6: an end "2024-12", 23
    months before as-of, read "may be running" and held the one-click adjuncts). A period that
    ends before it starts (medication_dates.reversed_period) states no end that can be read:
    the status alone is read, as with no end."""
    effective = resource.get("effectivePeriod")
    bounds = date_bounds(effective.get("end")) if isinstance(effective, Mapping) else None
    if bounds is None or reversed_period(resource) is not None:
        return False
    return bounds[1] + timedelta(days=days) < as_of
