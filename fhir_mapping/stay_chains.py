"""Stays that follow one another: a transfer, not a discharge (review s27 K2 finding 3).

An ED visit for suicidal ideation went on to an observation stay that ended 2026-11-29 16:00,
and the same minute an inpatient admission began, still in progress: the card said "Recent
psychiatric discharge: ... discharged 2 days ago" beside "Currently admitted (psychiatric) since
2026-11-29". The patient was never discharged: the observation stay ended in a move to the ward.

A finished stay is followed by another (`onward`) when that other stay (of any inpatient class:
admission_codes.py `wants_admission`) goes on past its end and
- is linked to it by `Encounter.partOf`, either way (a ward stay part of the observation
  stay's hospital encounter, or the reverse); or
- began during it or within a day of its end (`_NEXT_DAY`: the admission's start is often
  charted the next morning, or a few minutes after the observation stay closed).
The stay it started beside is not one it moved to: a stale stay recorded in progress for years
does not swallow every later discharge (only a partOf link, written by the EHR, joins a stay
that began before).

Followed to its last stay (`last_stay`), a chain of stays ends in a discharge only when that
last stay is finished by as-of; while it is in progress there is no discharge yet (the stay in
progress is named on its own: current_stays.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fhir_mapping.admission_codes import ClassOf, Resource, class_key, wants_admission
from fhir_mapping.day_cases import session_day_case
from fhir_mapping.fhir_fields import JSON_OBJECT, parse_date, parse_instant, ref_id
from fhir_mapping.stay_evidence import NO_EVIDENCE, StayEvidence

# Within a day of a stay's end, a stay that begins is the one the patient moved to (module
# docstring): a readmission is a new stay after a discharge, not charted on the same or next day
# as a continuation.
_NEXT_DAY = timedelta(days=1)
# Encounter statuses that record no stay that took place (FHIR R4 EncounterStatus).
_NO_STAY = frozenset({"planned", "cancelled", "entered-in-error"})


@dataclass(frozen=True, slots=True)
class Stay:
    """One inpatient Encounter's span, as the chain reads it."""

    resource: Resource
    id: str | None
    part_of: str | None
    start: date | None
    end: date | None  # None: open (in progress, or no end on record)
    end_at: datetime | None  # the end instant when period.end states a time with an offset
    ended: bool  # finished, with an end on or before as-of: the patient left it
    # False when a finished stay has no period.end and `end` is the last day the record places
    # the patient on it (stay_evidence.py, review s28 K5 finding 3).
    end_recorded: bool = True


def stays(
    resources: Iterable[Resource],
    *,
    as_of: date,
    class_of: ClassOf = class_key,
    evidence: StayEvidence = NO_EVIDENCE,
) -> tuple[Stay, ...]:
    """The inpatient stays that took place by as-of (a planned or cancelled one is none, nor a
    treatment session given as a day case: day_cases.py). A finished stay with no end ends on
    the last day `evidence` places the patient on it (stay_evidence.py)."""
    found = []
    for r in resources:
        status = r.get("status")
        if not isinstance(status, str) or status in _NO_STAY:
            continue
        if not wants_admission(r, class_of) or session_day_case(r, evidence.sessions, class_of):
            continue
        period = r.get("period")
        period = period if isinstance(period, JSON_OBJECT) else {}
        start = parse_date(period.get("start"))
        if start is not None and start > as_of:
            continue
        end = parse_date(period.get("end"))
        recorded = end is not None
        if status == "finished" and end is None:
            end = evidence.last_day(r, as_of=as_of)
        rid = r.get("id")
        found.append(
            Stay(
                r,
                rid if isinstance(rid, str) else None,
                ref_id(r.get("partOf")),
                start,
                end,
                parse_instant(period.get("end")),
                status == "finished" and end is not None and end <= as_of,
                recorded,
            )
        )
    return tuple(found)


def _goes_on(after: Stay, stay: Stay) -> bool:
    """Whether `after` goes on past the end of `stay` (open, or ending later)."""
    if after.end is None or not after.ended or stay.end is None:
        return True
    if after.end != stay.end:
        return after.end > stay.end
    return after.end_at is not None and stay.end_at is not None and after.end_at > stay.end_at


def onward(stay: Stay, chart: Sequence[Stay]) -> Stay | None:
    """The stay the patient moved to from `stay` (module docstring), or None: the latest
    beginning of them when several qualify."""
    if stay.end is None:
        return None
    found = []
    for other in chart:
        if other.resource is stay.resource or not _goes_on(other, stay):
            continue
        linked = (stay.id is not None and other.part_of == stay.id) or (
            other.id is not None and stay.part_of == other.id
        )
        began = other.start is not None and other.start <= stay.end + _NEXT_DAY
        if began and stay.start is not None and other.start is not None:
            began = other.start >= stay.start
        if linked or began:
            found.append(other)
    return max(found, key=lambda s: s.start or date.min) if found else None


def last_stay(resource: Resource, chart: Sequence[Stay]) -> Stay | None:
    """The last stay of the chain `resource` begins (itself when nothing follows it), or None
    when it is not among `chart`."""
    current = next((s for s in chart if s.resource is resource), None)
    seen: set[int] = set()
    while current is not None and id(current.resource) not in seen:
        seen.add(id(current.resource))
        following = onward(current, chart)
        if following is None or id(following.resource) in seen:
            return current
        current = following
    return current
