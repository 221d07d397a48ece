"""The optimise card's esketamine line when the sessions are on the MAR (review 10 finding 10):
a course given in clinic and charted as MedicationAdministrations is counted, and esketamine is
not offered again as untried; with only the clinic order on record, the line says the sessions
were not read when the MAR could not be had, and "not on record" only when it was. Charts are
trd_meets_tms (FHIR, as of 2025-06-02, episode from 2024-10-21) with the course added, mapped by
the real mapping."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B.medicationadministration import MedicationAdministration

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services.policy import Policy
from services.rules import optimize_switch_augment
from tests.fixtures import builders as b
from tests.fixtures import scenarios
from tests.services.helpers import ctx

POLICY = Policy()
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
UNTRIED_ESKETAMINE = "esketamine nasal spray (FDA"  # how the options offer esketamine
JANUARY = date(2025, 1, 6)  # a Monday, in this episode
PID = scenarios.trd_meets_tms().patient_id
NOT_FETCHED = {"MedicationAdministration": "prefetch key 'medicationAdministrations' not sent"}


def twice_weekly(first: date, count: int) -> list[date]:
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() in (0, 3):
            days.append(day)
        day += timedelta(days=1)
    return days


def dose(day: date, n: int) -> dict[str, Any]:
    resource = {
        "resourceType": "MedicationAdministration",
        "id": f"ma-esk-{n}",
        "status": "completed",
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": "2119365", "display": "esketamine"}],
            "text": "Spravato 84 mg (3 x 28 mg devices) intranasal",
        },
        "subject": {"reference": f"Patient/{PID}"},
        "effectiveDateTime": f"{day.isoformat()}T10:00:00-05:00",
        "dosage": {
            "route": {
                "coding": [{"system": "http://snomed.info/sct", "code": "46713006"}],
                "text": "Nasal",
            },
            "dose": {
                "value": 84,
                "unit": "mg",
                "system": "http://unitsofmeasure.org",
                "code": "mg",
            },
        },
    }
    MedicationAdministration.model_validate(resource)
    return resource


def clinic_order(last: date) -> dict[str, Any]:
    return b.medication_request(
        "2119365",
        "esketamine 28 MG per 0.2 ML Nasal Spray [Spravato 84 MG Dose Pack]",
        JANUARY,
        84,
        "mg",
        frequency=2,
        period=1,
        period_unit="wk",
        status="completed",
        text="84 mg intranasally twice weekly under supervision (REMS)",
        bounds_end=last,
        patient=PID,
        id="mr-esketamine",
    )


def detail(extra: Sequence[Any], **gaps: Any) -> str:
    s = scenarios.trd_meets_tms()
    record: PatientRecord = build_record(
        [*s.resources, *extra],
        as_of=s.as_of,
        patient_id=s.patient_id,
        policy=POLICY.mapping,
        **gaps,
    )
    rec = optimize_switch_augment.rule(ctx(record, POLICY))
    assert rec is not None
    return rec.detail or ""


def test_the_base_chart_offers_esketamine() -> None:
    assert UNTRIED_ESKETAMINE in detail([])


def test_a_course_on_the_mar_alone_is_counted_and_not_offered_again() -> None:
    days = twice_weekly(JANUARY, 12)
    text = detail([dose(d, n) for n, d in enumerate(days)])
    assert UNTRIED_ESKETAMINE not in text
    assert (
        f"**Esketamine in this episode:** 2025-01-06 to {days[-1].isoformat()} (12 sessions)"
        in text
    )


def test_the_order_with_its_doses_on_the_mar_counts_them() -> None:
    days = twice_weekly(JANUARY, 12)
    text = detail([clinic_order(days[-1]), *(dose(d, n) for n, d in enumerate(days))])
    assert f"{days[-1].isoformat()} (12 sessions)" in text
    assert "sessions not" not in text


def test_the_order_alone_with_the_mar_not_fetched_says_the_sessions_were_not_read() -> None:
    text = detail([clinic_order(date(2025, 2, 27))], unavailable=NOT_FETCHED)
    assert (
        "**Esketamine in this episode:** 2025-01-06 to 2025-02-27 (sessions not read "
        "(administrations are not fetched))" in text
    )
    assert "sessions not on record" not in text


def test_the_order_alone_with_a_mar_fetched_in_part_says_so() -> None:
    text = detail(
        [clinic_order(date(2025, 2, 27))],
        incomplete={"MedicationAdministration": "next pages could not be read"},
    )
    assert "(sessions not read (administrations were fetched only in part))" in text


def test_the_order_alone_with_everything_read_says_not_on_record() -> None:
    text = detail([clinic_order(date(2025, 2, 27))])
    assert "2025-01-06 to 2025-02-27 (sessions not on record)" in text
