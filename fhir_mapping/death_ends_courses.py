"""A recorded date of death ends every course on that date (review s21 RN finding 2).

Nothing runs after death: a chart read fourteen years after a deceasedDateTime (warfarin and
fluoxetine, orders never closed) still read both as running and got a bleeding-risk warning. So
every course still open at the death ends there, in this one place, before any rule reads the
record: not running, for every check at once (interactions, MAOI washout, doses).

Unless the record itself doubts the date: any record of the patient dated after the death (a
medication record, an encounter, a lab or any Observation, a statement's dateAsserted, a Condition
recorded, an order, a form answered: record_days.py, review s22 RR finding 1), a course start
read after it, or an order being drafted now, means the patient was seen or treated after it, so
the death date may be wrong. The courses are then read as the chart gives them (the safer
reading when the status may be wrong: a lost safety card is the harm), and the record keeps the
first such date (Patient.death_doubted_by) for the deceased card to say so. A deceasedBoolean
without a date ends nothing: there is no date to end at.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from fhir_mapping.events import MedicationEvent
from fhir_mapping.patient_resource import read_patient
from fhir_mapping.record import Patient
from fhir_mapping.record_days import record_days
from fhir_mapping.request_resources import Resource
from fhir_mapping.trial import Trial


def at_death(
    courses: Sequence[Trial],
    kept: Mapping[str, list[Resource]],
    patient_id: str | None,
    as_of: date,
    events: Iterable[MedicationEvent],
    other_days: Iterable[date | None] = (),
    records: Iterable[Resource] = (),
) -> tuple[tuple[Trial, ...], Patient]:
    """The chart's Patient (patient_resource.read_patient) with the first record after its
    recorded death, if any, and the courses ended at that death (module docstring). `kept`: the
    chart's resources by type (its Patient is read). `other_days`: the days of what the readers
    made of the chart (a PHQ-9, a session) and, at an order hook, the as-of day of the order
    drafted now. `records`: every resource of the patient (chart_walk.ChartWalk.own), whatever
    reader takes it, each read by its own dates (record_days.py)."""
    patient = read_patient(kept.get("Patient", []), patient_id, as_of)
    died = patient.deceased_on
    days = days_after(died, events, records, as_of)
    if died is not None:
        days += [day for day in other_days if day is not None and day > died]
    doubted = min(days, default=None)
    if doubted is not None:
        # The last such day too: a record days after a death is often its own paperwork, one
        # years after it contradicts the status (services/deceased.py).
        patient = dataclasses.replace(
            patient, death_doubted_by=doubted, death_last_record=max(days)
        )
    return ended_at_death(courses, died, doubted), patient


def days_after(
    died: date | None,
    events: Iterable[MedicationEvent],
    records: Iterable[Resource],
    as_of: date,
) -> list[date]:
    """Every day after `died` a course starts or one of `records` is dated (record_days.py: an
    encounter, a lab, a statement asserted, a Condition recorded...); [] when none is (or no
    death date)."""
    if died is None:
        return []
    days = [e.start for e in events if e.start > died]
    days.extend(record_days(records, after=died, as_of=as_of))
    return days


def ended_at_death(
    courses: Sequence[Trial], died: date | None, doubted_by: date | None
) -> tuple[Trial, ...]:
    """`courses` with every one still running ended on `died` (module docstring); as they are
    without a death date, or when a record after it makes the date doubtful."""
    if died is None or doubted_by is not None:
        return tuple(courses)
    return tuple(_ended(t, died) if t.ongoing else t for t in courses)


def _ended(course: Trial, died: date) -> Trial:
    return dataclasses.replace(
        course, ongoing=False, end=min(course.end, died), stops_on=None, ends_soon=None
    )
