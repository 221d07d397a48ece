"""Review 7 finding 6 in the mapping: a trial's failure is decided by a PHQ-9 taken once the trial
was adequate (>= MappingPolicy.min_adequate_weeks at >= the minimum dose), never by a week-5
score counted after week 6 passes (REFERENCE.md 0.2: 4 to < 6 weeks is "possibly adequate")."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhir_mapping.adequacy import adequate_from
from fhir_mapping.build import build_record
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import DoseSegment, PatientRecord, Trial, Verdict
from tests.fhir_mapping import fhir_resources as fr
from tests.fhir_mapping.vendor_medications import dispense

Resource = dict[str, Any]
POLICY = MappingPolicy()
AS_OF = date(2025, 6, 2)
VENLAFAXINE_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")
START = date(2025, 4, 14)  # six weeks at 150 mg (>= 75 mg) are reached on 2025-05-26
WEEK_5 = date(2025, 5, 19)


def venlafaxine(start: date = START, fills: int = 2, status: str = "active") -> list[Resource]:
    """An order and monthly 30-day fills of venlafaxine XR 150 mg from `start`."""
    order = fr.medication_request(
        "mr-ven", *VENLAFAXINE_150, start, status=status, supply_days=30, repeats=5
    )
    return [order] + [
        dispense(f"md-ven-{n}", VENLAFAXINE_150, start + timedelta(days=30 * n), days=30)
        for n in range(fills)
    ]


def record_of(*resources: Resource) -> PatientRecord:
    fr.assert_valid(list(resources))
    return build_record([fr.patient(), *resources], as_of=AS_OF, patient_id=fr.PATIENT)


def course(*scores: tuple[date, int], **kw: Any) -> Trial:
    phq9 = [fr.phq9_total(f"phq-{n}", day, value) for n, (day, value) in enumerate(scores)]
    (trial,) = record_of(*venlafaxine(**kw), *phq9).trials
    return trial


def test_the_day_a_course_became_adequate_is_counted_from_adequate_days_only() -> None:
    day = date(2025, 1, 6)
    segments = (
        DoseSegment(day, day + timedelta(days=14), 37.5),  # below 75 mg: not counted
        DoseSegment(day + timedelta(days=14), day + timedelta(days=35), 150),  # 21 days
        DoseSegment(day + timedelta(days=35), day + timedelta(days=42), None),  # unknown dose
        DoseSegment(day + timedelta(days=42), day + timedelta(days=90), 150),
    )
    # 21 days counted before the unknown week; 21 more from day 42: adequate on day 63.
    assert adequate_from(segments, 75, POLICY) == day + timedelta(days=63)
    assert adequate_from(segments[:2], 75, POLICY) is None  # never 6 weeks at >= 75 mg
    assert adequate_from(segments, None, POLICY) is None  # no verified minimum


def test_a_week_5_score_does_not_fail_a_running_trial_that_became_adequate_later() -> None:
    trial = course((START, 22), (WEEK_5, 21))
    assert trial.verdict is Verdict.ADEQUATE and trial.ongoing
    assert trial.adequate_from == date(2025, 5, 26)
    # The score is still shown as the on-treatment PHQ-9; it just does not decide the failure.
    assert trial.on_treatment is not None and trial.on_treatment.date == WEEK_5
    assert trial.outcome_before_adequate and trial.outcome_unmeasured
    assert not trial.failed


def test_a_score_from_the_adequate_period_decides_the_failure() -> None:
    # The control: the same course with a PHQ-9 on the day it became adequate.
    trial = course((START, 22), (WEEK_5, 21), (date(2025, 5, 26), 20))
    assert not trial.outcome_before_adequate and not trial.outcome_unmeasured
    assert trial.failed and not trial.outcome_inferred


def test_a_response_at_week_5_is_still_a_response() -> None:
    trial = course((START, 22), (WEEK_5, 10))
    assert trial.response is True
    assert not trial.outcome_before_adequate and not trial.outcome_unmeasured
    assert not trial.failed


def test_remission_at_week_5_is_still_remission() -> None:
    trial = course((START, 22), (WEEK_5, 4))
    assert trial.remission is True and not trial.outcome_unmeasured and not trial.failed


def test_an_ended_course_scored_only_before_adequacy_is_an_inferred_failure() -> None:
    # Three fills from 2025-01-06 (90 days, ended 2025-04-06), one PHQ-9 at week 5: the course was
    # stopped after 12 weeks, so the Fabbri 2021 phenotype reads a failure, but it is inferred.
    start = date(2025, 1, 6)
    trial = course(
        (start, 22), (start + timedelta(weeks=5), 21), start=start, fills=3, status="stopped"
    )
    assert not trial.ongoing and trial.verdict is Verdict.ADEQUATE
    assert trial.adequate_from == start + timedelta(weeks=6)
    assert trial.failed and trial.outcome_inferred
