"""An order the ward gives holds its dose over the stay only (session 26 LA item 1; left open by
review s25 FX finding 8).

A ward's order (MedicationRequest.category `inpatient`, admission_codes.is_ward_order; or an
order the ward's MAR doses name, ward_courses.py) is given on the ward and recorded on the MAR;
no pharmacy fills it for home. Before, the mapping read it as any order: its dose counted from
its "first fill", the first home fill after it (first_fill.py), and an order outranks a fill of
the same day, so sertraline 200 mg/day given for 10 days on the ward, then home fills of 50
mg/day, read 50 on the ward and 200 for the first month at home (a dose never taken at home,
counted as weeks at an adequate dose). So:

- a ward order takes no home fill as its first fill (`first_fill_in_window`): its dose counts
  from its own day, as the MAR gives it;
- a finished ward order (status completed or stopped) with no stated end ends the day after the
  last dose the MAR shows given under it (`ended_on_ward`): the stay is over;
- after a finished ward order's end, the dose taken before it holds again (`after_the_ward`)
  until another record states one: the home supply the patient goes back to. A record dated
  during the stay or on its last day (a discharge prescription) states the dose itself. With no
  dose before the stay (the drug begun on the ward), the ward's dose holds until the next record,
  as any dose does: the record says nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from fhir_mapping.adherence_record import DoseReading, WardDose
from fhir_mapping.events import MedicationEvent
from fhir_mapping.medication_types import ORDER_ENDED


def ended_on_ward(event: MedicationEvent, run: Sequence[WardDose]) -> MedicationEvent:
    """`event`, an order that the MAR `run`'s doses name, marked a ward order; when it is
    finished and states no end, ended the day after the last dose given under it."""
    given = [d.day for d in run if d.reading is DoseReading.TAKEN]
    end = event.end
    if end is None and event.status in ORDER_ENDED and given:
        last = max(given)
        if last >= event.start:
            end = last + timedelta(days=1)
    if event.ward_order and end == event.end:
        return event
    return replace(event, ward_order=True, end=end)


def after_the_ward(
    timeline: Sequence[tuple[date, Any]], events: Sequence[MedicationEvent]
) -> list[tuple[date, Any]]:
    """A course's dose timeline (dose_timeline._timeline) with the dose before each finished ward
    order back from its end (module docstring), unless another record's dose starts between the
    order's day and its end (inclusive) or on the day after it."""
    entries = list(timeline)
    for event in events:
        end = event.end
        if not event.ward_order or end is None or event.status not in ORDER_ENDED:
            continue
        before = [dose for day, dose in entries if day < event.start]
        during = [day for day, _ in entries if event.start < day <= end]
        if not before or during or before[-1] is None:
            continue
        entries.append((end, before[-1]))
        entries.sort(key=lambda entry: entry[0])
    merged: list[tuple[date, Any]] = []
    for entry in entries:
        if not merged or merged[-1][1] != entry[1]:
            merged.append(entry)
    return merged
