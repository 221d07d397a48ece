"""record_days: the days a patient's records are dated after a day (review s22 RR finding 1)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir_mapping.record_days import record_days

DIED, AS_OF = date(2012, 7, 31), date(2026, 12, 1)


def _days(*records: dict[str, Any]) -> list[date]:
    return record_days(list(records), after=DIED, as_of=AS_OF)


def test_each_kind_by_its_own_elements() -> None:
    assert _days(
        {"resourceType": "Observation", "effectiveDateTime": "2025-05-06T09:30:00-05:00"},
        {"resourceType": "Observation", "effectivePeriod": {"start": "2025-05-07"}},
        {"resourceType": "MedicationStatement", "effectivePeriod": {"start": "2010-02-01"}},
        {"resourceType": "MedicationStatement", "dateAsserted": "2025-09-10"},
        {"resourceType": "Condition", "onsetDateTime": "2006-01-24", "recordedDate": "2025-03-03"},
        {"resourceType": "ServiceRequest", "authoredOn": "2025-02-11"},
        {"resourceType": "QuestionnaireResponse", "authored": "2025-06-20"},
        {"resourceType": "Encounter", "period": {"start": "2014-03-05"}},
    ) == [
        date(2025, 5, 6),
        date(2025, 5, 7),
        date(2025, 9, 10),
        date(2025, 3, 3),
        date(2025, 2, 11),
        date(2025, 6, 20),
        date(2014, 3, 5),
    ]


def test_what_does_not_count() -> None:
    assert (
        _days(
            {
                "resourceType": "Observation",
                "status": "entered-in-error",
                "effectiveDateTime": "2025",
            },
            {"resourceType": "Observation", "effectiveDateTime": "2012-07-31"},  # the death's day
            {"resourceType": "Observation", "effectiveDateTime": "2027-01-05"},  # after as-of
            # A result issued after the death of a sample drawn before it says nothing of the patient.
            {
                "resourceType": "Observation",
                "effectiveDateTime": "2012-07-30",
                "issued": "2012-08-02",
            },
            {"resourceType": "Patient", "birthDate": "2013-01-01"},
            {"resourceType": "Condition", "recordedDate": {"not": "a date"}},
        )
        == []
    )
