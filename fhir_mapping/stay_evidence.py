"""What the rest of the chart says of a stay: the session days that make a short stay a day case
(day_cases.py), and the last day the record places the patient on a finished stay whose end is
not recorded (review s28 K5 finding 3).

A stay recorded `finished` with no `period.end` was read as no discharge at all (admissions.py
wants the discharge day), so the post-discharge period of a psychiatric admission was skipped
in silence: the suicide-risk card said nothing. The patient left (the stay is finished); only
the day is missing. The safer reading names it: the stay is read as ended on the latest day the
record places the patient on it (`last_day`):
- its `period.start`;
- the periods of its `location` and `statusHistory` entries (FHIR R4 Encounter);
- the latest event filed under it: a MAR dose (`MedicationAdministration.context`), an
  Observation, QuestionnaireResponse or Procedure naming it (`encounter`), a dispense naming it
  (`MedicationDispense.context`).
The discharge was that day or later, so the card says the date is not recorded and counts the
period from that day ("discharged at most N days ago"): an assessment is shown to follow it only
on a later day (psychiatric_discharge.shown_after; dates alone), and the card asks to confirm the
discharge date. A stay with no date at all (no start, nothing filed under it) is still not read:
nothing places it in time.

Read only for such a stay (nearly never): the walk over the chart's resources is paid when one is
on record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fhir_mapping.clinical_records import ProcedureRecord
from fhir_mapping.day_cases import SessionDays, session_days
from fhir_mapping.fhir_fields import JSON_OBJECT, one_or_many, parse_date, ref_id

Resource = Mapping[str, Any]

# Where a resource names the Encounter it was recorded at, and the fields its day is read from
# (FHIR R4): the first of them that holds a date.
_FILED: dict[str, tuple[str, tuple[str, ...]]] = {
    "MedicationAdministration": ("context", ("effectiveDateTime", "effectivePeriod")),
    "MedicationDispense": ("context", ("whenHandedOver", "whenPrepared")),
    "Observation": ("encounter", ("effectiveDateTime", "effectivePeriod", "issued")),
    "QuestionnaireResponse": ("encounter", ("authored",)),
    "Procedure": ("encounter", ("performedDateTime", "performedPeriod")),
}


def _days(value: object) -> list[date]:
    """The dates of a dateTime, or of a Period's start and end."""
    if isinstance(value, JSON_OBJECT):
        return [d for d in (parse_date(value.get("start")), parse_date(value.get("end"))) if d]
    found = parse_date(value)
    return [found] if found is not None else []


def _own_days(stay: Resource) -> list[date]:
    period = stay.get("period")
    found = _days(period.get("start") if isinstance(period, JSON_OBJECT) else None)
    for name in ("location", "statusHistory"):
        for entry in one_or_many(stay.get(name)):
            if isinstance(entry, JSON_OBJECT):
                found.extend(_days(entry.get("period")))
    return found


@dataclass(frozen=True, slots=True)
class StayEvidence:
    """The chart's session days and resources, as the stay readers ask them (module docstring)."""

    sessions: SessionDays = frozenset()
    resources: Sequence[Resource] = field(default=())
    # The Conditions among `resources`, in order, when the caller gathered them in its own walk
    # (chart_walk.py); None: read from `resources` when asked.
    own_conditions: Sequence[Resource] | None = None

    def conditions(self) -> list[Resource] | None:
        """Every Condition of the chart, a reader's or not (what a stay's reasonReference is
        looked for in: stay_reason.py, review s28 K10 finding 5); None with no resources (no
        evidence: what the chart holds is not known)."""
        if not self.resources:
            return None
        if self.own_conditions is not None:  # issue 14: not a second walk of a 10-year chart
            return list(self.own_conditions)
        return [r for r in self.resources if r.get("resourceType") == "Condition"]

    def last_day(self, stay: Resource, *, as_of: date) -> date | None:
        """The latest day by as-of the record places the patient on `stay` (module docstring),
        or None when nothing dates it."""
        found = [d for d in _own_days(stay) if d <= as_of]
        sid = stay.get("id")
        if isinstance(sid, str) and sid:
            found.extend(d for d in _filed_days(self.resources, sid) if d <= as_of)
        return max(found) if found else None


# No evidence: the readers' default (a chart with no sessions, no resources read for stays).
NO_EVIDENCE = StayEvidence()


def _filed_days(resources: Iterable[Resource], stay_id: str) -> list[date]:
    found: list[date] = []
    for resource in resources:
        rule = _FILED.get(resource.get("resourceType", ""))
        if rule is None or ref_id(resource.get(rule[0])) != stay_id:
            continue
        for name in rule[1]:
            days = _days(resource.get(name))
            if days:
                found.extend(days)
                break
    return found


def stay_evidence(
    procedures: Iterable[ProcedureRecord],
    resources: Sequence[Resource],
    conditions: Sequence[Resource] | None = None,
) -> StayEvidence:
    """The evidence of the chart's `procedures` (sessions) and `resources` (module docstring);
    `conditions`: the Conditions among `resources`, in order, when the caller has them."""
    return StayEvidence(session_days(procedures, resources), resources, conditions)
