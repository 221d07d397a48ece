"""Review 10 finding 8: a drug whose order ended (a stated boundsPeriod end, or status
stopped) and that is ordered again later is one drug with two courses. The later course is judged
on its own, and the time between the two orders is a stop the prescriber made: it never counts
against adherence ("adherence contradicted by refill data" was said of a fully filled restart).

The chart is review 10's E5 as a US EHR sends it (tests/fixtures/builders.py: US Core
MedicationRequests with a boundsPeriod, MedicationDispenses with daysSupply, PHQ-9 Observations,
an ICD-10-CM problem-list Condition), each resource validated with fhir.resources R4B. The control
is the same fills under one open order: a refill gap the record does not explain stays
non-adherence.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import AdherenceStatus, InadequacyReason, PatientRecord, Verdict
from services.patient_view import patient_view
from services.policy import Policy
from services.rules import adherence_review, optimize_switch_augment
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-restart-1"
Resource = dict[str, Any]
ESCITALOPRAM_20 = ("351250", "escitalopram 20 MG Oral Tablet")


def order(rid: str, start: date, *, status: str, end: date | None) -> Resource:
    return fb.medication_request(
        ESCITALOPRAM_20[0],
        ESCITALOPRAM_20[1],
        start,
        dose_value=1,
        status=status,
        text="Take 1 tablet by mouth daily",
        expected_supply_days=30,
        repeats=3,
        bounds_end=end,
        patient=P,
        id=rid,
    )


def fills(prefix: str, first: date, count: int, prescription: str) -> list[Resource]:
    return [
        fb.medication_dispense(
            ESCITALOPRAM_20[0],
            ESCITALOPRAM_20[1],
            first + timedelta(days=30 * i),
            30,
            30,
            prescription=prescription,
            refill=i > 0,
            patient=P,
            id=f"{prefix}-{i}",
        )
        for i in range(count)
    ]


def chart(*, restarted: bool = True) -> PatientRecord:
    """Escitalopram 20 mg: order 1 from 2024-06-03, ended by its boundsPeriod on 2024-07-29 and
    completed (two fills); order 2 on 2024-10-21 to 2024-12-30 (three fills, on time). With
    `restarted` False the same fills hang off one open order that never ended (control)."""
    if restarted:
        orders = [
            order("mr-esc1", date(2024, 6, 3), status="completed", end=date(2024, 7, 29)),
            order("mr-esc2", date(2024, 10, 21), status="completed", end=date(2024, 12, 30)),
        ]
        second = "mr-esc2"
    else:
        orders = [order("mr-esc1", date(2024, 6, 3), status="active", end=None)]
        second = "mr-esc1"
    resources: list[Resource] = [
        fb.patient(
            id=P, given="Sam", family="Reyes", gender="female", birth_date=date(1975, 4, 12)
        ),
        fb.condition(
            fb.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 5, 20),
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        *orders,
        *fills("md-esc1", date(2024, 6, 3), 2, "mr-esc1"),
        *fills("md-esc2", date(2024, 10, 21), 3, second),
    ]
    for day, total in [
        (date(2024, 6, 3), 23),
        (date(2024, 9, 30), 21),
        (date(2025, 1, 27), 22),
        (date(2025, 5, 19), 21),
    ]:
        resources += fb.phq9(day, total, item9=0, patient=P)
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P)


def test_an_order_ended_and_a_new_order_later_are_two_courses_of_one_drug() -> None:
    trials = chart().trials
    assert [(t.ingredient, t.start, t.end) for t in trials] == [
        ("escitalopram", date(2024, 6, 3), date(2024, 7, 29)),
        ("escitalopram", date(2024, 10, 21), date(2024, 12, 30)),
    ]
    first, latest = trials
    assert "ended by its order on 2024-07-29; ordered again on 2024-10-21" in first.notes
    assert any(
        n.startswith("ordered again on 2024-10-21 after its order ended") for n in latest.notes
    )


def test_the_planned_gap_never_counts_against_adherence() -> None:
    for trial in chart().trials:
        assert trial.adherence.status is AdherenceStatus.VERIFIED
        assert trial.adherence.pdc == 1.0
        assert not trial.adherence.supply_gaps and not trial.adherence.refill_gaps
        assert InadequacyReason.POOR_ADHERENCE not in trial.reasons


def test_the_latest_course_is_judged_on_its_own() -> None:
    latest = chart().trials[-1]
    assert latest.verdict is Verdict.ADEQUATE
    assert latest.weeks_at_adequate_dose == 10.0
    assert latest.baseline is not None and latest.baseline.value == 21
    assert latest.on_treatment is not None and latest.on_treatment.value == 22
    assert latest.failed and not latest.outcome_inferred


def test_cards_count_the_drug_once_and_blame_no_one() -> None:
    recs = {r.topic: r for r in patient_view(chart(), Policy())}
    assert adherence_review.TOPIC not in recs
    card = recs[optimize_switch_augment.TOPIC]
    assert card.summary.startswith("1 adequate trial failed (escitalopram)")


def test_control_a_gap_under_one_open_order_stays_non_adherence() -> None:
    """The same fills with no order ending between them: the 80 days without supply are what the
    record shows, a refill gap, and the card says so (so the tests above can fail)."""
    record = chart(restarted=False)
    assert len(record.trials) == 1
    assert record.trials[0].adherence.status is AdherenceStatus.POOR
    recs = {r.topic: r for r in patient_view(record, Policy())}
    assert "adherence contradicted by refill data" in recs[adherence_review.TOPIC].detail


def test_renewals_marked_completed_with_no_stated_end_stay_one_course() -> None:
    # Synthea and EHRs mark each renewed order of a continuous course `completed`, often with no
    # duration (counted 30 days): months between renewals are not a stop the prescriber made.
    # Sertraline renewed at visits 2023-2025, each order completed but the last, no boundsPeriod.
    renewals = [date(2023, 1, 9), date(2023, 6, 12), date(2023, 12, 4), date(2024, 6, 3)]
    resources: list[Resource] = [
        fb.patient(
            id=P, given="Sam", family="Reyes", gender="female", birth_date=date(1975, 4, 12)
        ),
        *(
            fb.medication_request(
                "312940",
                "sertraline 100 MG Oral Tablet",
                day,
                status="active" if day == renewals[-1] else "completed",
                patient=P,
                id=f"mr-ser-{i}",
            )
            for i, day in enumerate(renewals)
        ),
    ]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    record = build_record(resources, as_of=AS_OF, patient_id=P)
    (trial,) = [t for t in record.trials if t.ingredient == "sertraline"]
    assert trial.start == date(2023, 1, 9)
    assert not any("ended by its order" in note for note in trial.notes)
