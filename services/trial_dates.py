"""What a course's dates rest on (review 6 finding 8): a start or a duration the record does not
state is said as such on the cards and in the packet, never shown as measured history.

- Duration not recorded: a course with no stated end, supply or later record is counted
  ASSUMED_DAYS_WITHOUT_DURATION days from its start (fhir_mapping/episodes.py rule 2d, the
  conservative reading), which the Trial carries as `assumed_days`. The weeks are shown as
  "duration not recorded (counted as 30 days)", not "4.3 weeks".
- Start not recorded: a MedicationStatement with only `effectivePeriod.end` (C-CDA conversions)
  gets its end as its start (fhir_mapping/medications.py), so the course has no length. A course
  of statements alone that begins and ends on one day is read as that: "start not recorded"
  with the date it ended, not "30 Sep 2024 – 30 Sep 2024, 0 weeks".
"""

from __future__ import annotations

from fhir_mapping.record import Trial


def start_unknown(trial: Trial) -> bool:
    """A course of MedicationStatements alone, ended, starting and ending on one day: the shape
    a statement with only `effectivePeriod.end` takes (its end read as its start). Only
    statements: an order or a fill always states its own date."""
    return (
        not trial.ongoing
        and trial.end == trial.start
        and bool(trial.sources)
        and all(s.resource_type == "MedicationStatement" for s in trial.sources)
    )


def start_iso(trial: Trial) -> str:
    """The date a card line names a course by: its start ("2024-09-30"), or "ended 2024-09-30"
    when the start is not recorded (the line's reasons say so)."""
    if start_unknown(trial):
        return f"ended {trial.end.isoformat()}"
    return trial.start.isoformat()


def whole_course_assumed(trial: Trial) -> int | None:
    """The days counted when the course's whole length is the assumed one (one record without a
    duration and nothing after it), else None: its end is then not a date the record states."""
    days = trial.assumed_days
    if days is None or trial.ongoing or (trial.end - trial.start).days != days:
        return None
    return days


def weeks_cell(trial: Trial, weeks: str) -> str:
    """The packet's weeks-at-an-adequate-dose cell: `weeks` (formatted), or what it rests on."""
    if start_unknown(trial):
        return "not known (start not recorded)"
    days = trial.assumed_days
    if days is not None:
        return f"{weeks} (duration not recorded: {days} days counted)"
    return weeks
