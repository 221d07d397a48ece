"""Rule 2e of fhir_mapping/episodes.py (review s19 item 1): a record dated only by the day it was
entered whose status says the drug is not taken now is a past course of unknown dates. Its day
is no record of the drug for the other rules: it neither lengthens another record's assumed
fill (2d), nor cuts another drug's fill as a switch (2b), nor cuts another course's PHQ-9
window (score_windows.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir_mapping import build_record
from fhir_mapping.record import PatientRecord, Trial
from tests.fhir_mapping.fhir_resources import (
    medication_request,
    patient,
    phq9_total,
    subject,
)

AS_OF = date(2024, 6, 1)
SERTRALINE = ("312941", "sertraline 50 MG Oral Tablet")
FLUOXETINE = ("310385", "fluoxetine 20 MG Oral Capsule")


def _entered(sid: str, rxcui: str, display: str, day: date, status: str) -> dict[str, Any]:
    """A med-rec MedicationStatement with no effective[x]: dated only by its dateAsserted."""
    return {
        "resourceType": "MedicationStatement",
        "id": sid,
        "status": status,
        "medicationCodeableConcept": {
            "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": rxcui}],
            "text": display,
        },
        "subject": subject(),
        "dateAsserted": day.isoformat(),
    }


def _record(*resources: dict[str, Any]) -> PatientRecord:
    return build_record([patient(), *resources], as_of=AS_OF)


def _trials(record: PatientRecord, ingredient: str) -> list[Trial]:
    return [t for t in record.trials if t.ingredient == ingredient]


def test_an_entry_of_the_drug_does_not_lengthen_an_order_without_a_duration() -> None:
    # The order states no duration: 30 days assumed. Before, the entry 40 days later was "the
    # next record of the drug" (rule 2d) and stretched the course to it.
    record = _record(
        medication_request("s1", *SERTRALINE, date(2024, 1, 1), status="completed"),
        _entered("e1", *SERTRALINE, date(2024, 2, 10), "completed"),
    )
    (sertraline,) = _trials(record, "sertraline")  # the entry adds no course of its own
    assert (sertraline.start, sertraline.end) == (date(2024, 1, 1), date(2024, 1, 31))


def test_a_reported_past_order_of_another_drug_is_no_switch() -> None:
    reported = medication_request("f1", *FLUOXETINE, date(2024, 1, 20), status="completed")
    reported["reportedBoolean"] = True
    record = _record(
        medication_request("s1", *SERTRALINE, date(2024, 1, 1), status="completed", supply_days=90),
        reported,
    )
    (sertraline,) = _trials(record, "sertraline")
    # Before: the fill was cut at 2024-01-20, the day the fluoxetine entry was written.
    assert sertraline.end == date(2024, 3, 31)
    (fluoxetine,) = _trials(record, "fluoxetine")
    assert (fluoxetine.taken_before, fluoxetine.ongoing) == (date(2024, 1, 20), False)


def test_an_entry_of_another_drug_does_not_cut_the_running_course_out_of_its_score() -> None:
    record = _record(
        phq9_total("p1", date(2024, 1, 1), 20),
        medication_request("s1", *SERTRALINE, date(2024, 1, 1), status="completed", supply_days=90),
        _entered("e1", *FLUOXETINE, date(2024, 1, 20), "completed"),
        phq9_total("p2", date(2024, 3, 15), 18),
    )
    (sertraline,) = _trials(record, "sertraline")
    assert sertraline.on_treatment is not None
    assert sertraline.on_treatment.date == date(2024, 3, 15)
    assert sertraline.outcome_note is None
    (fluoxetine,) = _trials(record, "fluoxetine")
    assert (fluoxetine.baseline, fluoxetine.on_treatment) == (None, None)
