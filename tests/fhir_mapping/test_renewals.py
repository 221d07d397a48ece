"""Review 10 recheck R3: Synthea writes a chronic drug as one MedicationRequest a year (each
`completed` but the last, no dispenseRequest, no MedicationDispense; ../shared/fhir/synthea:
aspirin, simvastatin, Percocet renewed yearly so). With no duration stated each order counts 30
days, so the 11 months between renewals opened gaps longer than new_trial_gap_weeks and four years
of escitalopram maintenance read as four courses and "3 antidepressant trials not adequate".

Renewals of the same drug and dose, each order before stating no supply or end, within
renewal_join_days, are one course (continuity assumed, adherence unverified, the months between
not counted as time on the drug). A stated supply that ran out, a stopped order, a dose change or
a gap of years still starts a new course. Charts are built in Synthea's shape (tests/fixtures/
builders.py defaults) and validated with fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import AdherenceStatus, PatientRecord, Trial
from services.patient_view import patient_view
from services.policy import Policy
from services.rules import adherence_review
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-renewals-1"
Resource = dict[str, Any]
ESCITALOPRAM_20 = ("351250", "escitalopram 20 MG Oral Tablet")
ESCITALOPRAM_10 = ("349332", "escitalopram 10 MG Oral Tablet")
YEARLY = [date(2021, 6, 7), date(2022, 6, 7), date(2023, 6, 7), date(2024, 6, 6)]


def chart(orders: list[Resource], extra: list[Resource] = ()) -> PatientRecord:  # type: ignore[assignment]
    resources: list[Resource] = [
        fb.patient(
            id=P, given="Ana", family="Reyes", gender="female", birth_date=date(1975, 4, 12)
        ),
        fb.condition(
            "http://hl7.org/fhir/sid/icd-10-cm",
            "F33.1",
            "Major depressive disorder, recurrent, moderate",
            date(2021, 5, 24),
            patient=P,
            id="cond-mdd",
        ),
        *orders,
        *extra,
        *fb.phq9(date(2024, 6, 3), 19, 0, patient=P),
        *fb.phq9(date(2025, 5, 19), 18, 0, patient=P),
    ]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P)


def synthea_order(
    day: date, status: str, product: tuple[str, str] = ESCITALOPRAM_20, **kw: Any
) -> Resource:
    return fb.medication_request(
        product[0], product[1], day, status=status, patient=P, id=f"mr-esc-{day}", **kw
    )


def yearly() -> list[Resource]:
    return [synthea_order(day, "active" if day == YEARLY[-1] else "completed") for day in YEARLY]


def escitalopram(record: PatientRecord) -> list[Trial]:
    return [t for t in record.trials if t.ingredient == "escitalopram"]


def test_yearly_synthea_renewals_are_one_course_with_adherence_unverified() -> None:
    record = chart(yearly())
    (trial,) = escitalopram(record)
    assert (trial.start, trial.ongoing) == (date(2021, 6, 7), True)
    assert trial.adherence.status is AdherenceStatus.UNVERIFIED
    assert any(
        n.startswith("continuity assumed from renewals (2022-06-07, 2023-06-07, 2024-06-06)")
        for n in trial.notes
    )
    # The months between renewals are not counted as time on the drug, and (adeq70:
    # adequate_runs.py) a stretch of >= supply_gap_days between them breaks the run: the weeks
    # are the open order's 361 days, not 3 x 30 days + 361 added up. Adequate either way.
    assert round(trial.weeks_at_adequate_dose, 1) == round(361 / 7, 1)
    topics = {r.topic for r in patient_view(record, Policy())}
    assert adherence_review.TOPIC not in topics


def test_renewals_all_completed_are_one_ended_course() -> None:
    record = chart([synthea_order(day, "completed") for day in YEARLY])
    (trial,) = escitalopram(record)
    assert (trial.start, trial.end, trial.ongoing) == (date(2021, 6, 7), date(2024, 7, 6), False)


def test_a_stated_supply_that_ran_out_then_a_later_order_starts_a_new_course() -> None:
    # The 2021 order states 30 days and one fill is on record: the supply ran out in July 2021,
    # and the order a year later is a new course, as before.
    first = synthea_order(YEARLY[0], "completed", expected_supply_days=30)
    fill = fb.medication_dispense(
        ESCITALOPRAM_20[0],
        ESCITALOPRAM_20[1],
        YEARLY[0],
        30,
        30,
        prescription=first["id"],
        patient=P,
        id="md-esc-1",
    )
    record = chart([first, synthea_order(YEARLY[1], "active")], [fill])
    assert [t.start for t in escitalopram(record)] == [YEARLY[0], YEARLY[1]]


def test_a_stopped_order_a_dose_change_or_years_between_still_split() -> None:
    stopped = chart([synthea_order(YEARLY[0], "stopped"), synthea_order(YEARLY[1], "active")])
    assert len(escitalopram(stopped)) == 2
    dose = chart(
        [
            synthea_order(YEARLY[0], "completed", ESCITALOPRAM_10),
            synthea_order(YEARLY[1], "active"),
        ]
    )
    assert len(escitalopram(dose)) == 2
    years = chart(
        [synthea_order(date(2019, 3, 4), "completed"), synthea_order(YEARLY[1], "active")]
    )
    assert len(escitalopram(years)) == 2


def test_yearly_orders_whose_unfilled_refills_reach_the_next_order_are_one_course() -> None:
    # 30 days with 11 refills a year, no pharmacy data: the refills authorised reach the next
    # yearly order; nothing on record shows a stop.
    orders = [
        synthea_order(
            day,
            "active" if day == YEARLY[-1] else "completed",
            expected_supply_days=30,
            repeats=11,
        )
        for day in YEARLY
    ]
    (trial,) = escitalopram(chart(orders))
    assert (trial.start, trial.ongoing) == (date(2021, 6, 7), True)
    assert any(n.startswith("continuity assumed from renewals") for n in trial.notes)
    # With the fills on record showing one month each year, the refills were not taken: four
    # courses, as before.
    fills = [
        fb.medication_dispense(
            ESCITALOPRAM_20[0],
            ESCITALOPRAM_20[1],
            day,
            30,
            30,
            prescription=f"mr-esc-{day}",
            patient=P,
            id=f"md-esc-{day}",
        )
        for day in YEARLY[:-1]
    ]
    assert len(escitalopram(chart(orders, fills))) == 4
