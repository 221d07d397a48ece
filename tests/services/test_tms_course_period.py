"""A TMS course documented as one Procedure with a performedPeriod (patient-view review
finding 9): its dates are the period's, never its first day twice, and no session count is made
up for it."""

from __future__ import annotations

from datetime import date

from fhir_mapping.context import procedure_facts
from fhir_mapping.record import ProcedureKind
from services import tms_course
from services.policy import Policy
from tests.services import factories as f


def _course_procedure(start: str, end: str) -> dict[str, object]:
    return {
        "resourceType": "Procedure",
        "id": "tms-course-2019",
        "status": "completed",
        "code": {
            "coding": [
                {
                    "system": "http://www.ama-assn.org/go/cpt",
                    "code": "90868",
                    "display": "Therapeutic repetitive transcranial magnetic stimulation (TMS) "
                    "treatment; subsequent delivery and management, per session",
                }
            ]
        },
        "subject": {"reference": "Patient/p1"},
        "performedPeriod": {"start": start, "end": end},
    }


def test_the_period_end_is_read_with_the_procedure() -> None:
    (record,), _ = procedure_facts(
        _course_procedure("2019-01-07", "2019-02-15"), as_of=date(2025, 6, 2)
    )
    assert (record.kind, record.date, record.performed_end) == (
        ProcedureKind.TMS,
        date(2019, 1, 7),
        date(2019, 2, 15),
    )
    (one_day,), _ = procedure_facts(
        _course_procedure("2019-01-07", "2019-01-07"), as_of=date(2025, 6, 2)
    )
    assert one_day.performed_end is None


def test_a_course_documented_as_a_period_keeps_its_dates_and_counts_no_sessions() -> None:
    (procedure,), _ = procedure_facts(
        _course_procedure("2019-01-07", "2019-02-15"), as_of=date(2025, 6, 2)
    )
    (course,) = tms_course.courses(f.trd_record(procedures=(procedure,)), Policy())
    assert course.dates() == "2019-01-07 - 2019-02-15"
    assert course.sessions_text() == "sessions not counted (documented as a period)"


def test_sessions_a_day_each_are_counted_as_before() -> None:
    days = [date(2019, 1, 7 + d) for d in range(5)]
    sessions = tuple(f.procedure(ProcedureKind.TMS, d, code="90868") for d in days)
    (course,) = tms_course.courses(f.trd_record(procedures=sessions), Policy())
    assert (course.dates(), course.sessions_text()) == ("2019-01-07 - 2019-01-11", "5 sessions")
    (single,) = tms_course.courses(f.trd_record(procedures=sessions[:1]), Policy())
    assert single.sessions_text() == "1 session"
