"""Maudsley Staging Method arithmetic: points per dimension, total 3-15, bands."""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.record import FindingKind, PatientRecord, ProcedureKind, Role, Verdict
from services import staging
from services.pathway import derive_facts
from services.policy import Policy
from services.staging import MaudsleyStage, maudsley_stage
from tests.services import factories as f


@pytest.mark.parametrize(
    ("months", "category", "points"),
    [
        (0, "acute", 1),
        (12, "acute", 1),
        (13, "sub-acute", 2),
        (24, "sub-acute", 2),
        (25, "chronic", 3),
        (120, "chronic", 3),
    ],
)
def test_duration_points(months: int, category: str, points: int) -> None:
    assert staging.points_for("duration", months) == (category, points)


@pytest.mark.parametrize(
    ("failed", "points"),
    [(0, 1), (1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3), (7, 4), (10, 4), (11, 5), (30, 5)],
)
def test_failed_medication_points(failed: int, points: int) -> None:
    assert staging.points_for("failed-medications", failed)[1] == points


@pytest.mark.parametrize(
    ("phq9", "points"),
    # 15-19 (Kroenke's moderately severe) is moderate, 20-27 severe (review 10 finding 15).
    [(0, 1), (4, 1), (5, 2), (9, 2), (10, 3), (14, 3), (15, 3), (19, 3), (20, 4), (27, 4)],
)
def test_severity_points_from_phq9(phq9: int, points: int) -> None:
    assert staging.points_for("severity", phq9)[1] == points


@pytest.mark.parametrize(
    ("total", "band"),
    [(3, "mild"), (6, "mild"), (7, "moderate"), (10, "moderate"), (11, "severe"), (15, "severe")],
)
def test_bands(total: int, band: str) -> None:
    assert staging.band_for(total) == band


def test_band_refuses_impossible_totals() -> None:
    with pytest.raises(ValueError):
        staging.band_for(2)
    with pytest.raises(ValueError):
        staging.band_for(16)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2023, 1, 15), date(2024, 1, 15), 12),
        (date(2023, 1, 15), date(2024, 1, 14), 11),
        (date(2023, 1, 31), date(2023, 3, 1), 1),
        (date(2024, 5, 1), date(2024, 4, 1), 0),
    ],
)
def test_months_between(start: date, end: date, months: int) -> None:
    assert staging.months_between(start, end) == months


def _stage(record: PatientRecord) -> MaudsleyStage:
    return maudsley_stage(record, derive_facts(record, Policy()))


def test_minimum_is_three_mild() -> None:
    record = f.record(
        trials=(f.trial(ongoing=True, verdict=Verdict.ONGOING),),
        scores=(f.score(3, date(2024, 5, 1)),),
        findings=(f.mdd(),),
        episode_start=date(2024, 3, 1),
    )
    stage = _stage(record)
    assert [(d.category, d.points) for d in stage.dimensions] == [
        ("acute", 1),
        ("subsyndromal", 1),
        ("none failed: scored as the lowest", 1),
        ("not used", 0),
        ("not used", 0),
    ]
    assert (stage.total, stage.band) == (3, "mild")


def test_maximum_is_fifteen_severe() -> None:
    failures = tuple(
        f.trial(f"drug{i}", f"class{i}", start=date(2021, 1, 4 + i)) for i in range(11)
    )
    record = f.record(
        trials=failures
        + (f.trial("aripiprazole", "SDAM", start=date(2022, 1, 3), role=Role.AUGMENTATION),),
        scores=(f.score(24, date(2024, 5, 1)),),
        findings=(
            f.mdd(),
            f.finding(
                FindingKind.PSYCHOTIC, code="F32.3", display="MDD, severe with psychotic features"
            ),
        ),
        procedures=(f.procedure(ProcedureKind.ECT, date(2023, 9, 1)),),
        episode_start=date(2021, 1, 1),
    )
    stage = _stage(record)
    assert [d.points for d in stage.dimensions] == [3, 5, 5, 1, 1]
    assert (stage.total, stage.band) == (15, "severe")
    assert stage.severity.category == "severe with psychosis"
    assert stage.ect.basis == "ECT on record (2023-09-01)"


def test_trd_patient_is_mild_and_each_basis_is_stated() -> None:
    stage = _stage(f.trd_record())
    # Episode since 2023-01-02 to 2024-06-03 = 17 months: sub-acute (2); PHQ-9 17 (moderately
    # severe) -> moderate, 3 (review 10 finding 15); 2 failures -> 1; no augmentation, no ECT.
    assert [(d.name, d.basis, d.points) for d in stage.dimensions] == [
        ("Duration", "current episode since 2023-01-02 (17 months)", 2),
        ("Severity", "PHQ-9 17 on 2024-05-20", 3),
        ("Failed antidepressants", "2 (sertraline, venlafaxine)", 1),
        ("Augmentation", "none on record", 0),
        ("ECT", "none", 0),
    ]
    assert (stage.total, stage.band) == (6, "mild")


def test_duration_falls_back_to_depression_onset_then_unknown() -> None:
    with_onset = f.trd_record(episode_start=None, findings=(f.mdd(onset=date(2021, 5, 1)),))
    assert _stage(with_onset).duration.basis == "depression onset 2021-05-01 (37 months)"
    assert _stage(with_onset).duration.points == 3
    unknown = f.record(findings=(f.mdd(onset=None),), episode_start=None)
    assert _stage(unknown).duration.basis == "onset unknown: scored as acute"
    assert _stage(unknown).duration.points == 1


def test_ect_before_the_episode_does_not_count() -> None:
    record = f.trd_record(procedures=(f.procedure(ProcedureKind.ECT, date(2019, 1, 1)),))
    assert _stage(record).ect.points == 0
