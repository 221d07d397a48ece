"""A fixed-course antidepressant given on the ward and charted on the MAR (MedicationAdministration),
read as a medication event of its course (review 15 W1).

Brexanolone (Zulresso) is one continuous 60-hour intravenous infusion for postpartum depression,
given only in a certified facility (its REMS). An EHR charts it on the MAR: one
MedicationAdministration with an effectivePeriod of about 60 hours, or one per bag. Before, the MAR
was read only for esketamine sessions (administrations.py), so the infusion was "1 skipped" and
never named, and the sertraline started a week later was judged from the PHQ-9 the infusion had
left. A dose of a drug whose drug-table row has `fixed_course_days` is therefore a MedicationEvent
like a MedicationStatement's (kind STATEMENT: the record says the drug was taken, it is no order and
no fill), and its course is NOT_A_TRIAL as zuranolone's is (fixed_course.py): shown in the history,
never judged adequate or failed. An inpatient MedicationRequest of the drug needs nothing here: it is
read as any order is (medications.py).

Rules (as administrations.py reads the MAR):
- status `not-done` and `entered-in-error` are not given; any other status is a dose given (or
  started);
- the days are effectivePeriod's start and end, else effectiveDateTime for both; a dose with no
  usable date is a DataGap naming it; one starting after as-of is ignored;
- the dose is weight-based (mcg/kg/hour): no mg/day is read, and none is needed (no adequacy).
Every other administration is left to administrations.read_sessions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from operator import attrgetter
from typing import Any

from fhir_mapping.drug_table import drug_info
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.fhir_fields import JSON_OBJECT, parse_date
from fhir_mapping.gaps import resource_gap
from fhir_mapping.medication_drug import NO_MEDICATIONS, medication_index, read_drug
from fhir_mapping.record import DataGap, SourceRef

Resource = Mapping[str, Any]

_NOT_GIVEN = frozenset({"not-done", "entered-in-error"})
# MedicationAdministration.status as the status a statement of the same fact carries (episodes.py
# reads `active` / `on-hold` as taken now; a completed infusion is `completed`).
_STATUS = {"in-progress": "active", "on-hold": "on-hold", "stopped": "stopped"}
# medication_events' order of its events (medications.py), which the episode builder reads.
_EVENT_ORDER = attrgetter("start", "ingredient", "kind", "source.id")


def _dates(resource: Resource) -> tuple[date | None, date | None]:
    """(start, end) of the dose: effectivePeriod's, else effectiveDateTime for both."""
    when = parse_date(resource.get("effectiveDateTime"))
    if when is not None:
        return when, when
    period = resource.get("effectivePeriod")
    if not isinstance(period, JSON_OBJECT):
        return None, None
    start, end = parse_date(period.get("start")), parse_date(period.get("end"))
    return start or end, end or start


def course_events(
    administrations: Sequence[Resource],
    medication_resources: Iterable[Resource] = (),
    *,
    as_of: date,
) -> tuple[list[MedicationEvent], list[DataGap], list[Resource]]:
    """(the events of the fixed-course drugs among `administrations`, the doses left out, the
    administrations left for administrations.read_sessions). `medication_resources` may hold the
    Medications they reference."""
    medications: Mapping[str, Resource] | None = None
    events: list[MedicationEvent] = []
    gaps: list[DataGap] = []
    rest: list[Resource] = []
    for resource in administrations:
        status = resource.get("status")
        if isinstance(status, str) and status in _NOT_GIVEN:
            rest.append(resource)  # counted as skipped there, as before
            continue
        if medications is None and resource.get("medicationReference") is not None:
            medications = medication_index(medication_resources)
        components, unreadable, _ = read_drug(resource, medications or NO_MEDICATIONS)
        fixed = [
            info
            for c in components
            if (info := drug_info(c.ingredient)) is not None and info.fixed_course_days is not None
        ]
        if unreadable is not None or not fixed:
            rest.append(resource)
            continue
        start, end = _dates(resource)
        if start is None:
            gaps.extend(resource_gap(resource, f"{fixed[0].ingredient} given with no usable date"))
            continue
        if start > as_of:
            continue
        rid = resource.get("id")
        source = SourceRef("MedicationAdministration", rid if isinstance(rid, str) else "")
        said = _STATUS.get(status, "completed") if isinstance(status, str) else "completed"
        for info in fixed:
            events.append(
                MedicationEvent(
                    kind=EventKind.STATEMENT,
                    ingredient=info.ingredient,
                    drug_class=info.drug_class,
                    role=info.role,
                    start=start,
                    end=end,
                    mg_per_day=None,  # weight-based (mcg/kg/hour): no mg/day to judge
                    days_supply=None,
                    status=said,
                    source=source,
                )
            )
    return events, gaps, rest


def with_course_events(
    events: list[MedicationEvent], given: list[MedicationEvent]
) -> list[MedicationEvent]:
    """`events` (medication_events' list, in its order) with `given` added, in the same order."""
    return sorted([*events, *given], key=_EVENT_ORDER) if given else events
