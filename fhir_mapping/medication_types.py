"""How each medication resource type is read, and which orders are no prescription.

One `TypeReading` per type (MedicationRequest, MedicationStatement, MedicationDispense): its event
kind, the statuses that drop it and the field holding its dosage lines (read by `dosage_lines`
and `resource_dosage_lines`); `TAKEN_NOW`, the statuses that say an undated drug is taken now;
`STATEMENT_STOPPED`, the statement statuses that say it is no longer taken; `ORDER_ENDED`, the
order statuses that say the order ended on a day only its meta.lastUpdated dates;
`not_prescribed`, the MedicationRequests that say not to give the drug or only suggest it;
`not_shown_taken`, the kept MedicationRequests that on their own do not show the drug was taken
(intent `plan`, status `unknown`). Why each status is dropped or kept: the medications.py
docstring.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fhir_mapping.events import EventKind
from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.medication_statuses import status_read


@dataclass(frozen=True, slots=True)
class TypeReading:
    """How one medication resource type is read, looked up once per resource: its event kind,
    the statuses that drop it, and the field holding its dosage lines."""

    name: str
    kind: EventKind
    dropped_statuses: frozenset[str]
    dosage_field: str


TYPE_READINGS = {
    reading.name: reading
    for reading in (
        TypeReading(
            "MedicationRequest",
            EventKind.ORDER,
            frozenset({"entered-in-error", "cancelled", "draft"}),
            "dosageInstruction",
        ),
        TypeReading(
            "MedicationStatement",
            EventKind.STATEMENT,
            frozenset({"entered-in-error", "cancelled", "not-taken"}),
            "dosage",
        ),
        TypeReading(
            "MedicationDispense",
            EventKind.DISPENSE,
            frozenset({"entered-in-error", "cancelled", "declined"}),
            "dosageInstruction",
        ),
    )
}
# What each MedicationRequest.intent says about the drug being given (FHIR R4 value set
# medicationrequest-intent, hl7.org/fhir/R4B/valueset-medicationrequest-intent.html):
# - proposal, option: a suggestion, or an option within a plan that is not selected: dropped.
# - plan: "an intention to ensure something occurs without providing an authorization for others
#   to act": kept (exposure history; the safety checks see it) but never a trial on its own
#   (review 14 W5): with no fill, no statement and no order beside it, "to confirm".
# - order, original-order, reflex-order, filler-order, instance-order: an authorization (the
#   prescriber's, one placed on another's result, the pharmacy's, one administration of an
#   order): an order.
# Any other code (`directive` is a RequestIntent code no R4 MedicationRequest may carry) states no
# authorization either: read as `plan`, the safer of the two kept readings. An absent intent (the
# element is required; tolerant reading) is read as an order, as it always was.
INTENT_READING: Mapping[str, str] = {
    "proposal": "dropped",
    "option": "dropped",
    "plan": "to-confirm",
    "order": "order",
    "original-order": "order",
    "reflex-order": "order",
    "filler-order": "order",
    "instance-order": "order",
}
_DROPPED_INTENTS = frozenset(k for k, v in INTENT_READING.items() if v == "dropped")
_ORDER_INTENTS = frozenset(k for k, v in INTENT_READING.items() if v == "order")
# MedicationRequest statuses that keep the request but do not show the drug was given: `unknown`
# is "the authoring system does not know which status applies for this request" (FHIR R4
# medicationrequest-status): counted only with other evidence (a fill, a statement, an order of
# known status; review 14 M8).
_TO_CONFIRM_STATUSES = frozenset({"unknown"})
# Enum members compared for every resource, as module constants: on Python 3.11 reading a member
# off its Enum class costs about ten times reading a global (issue 14).
ORDER = EventKind.ORDER
STATEMENT = EventKind.STATEMENT
DISPENSE = EventKind.DISPENSE


# Statuses that say the drug is taken now, for a resource whose dates cannot be read (a C-CDA
# or patient-reported statement often carries none): the safety checks still see the drug.
# A dispense says nothing about now without its date.
# `on-hold` counts as taken now for these checks only (not as time on the drug: episodes.py): a
# drug held days ago, an MAOI above all, still matters to an interaction or washout check, and
# the safer reading is to keep it in view (review 6 finding 3).
TAKEN_NOW: dict[EventKind, frozenset[str]] = {
    EventKind.STATEMENT: frozenset({"active", "intended", "on-hold"}),
    EventKind.ORDER: frozenset({"active", "on-hold"}),
}
# Statement statuses that say the drug is no longer taken (FHIR R4 medication-statement-status:
# `completed` "no longer being taken", `stopped` "stopped being taken"), as of the statement's
# dateAsserted: such a statement's supply or assumed fill never runs a course on at as-of
# (episodes.py rule 2f). An order's status carries no date (a replay would read a stop made after
# its as-of): an order's is read by `ORDER_ENDED` and its meta.lastUpdated (rule 2g).
STATEMENT_STOPPED = frozenset({"completed", "stopped"})
# Order statuses that say the order has ended with no date of their own (FHIR R4
# medicationrequest-status: `stopped` "permanently halted", `completed` "all actions implied by
# the request have occurred"; R5 groups both under "ended: the subject should no longer be taking
# the medication"). With no stated end, the day the status was recorded by (meta.lastUpdated,
# medication_dates.stop_recorded) is the latest day the order shows the drug taken: its supply,
# ordered, not shown taken, never runs past it (episodes.py rule 2g). Review s21 RR finding 3: a
# 90-day order `completed` by week 11 with no fill counted 13 weeks and a failed adequate trial
# for TMS where the same order `stopped` was "adequacy to confirm". A `completed` order's fills,
# when there are any, carry the time (rule 2b) as a `stopped` one's do. Only when a later version
# carries it (lastUpdated after the order's day: event_spans._end_recorded): an order stored
# `completed` on the day it was written (Synthea's renewals) dates no end.
ORDER_ENDED = frozenset({"completed", "stopped"})


def not_prescribed(request: Mapping[str, Any]) -> bool:
    """A MedicationRequest that says not to give the drug, or only suggests it."""
    intent = request.get("intent")
    return request.get("doNotPerform") is True or (
        isinstance(intent, str) and intent in _DROPPED_INTENTS
    )


def not_shown_taken(request: Mapping[str, Any]) -> str | None:
    """Why a kept MedicationRequest does not on its own show the drug was taken ("intent plan",
    "status unknown"), else None. A request resting on the patient's report (reportedBoolean: a
    home medication) is read as patient-reported instead (patient_reported.py), as before."""
    intent = request.get("intent")
    why = None
    if isinstance(intent, str) and intent not in _ORDER_INTENTS:
        why = f"intent {intent}"
    else:
        # Read as every reader reads it (medication_statuses.status_read): a status missing or
        # not in the R4 value set is `unknown` here too (review K59b finding 5: a sertraline
        # order with none counted as a failed trial and offered TMS; one sending `unknown` not).
        status = status_read(request)
        if status in _TO_CONFIRM_STATUSES:
            why = f"status {status}"
    return why


def resource_dosage_lines(resource: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    reading = TYPE_READINGS.get(str(resource.get("resourceType")))
    return dosage_lines(resource.get(reading.dosage_field)) if reading is not None else []


def dosage_lines(value: object) -> list[Mapping[str, Any]]:
    """The dosage lines of a dosage field (a malformed line counts as absent)."""
    return [d for d in value if isinstance(d, JSON_OBJECT)] if isinstance(value, list) else []
