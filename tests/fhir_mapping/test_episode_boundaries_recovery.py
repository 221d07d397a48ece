"""Recheck 11 finding 1: a depression Condition coded `resolved` or `inactive` with an abatement is
an episode end only when the record shows the recovery it states, and no stated end may leave a
running course that never brought remission out of the episode.

Before, a problem-list recode (F32.9 resolved on 2025-01-15, two days after a PHQ-9 of 21; F33.2
added on 2025-04-01) was read as the end of an episode: sertraline (failed in 2024) and the
venlafaxine running since 2024-09-30 with PHQ-9 21 -> 21 both fell before the "new" episode,
and the chart got no card at all at PHQ-9 21.

Charts are Epic-shaped (ICD-10-CM problem-list Conditions with clinicalStatus and
abatementDateTime, orders with monthly 30-day dispenses, PHQ-9 totals), validated with
fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services.pathway import derive_facts
from services.patient_view import patient_view
from services.policy import Policy
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-episode-recovery-1"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
Resource = dict[str, Any]
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
VENLAFAXINE_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")


def course(product: tuple[str, str], start: date, fills: int, status: str) -> list[Resource]:
    """An order and its monthly 30-day fills (Epic: MedicationRequest + MedicationDispense)."""
    rid = f"mr-{product[0]}-{start}"
    order = fb.medication_request(
        product[0], product[1], start, status=status, patient=P, id=rid, repeats=fills - 1
    )
    dispenses = [
        fb.medication_dispense(
            product[0],
            product[1],
            start + timedelta(days=30 * n),
            30,
            30,
            prescription=rid,
            patient=P,
            id=f"md-{product[0]}-{start}-{n}",
        )
        for n in range(fills)
    ]
    return [order, *dispenses]


def chart(
    *,
    old_code: tuple[str, str],
    status: str,
    abatement: date,
    new_onset: date,
    scores: list[tuple[date, int]],
    courses: list[Resource],
) -> PatientRecord:
    """A first diagnosis ended on the problem list on `abatement`, F33.2 added on `new_onset`."""
    resources: list[Resource] = [
        fb.patient(
            id=P, given="Maya", family="Lindqvist", gender="female", birth_date=date(1979, 4, 2)
        ),
        fb.condition(
            ICD10,
            old_code[0],
            old_code[1],
            date(2024, 1, 8),
            clinical_status=status,
            category="problem-list-item",
            abatement=abatement,
            patient=P,
            id="cond-old",
        ),
        fb.condition(
            ICD10,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            new_onset,
            category="problem-list-item",
            patient=P,
            id="cond-new",
        ),
        *courses,
    ]
    for day, total in scores:
        resources.extend(fb.phq9(day, total, 0, patient=P))
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P)


F32_9 = ("F32.9", "Major depressive disorder, single episode, unspecified")
F33_1 = ("F33.1", "Major depressive disorder, recurrent, moderate")


def topics(record: PatientRecord) -> dict[str, str]:
    return {r.topic: r.summary for r in patient_view(record, Policy())}


def failed(record: PatientRecord) -> list[str]:
    return [t.ingredient for t in derive_facts(record, Policy()).failed_trials]


def test_resolved_two_days_after_phq9_21_is_a_recode_not_an_episode_end() -> None:
    # Chart E1: sertraline 100 mg failed in 2024 (PHQ-9 23 -> 21), venlafaxine 150 mg running
    # since 2024-09-30 (PHQ-9 21 -> 21 -> 21); F32.9 resolved 2025-01-15, F33.2 on 2025-04-01.
    record = chart(
        old_code=F32_9,
        status="resolved",
        abatement=date(2025, 1, 15),
        new_onset=date(2025, 4, 1),
        scores=[
            (date(2024, 6, 3), 23),
            (date(2024, 9, 30), 21),
            (date(2025, 1, 13), 21),
            (date(2025, 5, 19), 21),
        ],
        courses=[
            *course(SERTRALINE_100, date(2024, 6, 3), 4, "completed"),
            *course(VENLAFAXINE_150, date(2024, 9, 30), 9, "active"),
        ],
    )
    assert record.episode_start == date(2024, 6, 3)
    assert failed(record) == ["sertraline", "venlafaxine"]
    shown = topics(record)
    assert shown["optimize-switch-augment"].startswith(
        "2 adequate trials failed (sertraline, venlafaxine)"
    )
    assert "tms-referral" in shown


def test_inactive_with_phq9_20_at_the_abatement_keeps_both_failed_trials() -> None:
    # Chart E3: F33.1 `inactive`, abated 2025-01-02 after a PHQ-9 of 20 on 2024-12-30.
    record = chart(
        old_code=F33_1,
        status="inactive",
        abatement=date(2025, 1, 2),
        new_onset=date(2025, 3, 20),
        scores=[
            (date(2024, 1, 8), 22),
            (date(2024, 5, 6), 21),
            (date(2024, 12, 30), 20),
            (date(2025, 5, 19), 21),
        ],
        courses=[
            *course(SERTRALINE_100, date(2024, 1, 8), 4, "completed"),
            *course(VENLAFAXINE_150, date(2024, 5, 13), 13, "active"),
        ],
    )
    assert record.episode_start == date(2024, 1, 8)
    assert failed(record) == ["sertraline", "venlafaxine"]
    assert "tms-referral" in topics(record)


def test_an_unscored_abatement_never_drops_a_running_course_without_remission() -> None:
    # No PHQ-9 in the 2 months before the abatement (the last, 21, is 2 months and a day
    # earlier) and none after it until the new onset: the scores do not deny the recovery, so
    # the clinician's "resolved" is read. But venlafaxine has run through it since 2024-09-30
    # with no PHQ-9 below 5: left out of the new episode it would be counted nowhere (not a
    # relapse: it never brought remission) and the chart would be silent at PHQ-9 21.
    record = chart(
        old_code=F32_9,
        status="resolved",
        abatement=date(2024, 12, 1),
        new_onset=date(2025, 4, 1),
        scores=[(date(2024, 9, 30), 21), (date(2025, 5, 19), 21)],
        courses=[*course(VENLAFAXINE_150, date(2024, 9, 30), 9, "active")],
    )
    assert record.episode_start == date(2024, 9, 30)
    assert failed(record) == ["venlafaxine"]
    assert topics(record)["optimize-switch-augment"].startswith(
        "1 adequate trial failed (venlafaxine)"
    )


def test_remission_scored_after_the_abatement_is_a_stated_end_and_a_relapse() -> None:
    # Chart E4's shape, the genuine case: sertraline since 2023 brought remission (PHQ-9 3-4),
    # the problem list says resolved on 2024-06-01, PHQ-9 4 two days later, then F33.2 and
    # PHQ-9 16 -> 18 in 2025: a relapse on the running drug, not a failed trial of this episode.
    record = chart(
        old_code=F33_1,
        status="resolved",
        abatement=date(2024, 6, 1),
        new_onset=date(2025, 4, 7),
        scores=[
            (date(2023, 1, 9), 20),
            (date(2023, 4, 3), 8),
            (date(2023, 7, 3), 4),
            (date(2024, 1, 8), 3),
            (date(2024, 6, 3), 4),
            (date(2024, 12, 2), 3),
            (date(2025, 4, 7), 16),
            (date(2025, 5, 19), 18),
        ],
        courses=[*course(SERTRALINE_100, date(2023, 1, 9), 29, "active")],
    )
    assert record.episode_start == date(2025, 4, 7)
    assert failed(record) == []
    assert topics(record)["relapse-on-treatment"].startswith("Relapse on sertraline 100 mg/day")


def test_remission_reached_by_the_abatement_after_a_high_score_is_a_stated_end() -> None:
    # PHQ-9 14 six weeks before the abatement, 4 a week before it, nothing after until the new
    # onset 5 months later: the latest score before the abatement shows the recovery it states,
    # so the 2024 sertraline course (ended in August) belongs to the previous episode.
    record = chart(
        old_code=F33_1,
        status="resolved",
        abatement=date(2024, 11, 1),
        new_onset=date(2025, 4, 1),
        scores=[
            (date(2024, 2, 5), 19),
            (date(2024, 9, 20), 14),
            (date(2024, 10, 25), 4),
            (date(2025, 4, 1), 19),
            (date(2025, 5, 19), 19),
        ],
        courses=[*course(SERTRALINE_100, date(2024, 2, 5), 6, "completed")],
    )
    assert record.episode_start == date(2025, 4, 1)
    assert failed(record) == []
