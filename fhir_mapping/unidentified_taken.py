"""Whether a medication record whose drug could not be identified says the drug is taken now
(DataGap.said_taken: services/unidentified_screen.py asks the TMS screen and the bupropion option
about it; fix drug48, fix drug49).

- An order or a statement says so by its status (medication_types.TAKEN_NOW: an active or on-hold
  order; an active, intended or on-hold statement, its effectivePeriod open or not).
- A fill says so by its dates, as a fill feed runs a course (fix drug49: an Epic/Surescripts fill
  of 10 days ago, 30 days' supply, an NDC the tables do not hold and no name was read as nothing
  running): its days of supply (else ASSUMED_DAYS_WITHOUT_DURATION, episodes.py rule 2d) from the
  day it was handed over, plus the grace after a fill's days run out (MappingPolicy.
  supply_gap_days: the days after which the cards say "no supply since", supply_breaks.py),
  reach as-of. A fill the pharmacy says it stopped never does; one of last year never does.
- An order or a statement whose status is `unknown` (FHIR R4 medicationrequest-status and
  medication-statement-status: the state "cannot be determined" / "is not currently known") may
  be taken now: for a safety screen that is the safer reading (fix drug50, recheck K35b finding
  7: such a record read as nothing running, stricter than `intended`), unless an end it states
  says it ended: a statement's effectivePeriod end, an order's dispenseRequest.validityPeriod end,
  more than MappingPolicy.unknown_ended_days before as-of, as status_to_confirm.ended_long_ago
  reads a named drug's `unknown` statement. `status_unknown` tells the card to word it as
  possibly running.

`supply_days` is the fill's days of supply as stated, for the card's date ("filled 2026-11-21,
30 days"); None for an order, a statement, or a fill that states none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fhir_mapping.dose_tables import duration_days
from fhir_mapping.event_spans import ASSUMED_DAYS_WITHOUT_DURATION
from fhir_mapping.events import EventKind
from fhir_mapping.fhir_fields import parse_date, string
from fhir_mapping.medication_supply import MAX_SUPPLY_DAYS
from fhir_mapping.medication_types import DISPENSE, TAKEN_NOW
from fhir_mapping.policy import SUPPLY_GAP_DAYS, UNKNOWN_ENDED_DAYS
from fhir_mapping.status_to_confirm import ended_long_ago

# A fill the pharmacy says it stopped (FHIR R4 medicationdispense-status `stopped`: "actions
# implied by the dispense have been permanently halted, before all of them occurred") handed
# nothing over to run on. `cancelled`, `declined`, `entered-in-error` are dropped before
# (medication_types.TYPE_READINGS).
_FILL_NOT_HANDED = frozenset({"stopped"})
# An order's or a statement's status that says whether it is taken cannot be determined.
_STATUS_UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class TakenNow:
    said_taken: bool
    supply_days: int | None = None
    status_unknown: bool = False  # taken now only possibly: its status is `unknown`


def taken_now(
    resource: Mapping[str, Any],
    kind: EventKind,
    as_of: date,
    supply_gap_days: int = SUPPLY_GAP_DAYS,
    unknown_ended_days: int = UNKNOWN_ENDED_DAYS,
) -> TakenNow:
    """Whether `resource` (of `kind`) says its drug is taken on `as_of` (module docstring)."""
    status = string(resource.get("status"))
    if kind is not DISPENSE:
        if status == _STATUS_UNKNOWN and kind in TAKEN_NOW:
            ended = ended_long_ago(_as_period(resource), as_of, unknown_ended_days)
            return TakenNow(not ended, status_unknown=not ended)
        return TakenNow(status in TAKEN_NOW.get(kind, ()))
    stated = duration_days(resource.get("daysSupply"))
    days = round(stated) if stated is not None and 0 < stated <= MAX_SUPPLY_DAYS else None
    if status in _FILL_NOT_HANDED:
        return TakenNow(False, days)
    handed = parse_date(resource.get("whenHandedOver")) or parse_date(resource.get("whenPrepared"))
    if handed is None or handed > as_of:
        return TakenNow(False, days)  # undated, or dated after as-of: a gap of its own
    covered = days if days is not None else ASSUMED_DAYS_WITHOUT_DURATION
    runs_to = handed + timedelta(days=covered + supply_gap_days)
    return TakenNow(runs_to >= as_of, days)


def _as_period(resource: Mapping[str, Any]) -> Mapping[str, Any]:
    """The record with the end it states as an effectivePeriod: an order states its end as its
    dispenseRequest.validityPeriod (FHIR R4 MedicationRequest has no effectivePeriod)."""
    if "effectivePeriod" in resource:
        return resource
    request = resource.get("dispenseRequest")
    validity = request.get("validityPeriod") if isinstance(request, Mapping) else None
    return {"effectivePeriod": validity} if isinstance(validity, Mapping) else resource
