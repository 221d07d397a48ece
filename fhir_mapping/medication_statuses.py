"""The status a medication record is read with: the one it sends when its FHIR R4 value set
defines it for the record's type, else `unknown` (review K59b finding 5, meds51).

One rule for every reader: a MedicationRequest, MedicationStatement or MedicationDispense whose
status is missing, not a string, or a string its value set does not define ("ACTIVE ",
"final-ish") is read exactly as one sending `unknown` is. Before, only the event's status was
`unknown` while the order and statement rules read the raw field: a sertraline order with no
status counted as a failed adequate trial (2 failed, TMS card) where the same order sent
`unknown` was "not shown taken ... not counted as a trial" (1 failed, no TMS card). The unknown
reading is the safer one for the TMS decision: adherence cannot be read from an order alone
(REFERENCE §0 item 3), and an order whose status says nothing may never have been active, so it
counts as a trial only beside a fill or statement (medication_types.not_shown_taken); a statement
so read is "to confirm", its drug possibly running for the safety checks (status_to_confirm.py).
medication_status_gaps.py names each such record, saying how it was read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The FHIR R4 status value sets (hl7.org/fhir/R4/codesystem-medicationrequest-status.html,
# -medication-statement-status.html, -medicationdispense-status.html): FHIR structure, not a
# clinical fact (gaps.py), so here.
DEFINED: Mapping[str, frozenset[str]] = {
    "MedicationRequest": frozenset(
        {
            "active",
            "on-hold",
            "cancelled",
            "completed",
            "entered-in-error",
            "stopped",
            "draft",
            "unknown",
        }
    ),
    "MedicationStatement": frozenset(
        {
            "active",
            "completed",
            "entered-in-error",
            "intended",
            "stopped",
            "on-hold",
            "unknown",
            "not-taken",
            "cancelled",
        }
    ),
    "MedicationDispense": frozenset(
        {
            "preparation",
            "in-progress",
            "cancelled",
            "on-hold",
            "completed",
            "entered-in-error",
            "stopped",
            "declined",
            "unknown",
        }
    ),
}
# FHIR R4: "The authoring/source system does not know which of the status values currently
# applies" (all three value sets define it).
UNKNOWN = "unknown"


def status_read(resource: Mapping[str, Any]) -> str:
    """The status `resource` is read with (module docstring): its own when defined for its
    type, else `unknown`. A resource of another type keeps a string status as sent."""
    status = resource.get("status")
    if not isinstance(status, str) or not status:
        return UNKNOWN
    kind = str(resource.get("resourceType"))
    defined = DEFINED.get(kind)
    if defined is None or status in defined:
        return status
    if kind == _DISPENSE and (folded := status.lower()) in defined:
        return folded
    return UNKNOWN


# Fix meds53 (review K60a finding 6): a fill whose status differs from a defined one only in
# case ("Completed") is read as that status. Five escitalopram fills sent "Completed" were read
# `unknown`, so no supply: the adherence card said "order of 2025-01-06 still active, never
# filled or renewed" beside the data-quality list naming the five fills. A dispense is itself the
# adherence evidence (a day handed over, a quantity), and a case is no other meaning; reading it
# keeps the card from claiming a drug unfilled that five fills show taken, which would both
# misstate adherence and drop a trial the record shows. Orders keep meds51's rule (any undefined
# status is `unknown`): an order's status is the only word on whether it was ever active, a
# fill's day and quantity are not.
_DISPENSE = "MedicationDispense"


def unknown_said(resource: Mapping[str, Any]) -> str:
    """How a record read as `unknown` is named beside its id: "status unknown" when it sent
    that, else the status it sent and that it was read so ("status missing, read as unknown"),
    so the clinician knows the EHR sent no usable status rather than `unknown`."""
    status = resource.get("status")
    if status == UNKNOWN:
        return "status unknown"
    if not isinstance(status, str) or not status:
        sent = "status missing" if status in (None, "") else "status not readable"
    else:
        sent = f"status '{status[:40]}'"
    return f"{sent}, read as unknown"
