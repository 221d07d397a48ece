"""Whether the record states a course's length, and the one reason said when it does not
(review s20 W2 item 1).

A too-short course whose length the record does not state is not known to be too short: its
weeks are counted from a duration assumed for a record without one (rule 2d of episodes.py), or
up to the day its stop was only recorded by (Trial.end_not_recorded: rules 2f/2g), or it had
ended by the day it was entered (Trial.taken_before). Every surface (the cards' and the
packet's verdict, the timeline's "Why:", `--explain`) names that reason with
`length_not_recorded`, never "too short". Here, under fhir_mapping, because --explain
(fhir_mapping/explain.py) says it too.
"""

from __future__ import annotations

from fhir_mapping.record import Trial


def whole_course_assumed(trial: Trial) -> int | None:
    """The days counted when the course's whole length is the assumed one (one record without a
    duration and nothing after it), else None: its end is then not a date the record states."""
    days = trial.assumed_days
    if days is None or trial.ongoing or (trial.end - trial.start).days != days:
        return None
    return days


def reported_undated(trial: Trial) -> bool:
    """A course dated only by the day it was entered (Trial.entry_dated: a statement with only
    dateAsserted, a patient-reported order's authoredOn) that is no running course: one that had
    ended by that day (Trial.taken_before), or one whose whole length is the assumed one and
    whose dates are not partial: no line names that day as the day the course began. A
    statement with an effectiveDateTime states a day it was taken: not this."""
    return trial.taken_before is not None or (
        trial.entry_dated
        and trial.written_dates is None
        and whole_course_assumed(trial) is not None
    )


def listed_undated(trial: Trial) -> bool:
    """A course whose every record is a MedicationStatement dated only by its dateAsserted (no
    effective[x]: Trial.entry_dated) and that is not a past course (Trial.taken_before): a drug
    listed as taken on the day the statement was recorded (review s23 RT finding 2). FHIR R4
    MedicationStatement.dateAsserted is "when the statement was asserted by the information
    source", not when the drug was begun: it may have begun years before or the day before.
    Its start is said "start not recorded (listed 2026-10-02)" and it is never an adequate trial
    on the listing alone (fhir_mapping/listed_start.py). A statement with effectivePeriod.start
    or effectiveDateTime states a day it was taken: not this; nor a course with an order or a
    fill, whose own dates carry it."""
    return (
        trial.entry_dated
        and trial.taken_before is None
        and trial.written_dates is None
        and bool(trial.sources)
        and all(s.resource_type == "MedicationStatement" for s in trial.sources)
    )


def listed_text(trial: Trial) -> str:
    """ "start not recorded (listed 2026-10-02)": a `listed_undated` course's start, as a course
    of an end-only statement says "start not recorded"."""
    return f"start not recorded (listed {trial.start.isoformat()})"


def length_unknown(trial: Trial) -> bool:
    """Whether the record states no length of the course: its whole length is the assumed one
    (`whole_course_assumed`), it had ended by the day it was entered and states no dates
    (Trial.taken_before), or its end is only the day its stop was recorded by
    (Trial.end_not_recorded: the last dose may have been any day before)."""
    return (
        trial.taken_before is not None
        or trial.end_not_recorded
        or whole_course_assumed(trial) is not None
    )


def length_not_recorded(trial: Trial) -> str | None:
    """ "duration not recorded" for a course whose length the record does not state
    (`length_unknown`); "dates not recorded" for one reported without dates, whose start is not
    on record either (recheck 2 of review 16, W2); "adequacy to confirm: start not recorded
    (listed 2026-10-02)" for a course known only from a listing (`listed_undated`); None when
    its length is on record."""
    if listed_undated(trial):  # review s23 RT finding 2: never measured from the listing
        return f"adequacy to confirm: {listed_text(trial)}"
    if not length_unknown(trial):
        return None
    return "dates not recorded" if reported_undated(trial) else "duration not recorded"


def duration_to_confirm(trial: Trial) -> bool:
    """Whether the course is not adequate only because its end was not recorded (session 21 F3
    item 1, fhir_mapping/duration_to_confirm.py: Trial.shown_until): counted up to the day its
    stop was recorded by it was an adequate trial, on the time other records show it was not.
    Such a course is "adequacy to confirm" wherever it is listed: never a failed trial, never
    "too short"."""
    return trial.shown_until is not None and not trial.ongoing


def duration_to_confirm_text(trial: Trial) -> str | None:
    """ "adequacy to confirm: stopped on or before 2025-03-24, duration not recorded (at most 11
    weeks)" for a `duration_to_confirm` course, its weeks those counted up to the recorded stop;
    None for any other course."""
    if not duration_to_confirm(trial):
        return None
    weeks = f"{trial.weeks_at_adequate_dose:.1f}".removesuffix(".0")  # as card_format.fmt_weeks
    return (
        f"adequacy to confirm: stopped on or before {trial.end.isoformat()}, duration not "
        f"recorded (at most {weeks} weeks)"
    )
