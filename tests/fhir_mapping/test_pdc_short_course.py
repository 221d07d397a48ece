"""No PDC for a course the fills cannot judge (never claim more than the record shows).

One 30-day fill and a 10-day course read "PDC 100 %" and "refills on time": no refill was due, so
the number said nothing and the words claimed adherence. Now such a course has no PDC; it is
unverified and worded by its first fill ("one fill (2024-01-08, 30 days) covers the course: no
refill was due"). A single fill that leaves the course uncovered keeps its low PDC and POOR: that is
what the record shows. Charts are US Core shaped (tests/fixtures/builders.py), validated against
fhir.resources R4B and mapped by build_record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.adherence import dispense_adherence
from fhir_mapping.build import build_record
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import AdherenceStatus, Fill, Role, SourceRef, Trial
from services import cards
from services.timeline import wording
from tests.fixtures import builders as fb

POLICY = MappingPolicy()
P = "pt-pdc-1"
Resource = dict[str, Any]
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")


def dispense(day: date, supply: float, rid: str | None = None) -> MedicationEvent:
    return MedicationEvent(
        kind=EventKind.DISPENSE,
        ingredient="sertraline",
        drug_class="SSRI",
        role=Role.ANTIDEPRESSANT,
        start=day,
        end=None,
        mg_per_day=100.0,
        days_supply=supply,
        status="completed",
        source=SourceRef("MedicationDispense", rid or day.isoformat()),
    )


# --- adherence.py ----------------------------------------------------------------------------------


def test_a_10_day_course_on_a_30_day_fill_has_no_pdc_and_is_unverified() -> None:
    result = dispense_adherence(
        [dispense(date(2024, 1, 8), 30)], window_end=date(2024, 1, 18), policy=POLICY
    )
    assert result.pdc is None
    assert result.status is AdherenceStatus.UNVERIFIED
    assert result.first_fill == Fill(date(2024, 1, 8), 30)
    assert result.fills == 1


def test_a_refill_before_the_first_supply_ran_out_is_still_too_short_to_judge() -> None:
    # A 90-day fill and an early refill at day 60, course 70 days: no refill was due.
    result = dispense_adherence(
        [dispense(date(2024, 1, 1), 90), dispense(date(2024, 3, 1), 90)],
        window_end=date(2024, 3, 11),
        policy=POLICY,
    )
    assert (result.pdc, result.status) == (None, AdherenceStatus.UNVERIFIED)
    assert result.first_fill == Fill(date(2024, 1, 1), 90)


def test_two_strengths_handed_over_together_are_one_fill_day() -> None:
    # 100 mg + 50 mg on one day, each 30 days, course 35 days: a refill was hardly due (PDC
    # 86 % would have read "refills on time"); the day's longest supply is the first fill's.
    both = [dispense(date(2024, 1, 1), 30, "a"), dispense(date(2024, 1, 1), 30, "b")]
    result = dispense_adherence(both, window_end=date(2024, 2, 5), policy=POLICY)
    assert (result.pdc, result.status) == (None, AdherenceStatus.UNVERIFIED)
    assert result.first_fill == Fill(date(2024, 1, 1), 30)
    assert result.fills == 2


def test_a_single_fill_that_leaves_the_course_uncovered_keeps_its_pdc_and_poor() -> None:
    result = dispense_adherence(
        [dispense(date(2024, 1, 1), 30)], window_end=date(2024, 3, 1), policy=POLICY
    )
    assert result.pdc == round(30 / 60, 4)
    assert result.status is AdherenceStatus.POOR
    assert result.first_fill is None


def test_a_course_with_refills_due_and_made_keeps_its_pdc() -> None:
    result = dispense_adherence(
        [dispense(date(2024, 1, 1), 30), dispense(date(2024, 1, 31), 30)],
        window_end=date(2024, 3, 1),
        policy=POLICY,
    )
    assert (result.pdc, result.status) == (1.0, AdherenceStatus.VERIFIED)
    assert result.first_fill is None


# --- a chart, and what the cards and the timeline say ------------------------------------------


def short_course() -> Trial:
    """Sertraline ordered 2024-01-08, one 30-day fill the same day, stopped 2024-01-18."""
    resources: list[Resource] = [
        fb.patient(id=P, given="Ana", family="Reyes", gender="female", birth_date=date(1975, 3, 1)),
        fb.medication_request(
            SERTRALINE_100[0],
            SERTRALINE_100[1],
            date(2024, 1, 8),
            dose_value=1,
            frequency=1,
            status="stopped",
            bounds_end=date(2024, 1, 18),
            expected_supply_days=30,
            patient=P,
            id="mr-s",
        ),
        fb.medication_dispense(
            SERTRALINE_100[0],
            SERTRALINE_100[1],
            date(2024, 1, 8),
            30,
            30,
            patient=P,
            prescription="mr-s",
            id="md-s",
        ),
    ]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    record = build_record(resources, as_of=date(2024, 6, 3), patient_id=P)
    (trial,) = record.trials
    return trial


def test_the_short_course_names_its_one_fill_and_claims_no_pdc() -> None:
    trial = short_course()
    assert trial.adherence.pdc is None
    assert trial.adherence.first_fill == Fill(date(2024, 1, 8), 30)
    text = cards.adherence_text(trial)
    assert text == "unverified; one fill (2024-01-08, 30 days) covers the course: no refill was due"
    assert "PDC" not in text and "on time" not in text
    timeline = wording.adherence_text(trial)
    assert timeline == (
        "Adherence unverified · 1 fill from 8 Jan 2024 (30 days) covering the course: no refill due"
    )
