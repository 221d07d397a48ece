"""Review 10 finding 14: a course's "after" PHQ-9 window ends where the next antidepressant
starts. A PHQ-9 taken on the next drug is not the previous drug's outcome; when nothing is left
in the window, the failure is inferred and the cards say which score was left out and why.

The chart is review 10's O_W8 as a US EHR sends it (tests/fixtures/builders.py: US Core
MedicationRequests with a boundsPeriod end, MedicationDispenses, PHQ-9 Observations, an ICD-10-CM
problem-list Condition), each resource validated with fhir.resources R4B. The control is the same
chart without the next drug (the score 3 weeks after the stop is still the outcome); a PHQ-9
taken on the day of the switch stays the previous drug's (the score the switch was decided on).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord, Trial
from services import trial_table
from services.policy import Policy
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-window-1"
Resource = dict[str, Any]
SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")
VENLAFAXINE_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")
SERTRALINE_END = date(2024, 9, 9)
VENLAFAXINE_START = date(2024, 9, 16)


def course(
    drug: tuple[str, str], start: date, rid: str, tablets: int, end: date | None
) -> list[Resource]:
    last = end or AS_OF
    request = fb.medication_request(
        drug[0],
        drug[1],
        start,
        dose_value=tablets,
        status="completed" if end is not None else "active",
        text=f"Take {tablets} by mouth daily",
        expected_supply_days=30,
        repeats=11,
        bounds_end=end,
        patient=P,
        id=rid,
    )
    days = (last - start).days
    return [request] + [
        fb.medication_dispense(
            drug[0],
            drug[1],
            start + timedelta(days=30 * i),
            30,
            30 * tablets,
            dose_value=tablets,
            prescription=rid,
            refill=i > 0,
            patient=P,
            id=f"{rid}-fill-{i}",
        )
        for i in range(-(-days // 30))
    ]


def chart(*, next_drug: bool = True, scores: tuple[tuple[date, int], ...] = ()) -> PatientRecord:
    """Sertraline 150 mg 2024-06-03 to 2024-09-09 (PHQ-9 23 before it); venlafaxine XR 150 mg
    from 2024-09-16 (with `next_drug`); PHQ-9 21 on 2024-09-30, 22 on 2025-01-27, 21 on
    2025-05-19, and `scores`."""
    resources: list[Resource] = [
        fb.patient(id=P, given="Jo", family="Park", gender="female", birth_date=date(1975, 4, 12)),
        fb.condition(
            fb.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 5, 20),
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        *course(SERTRALINE_50, date(2024, 6, 3), "mr-sert", 3, SERTRALINE_END),
    ]
    if next_drug:
        resources += course(VENLAFAXINE_150, VENLAFAXINE_START, "mr-ven", 1, None)
    for day, total in [
        (date(2024, 6, 3), 23),
        (date(2024, 9, 30), 21),
        (date(2025, 1, 27), 22),
        (date(2025, 5, 19), 21),
        *scores,
    ]:
        resources += fb.phq9(day, total, item9=0, patient=P)
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P)


def sertraline(record: PatientRecord) -> Trial:
    return next(t for t in record.trials if t.ingredient == "sertraline")


def test_a_score_taken_on_the_next_drug_is_not_the_previous_drugs_outcome() -> None:
    trial = sertraline(chart())
    assert trial.end == SERTRALINE_END
    assert trial.on_treatment is None
    # Still counted (an adequate course that ended), but as an inferred failure.
    assert trial.failed and trial.outcome_inferred


def test_the_cards_say_which_score_was_left_out_and_why() -> None:
    trial = sertraline(chart())
    why = (
        "PHQ-9 21 on 2024-09-30 was taken on venlafaxine, 14 days into it and 21 days after "
        "sertraline stopped"
    )
    assert trial.outcome_note == why
    assert trial.unmeasured_text == f"no PHQ-9 on treatment ({why})"
    row = trial_table.verdict_text(trial, Policy().mapping)
    assert why in row and "outcome inferred" in row


def test_control_without_a_next_drug_the_score_after_the_stop_is_the_outcome() -> None:
    trial = sertraline(chart(next_drug=False))
    assert trial.on_treatment is not None and trial.on_treatment.date == date(2024, 9, 30)
    assert trial.outcome_note is None
    assert trial.failed and not trial.outcome_inferred


def test_a_score_on_the_day_the_next_drug_starts_after_the_stop_is_its_baseline_only() -> None:
    # Review s23 RC finding 2: taken a week off sertraline, it is venlafaxine's baseline, and one
    # score judges one course: sertraline's failure is inferred from the stop and said so.
    trial = sertraline(chart(scores=((VENLAFAXINE_START, 20),)))
    assert trial.on_treatment is None
    assert trial.failed and trial.outcome_inferred
    assert trial.outcome_note == (
        "PHQ-9 21 on 2024-09-30 was taken on venlafaxine, 14 days into it and 21 days after "
        "sertraline stopped"
    )
