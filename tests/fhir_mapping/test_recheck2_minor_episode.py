"""Recheck 2 finding 6: an episode end written only as abatementString (the C-CDA / Oracle shape).

Before, `episode._abatement` read abatementDateTime and abatementPeriod only, so "Resolved spring
2024 per patient" on a resolved F33.1 (chart E7) was ignored: the 2023 sertraline trial of the
previous episode counted toward TMS with no word. Now a text holding a full date is read as
abatementDateTime is; a year or month only when both its first and last day make a stated end;
otherwise the Condition is a DataGap (episode.UNDATED_END) and the TMS criterion names the trials
before the new diagnosis "to confirm". Charts: Epic/Oracle-shaped problem-list Conditions
(tests/fixtures/builders.py), orders with monthly fills, PHQ-9 totals; validated against R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping import episode
from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord, SourceRef
from services.data_gaps import annotate
from services.patient_view import patient_view
from services.policy import Policy
from tests.fhir_mapping.test_episode_boundaries import (
    ESCITALOPRAM_20,
    ICD10,
    SERTRALINE_100,
    VENLAFAXINE_150,
    P,
    course,
)
from tests.fixtures import builders as fb

Resource = dict[str, Any]
AS_OF = date(2025, 6, 2)


def _resolved(text: str | None, onset: date) -> Resource:
    """F33.1 resolved, its end written as text only (no abatementDateTime)."""
    resource = fb.condition(
        ICD10,
        "F33.1",
        "Major depressive disorder, recurrent, moderate",
        onset,
        clinical_status="resolved",
        category="problem-list-item",
        patient=P,
        id="cond-old",
    )
    resource.pop("abatementDateTime", None)
    if text is not None:
        resource["abatementString"] = text
    return resource


def _build(resources: list[Resource]) -> PatientRecord:
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P)


def e7(text: str) -> PatientRecord:
    """Chart E7: sertraline failed in 2023 (PHQ-9 21 -> 19), venlafaxine brought remission
    (PHQ-9 3, 3 in 2024) and stopped 2024-07; F33.2 from 2025-01-13 with escitalopram running
    and failing (PHQ-9 20, 20). The venlafaxine-free time before F33.2 is under 6 months."""
    return _build(
        [
            fb.patient(
                id=P, given="Ana", family="Reyes", gender="female", birth_date=date(1979, 4, 2)
            ),
            _resolved(text, date(2023, 1, 9)),
            fb.condition(
                ICD10,
                "F33.2",
                "Major depressive disorder, recurrent severe without psychotic features",
                date(2025, 1, 13),
                category="problem-list-item",
                patient=P,
                id="cond-new",
            ),
            *course(SERTRALINE_100, date(2023, 1, 9), 5, "completed"),
            *course(VENLAFAXINE_150, date(2023, 6, 5), 14, "completed"),
            *course(ESCITALOPRAM_20, date(2025, 1, 13), 5, "active"),
            *fb.phq9(date(2023, 1, 9), 21, 0, patient=P),
            *fb.phq9(date(2023, 6, 5), 19, 0, patient=P),
            *fb.phq9(date(2024, 4, 1), 3, 0, patient=P),
            *fb.phq9(date(2024, 6, 3), 3, 0, patient=P),
            *fb.phq9(date(2025, 1, 13), 20, 0, patient=P),
            *fb.phq9(date(2025, 5, 19), 20, 0, patient=P),
        ]
    )


def _screen(record: PatientRecord) -> dict[str, str]:
    """The cards as shown, by topic, with their "Data not read" lines (data_gaps.annotate)."""
    return {r.topic: r.detail for r in annotate(patient_view(record, Policy()), record)}


def _tms(record: PatientRecord) -> str:
    return _screen(record)["tms-referral"]


def test_a_text_end_holding_a_full_date_is_read_as_the_abatement() -> None:
    # Resolved 2024-06-10; F33.2 seven months later, PHQ-9 3 before it: a stated end.
    record = e7("Resolved 2024-06-10 per patient")
    assert record.episode_start == date(2025, 1, 13)
    assert record.gaps == ()


def test_a_text_end_without_a_day_too_near_the_new_diagnosis_names_the_earlier_trials() -> None:
    # "spring 2024": the year only; its last day (2024-12-31) is two weeks before F33.2, so the
    # end is not read (the trials stay) and the TMS criterion names sertraline "to confirm".
    record = e7("Resolved spring 2024 per patient")
    assert record.episode_start == date(2023, 1, 9)
    assert [(g.reason, g.source) for g in record.gaps] == [
        (episode.UNDATED_END, SourceRef("Condition", "cond-old"))
    ]
    screen = _screen(record)
    tms = screen["tms-referral"]
    assert "to confirm: trials before 2025-01-13 may be a previous episode (sertraline)" in tms
    # The Condition whose end was not read is named once on the screen (audit 15 W3: the "Data
    # not read" block is listed on the first card it touches; the TMS card points to it).
    naming = [topic for topic, detail in screen.items() if "Condition/cond-old" in detail]
    assert naming == ["optimize-switch-augment"]
    assert "**Data not read**" in tms and "listed on the Optimise, switch or augment card" in tms


def test_a_text_end_with_no_date_names_the_earlier_trials_too() -> None:
    record = e7("Resolved per patient report")
    assert record.episode_start == date(2023, 1, 9)
    assert [g.reason for g in record.gaps] == [episode.UNDATED_END]
    assert "may be a previous episode (sertraline)" in _tms(record)


def test_a_year_whose_first_and_last_day_both_end_the_episode_is_a_stated_end() -> None:
    # "resolved 2022", sertraline from 2021, F33.2 and escitalopram from 2025-03: a stated end.
    record = _build(
        [
            fb.patient(
                id=P, given="Ana", family="Reyes", gender="female", birth_date=date(1979, 4, 2)
            ),
            _resolved("resolved 2022", date(2021, 2, 1)),
            fb.condition(
                ICD10,
                "F33.2",
                "Major depressive disorder, recurrent severe without psychotic features",
                date(2025, 3, 10),
                category="problem-list-item",
                patient=P,
                id="cond-new",
            ),
            *course(SERTRALINE_100, date(2021, 2, 1), 6, "completed"),
            *course(ESCITALOPRAM_20, date(2025, 3, 17), 3, "active"),
            *fb.phq9(date(2021, 2, 1), 22, 0, patient=P),
            *fb.phq9(date(2025, 3, 10), 22, 0, patient=P),
        ]
    )
    assert record.episode_start == date(2025, 3, 10)
    assert record.gaps == ()


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("Resolved 2024-03-15", (date(2024, 3, 15), date(2024, 3, 15))),
        ("in remission since March 2023", (date(2023, 3, 1), date(2023, 3, 31))),
        ("resolved Sept. 2022", (date(2022, 9, 1), date(2022, 9, 30))),
        ("resolved 03/15/2024", (date(2024, 1, 1), date(2024, 12, 31))),  # m/d order unsure
        ("Resolved spring 2024 per patient", (date(2024, 1, 1), date(2024, 12, 31))),
        ("marked resolved 2021-2022", (date(2021, 1, 1), date(2022, 12, 31))),
        ("resolved per patient", None),
    ],
)
def test_the_dates_an_abatement_string_holds(text: str, bounds: tuple[date, date] | None) -> None:
    assert episode._text_end({"abatementString": text}) == bounds
