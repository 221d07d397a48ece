"""Partial dates on a medication course (review 10 finding 5): a MedicationStatement dated
"2023" to "2024" (valid FHIR `date`, as C-CDA conversions write a history entry known to the
year) may be two days or two years. It is read as its shortest reading (the latest day the start
allows, the first day the end allows), keeps the dates as written, is adequate only if even that
reading is, and does not place the current episode start.

Charts: one_failed_trial (sertraline failed, depression diagnosed 2025-02-24, as of 2025-06-02)
plus a venlafaxine statement with partial dates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.episode import in_current_episode
from fhir_mapping.fhir_fields import MONTH, YEAR, date_bounds
from fhir_mapping.record import InadequacyReason, PatientRecord, Trial, Verdict, WrittenDates
from services.policy import Policy
from tests.fixtures import builders as b
from tests.fixtures import scenarios

POLICY = Policy()
VENLAFAXINE = ("39786", "venlafaxine")


def statement(start: str | None, end: str | None, *, status: str = "completed") -> dict[str, Any]:
    """Venlafaxine 150 mg daily, dated as a C-CDA history entry known to the year or month."""
    s = scenarios.one_failed_trial()
    resource = b.medication_statement(
        *VENLAFAXINE,
        date(2024, 1, 1),
        status=status,
        dose_value=150,
        dose_unit="mg",
        patient=s.patient_id,
        id="ms-venlafaxine-partial",
    )
    period = {k: v for k, v in (("start", start), ("end", end)) if v is not None}
    resource["effectivePeriod"] = period
    resource.pop("dateAsserted", None)  # C-CDA conversions often send none
    get_fhir_model_class("MedicationStatement").model_validate(resource)  # valid R4
    return resource


def record_with(resource: dict[str, Any]) -> PatientRecord:
    s = scenarios.one_failed_trial()
    return build_record(
        [*s.resources, resource], as_of=s.as_of, patient_id=s.patient_id, policy=POLICY.mapping
    )


def venlafaxine(record: PatientRecord) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == "venlafaxine"]
    return trial


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023", (date(2023, 1, 1), date(2023, 12, 31), YEAR)),
        ("2024-02", (date(2024, 2, 1), date(2024, 2, 29), MONTH)),
        ("2023-12", (date(2023, 12, 1), date(2023, 12, 31), MONTH)),
        ("2024-02-03", (date(2024, 2, 3), date(2024, 2, 3), None)),
        ("2024-02-03T23:30:00-05:00", (date(2024, 2, 3), date(2024, 2, 3), None)),
        ("2023-13", None),
        ("0001", None),
        (2023, None),
    ],
)
def test_date_bounds_gives_the_days_a_partial_date_allows(
    value: object, expected: tuple[date, date, str | None] | None
) -> None:
    assert date_bounds(value) == expected


def test_year_only_dates_are_not_a_52_week_adequate_trial() -> None:
    trial = venlafaxine(record_with(statement("2024", "2025")))
    # Shortest reading: 31 Dec 2024 to 1 Jan 2025, not 1 Jan 2024 to 1 Jan 2025 (52.1 weeks).
    assert (trial.start, trial.end) == (date(2024, 12, 31), date(2025, 1, 1))
    assert trial.weeks_at_adequate_dose < 1
    assert trial.verdict is Verdict.INADEQUATE
    assert trial.reasons == (InadequacyReason.TOO_SHORT,)
    assert not trial.failed
    assert trial.written_dates == WrittenDates("2024", "2025", date(2024, 1, 1), date(2025, 12, 31))
    assert trial.written_dates.precision == "year"


def test_a_partial_start_does_not_move_the_episode_start() -> None:
    record = record_with(statement("2024", "2025"))
    # The depression diagnosis and sertraline state their day (2025-02-24); "2024" is no day.
    assert record.episode_start == date(2025, 2, 24)
    # The course may have run into this episode (its end allows up to 31 Dec 2025): kept in it.
    assert in_current_episode(venlafaxine(record), record.episode_start)


def test_a_course_known_only_to_years_before_the_episode_is_not_in_it() -> None:
    record = record_with(statement("2021", "2022"))
    assert record.episode_start == date(2025, 2, 24)
    assert not in_current_episode(venlafaxine(record), record.episode_start)


def test_month_only_dates_count_only_their_shortest_reading() -> None:
    # March to June: at least 31 Mar to 1 Jun (62 days, 8.9 weeks): adequate even so.
    long = venlafaxine(record_with(statement("2024-03", "2024-06")))
    assert (long.start, long.end) == (date(2024, 3, 31), date(2024, 6, 1))
    assert long.weeks_at_adequate_dose == pytest.approx(62 / 7)
    assert long.verdict is Verdict.ADEQUATE
    assert long.written_dates is not None and long.written_dates.precision == "month"
    # March to May: 31 days on the shortest reading (up to 92 on the longest): not adequate.
    short = venlafaxine(record_with(statement("2024-03", "2024-05")))
    assert short.weeks_at_adequate_dose == pytest.approx(31 / 7)
    assert short.verdict is Verdict.INADEQUATE
    assert InadequacyReason.TOO_SHORT in short.reasons


def test_a_year_only_start_with_a_stated_end_ends_there() -> None:
    trial = venlafaxine(record_with(statement("2024", "2024-06-15")))
    # The start cannot fall after the stated end: the course has no known length.
    assert (trial.start, trial.end) == (date(2024, 6, 15), date(2024, 6, 15))
    assert trial.verdict is Verdict.INADEQUATE
    assert trial.written_dates == WrittenDates("2024", None, date(2024, 1, 1), date(2024, 6, 15))


def test_a_running_course_started_this_year_is_read_not_dropped() -> None:
    # "2025" as of 2025-06-02: its latest day is after as-of; read up to as-of, never left out.
    record = record_with(statement("2025", None, status="active"))
    trial = venlafaxine(record)
    assert trial.ongoing
    assert trial.start == record.as_of
    assert trial.verdict is Verdict.ONGOING
    assert trial.written_dates is not None and trial.written_dates.start == "2025"


def test_full_dates_carry_no_written_dates() -> None:
    trial = venlafaxine(record_with(statement("2024-03-04", "2024-06-03")))
    assert trial.written_dates is None
    assert (trial.start, trial.end) == (date(2024, 3, 4), date(2024, 6, 3))
    assert trial.verdict is Verdict.ADEQUATE
