"""Wave 4 K1: the "adherence not verified ... (outside record, no fills seen)" note of the days
only an outside statement covers (adherence.outside_tail) has its own field,
`Adherence.not_verified`. It used to be written into `Adherence.documented`, the field every card
reads as adherence a clinician recorded (US Core medication-adherence extension): beside POOR
local fills the adherence card said "sertraline non-adherence documented" and the trials table
"non-adherence adherence not verified ...", a non-adherence nobody documented.

The chart is a US EHR's (tests/fixtures/builders.py: a US Core MedicationRequest with a
boundsPeriod, MedicationDispenses with daysSupply, PHQ-9 Observations, an ICD-10-CM problem-list
Condition); the outside continuation is an Epic Care Everywhere MedicationStatement (organisation
by display, Epic external identifier, meta.tag "external"). Each resource is validated with
fhir.resources R4B.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import AdherenceStatus, PatientRecord, Trial
from services.packet import render_packet
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules import adherence_review
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-outside-poor-1"
Resource = dict[str, Any]
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
SNOMED = "http://snomed.info/sct"
ADHERENCE_URL = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-medication-adherence"
OUTSIDE_LINE = (
    "adherence not verified 2024-05-28 – 2024-08-12: outside record from Baptist Health "
    "(Care Everywhere), no fills seen (MedicationStatement/ce-sert-2)"
)


def continuation() -> Resource:
    """Epic Care Everywhere: sertraline 100 mg daily 2024-05-28 -> 2024-08-12, completed."""
    statement = fb.medication_statement(
        SERTRALINE_100[0],
        SERTRALINE_100[1],
        date(2024, 5, 28),
        date(2024, 8, 12),
        status="completed",
        dose_value=100,
        dose_unit="mg",
        text="1 tab daily",
        patient=P,
        date_asserted=date(2024, 8, 12),
        id="ce-sert-2",
    )
    statement["informationSource"] = {"display": "Baptist Health (Care Everywhere)"}
    statement["identifier"] = [
        {"system": "urn:oid:1.2.840.114350.1.13.999.2.7.2.798268", "value": "ce-sert-2"}
    ]
    statement["meta"] = {
        **statement["meta"],
        "tag": [
            {
                "system": "urn:oid:1.2.840.114350.1.72.3.15",
                "code": "external",
                "display": "Care Everywhere",
            }
        ],
    }
    return statement


def partial_non_compliance(asserted: date) -> dict[str, Any]:
    """US Core medication-adherence extension, as in US Core's medicationrequest-coded-oral-axid."""
    return {
        "url": ADHERENCE_URL,
        "extension": [
            {
                "url": "medicationAdherence",
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": SNOMED,
                            "code": "275928001",
                            "display": "Drugs - partial non-compliance",
                        }
                    ]
                },
            },
            {"url": "dateAsserted", "valueDateTime": f"{asserted.isoformat()}T08:15:49Z"},
        ],
    }


def chart(*, outside: bool = True, reported: bool = False) -> PatientRecord:
    """Local sertraline 100 mg ordered 2024-01-08 -> 2024-05-27 but filled only three times
    (2024-01-08, 02-07, 04-07: 30 days each, nothing from 03-08 to 04-07): POOR by its PDC.
    `outside`: then the Care Everywhere continuation to 2024-08-12. `reported`: the order
    carries a documented partial non-compliance (2024-04-01)."""
    order = fb.medication_request(
        SERTRALINE_100[0],
        SERTRALINE_100[1],
        date(2024, 1, 8),
        status="completed",
        text="Take 1 tablet by mouth daily",
        expected_supply_days=30,
        repeats=5,
        bounds_end=date(2024, 5, 27),
        patient=P,
        id="mr-sert",
    )
    if reported:
        order["extension"] = [partial_non_compliance(date(2024, 4, 1))]
    resources: list[Resource] = [
        fb.patient(
            id=P, given="Dana", family="Ortiz", gender="female", birth_date=date(1975, 4, 12)
        ),
        fb.condition(
            fb.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 1, 8),
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        order,
        *[
            fb.medication_dispense(
                SERTRALINE_100[0],
                SERTRALINE_100[1],
                day,
                30,
                30,
                prescription="mr-sert",
                refill=i > 0,
                patient=P,
                id=f"md-sert-{i}",
            )
            for i, day in enumerate([date(2024, 1, 8), date(2024, 2, 7), date(2024, 4, 7)])
        ],
        *([continuation()] if outside else []),
    ]
    for day, total in [(date(2024, 1, 8), 22), (date(2024, 6, 3), 21), (date(2025, 5, 19), 22)]:
        resources += fb.phq9(day, total, item9=0, patient=P)
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P)


def sertraline(record: PatientRecord) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == "sertraline"]
    return trial


def texts(recs: Iterable[Recommendation]) -> str:
    return "\n".join(f"{r.summary}\n{r.detail}" for r in recs)


def test_outside_days_are_not_verified_not_documented() -> None:
    adherence = sertraline(chart()).adherence
    assert adherence.status is AdherenceStatus.POOR  # the local fills contradict adherence
    assert adherence.pdc is not None and adherence.pdc < 0.8
    assert adherence.documented is None  # nobody documented anything
    assert adherence.not_verified == OUTSIDE_LINE


def test_poor_fills_with_outside_days_never_say_non_adherence_documented() -> None:
    record = chart()
    recs = patient_view(record, Policy())
    shown = texts(recs) + render_packet(record, Policy())
    assert "non-adherence" not in shown
    review = {r.topic: r for r in recs}[adherence_review.TOPIC]
    pdc = f"{round(sertraline(record).adherence.pdc * 100)} %"  # type: ignore[operator]
    assert f"sertraline PDC {pdc}" in review.summary
    # The outside days are still named, as what they are.
    assert OUTSIDE_LINE in review.detail


def test_documented_non_compliance_and_outside_days_stay_apart() -> None:
    adherence = sertraline(chart(reported=True)).adherence
    assert adherence.status is AdherenceStatus.POOR
    assert adherence.documented is not None
    assert adherence.documented.startswith("documented (2024-04-01): Drugs - partial non-comp")
    assert "not verified" not in adherence.documented
    assert adherence.not_verified == OUTSIDE_LINE
    review = {r.topic: r for r in patient_view(chart(reported=True), Policy())}
    assert "sertraline non-adherence documented" in review[adherence_review.TOPIC].summary


def test_no_outside_statement_control() -> None:
    adherence = sertraline(chart(outside=False)).adherence
    assert adherence.status is AdherenceStatus.POOR
    assert adherence.documented is None and adherence.not_verified is None
