"""One small patient chart, encoded the way Synthea (and many EHRs) encode it, for the fault tests:
an active sertraline order, a major depressive disorder diagnosis and a PHQ-9 total score."""

from __future__ import annotations

from typing import Any

PATIENT_ID = "p-fault-1"

PATIENT: dict[str, Any] = {
    "resourceType": "Patient",
    "id": PATIENT_ID,
    "gender": "female",
    "birthDate": "1979-05-14",
}

SERTRALINE_ORDER: dict[str, Any] = {
    "resourceType": "MedicationRequest",
    "id": "mr-sertraline-1",
    "status": "active",
    "intent": "order",
    "medicationCodeableConcept": {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "312938",
                "display": "Sertraline 100 MG Oral Tablet",
            }
        ],
        "text": "Sertraline 100 MG Oral Tablet",
    },
    "subject": {"reference": f"Patient/{PATIENT_ID}"},
    "authoredOn": "2024-01-10T09:00:00-05:00",
    "dosageInstruction": [
        {
            "sequence": 1,
            "timing": {"repeat": {"frequency": 1, "period": 1.0, "periodUnit": "d"}},
            "asNeededBoolean": False,
            "doseAndRate": [
                {
                    "type": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/dose-rate-type",
                                "code": "ordered",
                                "display": "Ordered",
                            }
                        ]
                    },
                    "doseQuantity": {"value": 1.0},
                }
            ],
        }
    ],
}

MDD_CONDITION: dict[str, Any] = {
    "resourceType": "Condition",
    "id": "cond-mdd-1",
    "clinicalStatus": {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                "code": "active",
            }
        ]
    },
    "verificationStatus": {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                "code": "confirmed",
            }
        ]
    },
    "category": [
        {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                    "code": "encounter-diagnosis",
                    "display": "Encounter Diagnosis",
                }
            ]
        }
    ],
    "code": {
        "coding": [
            {
                "system": "http://snomed.info/sct",
                "code": "370143000",
                "display": "Major depressive disorder (disorder)",
            }
        ],
        "text": "Major depressive disorder (disorder)",
    },
    "subject": {"reference": f"Patient/{PATIENT_ID}"},
    "onsetDateTime": "2023-11-02T10:00:00-05:00",
    "recordedDate": "2023-11-02T10:00:00-05:00",
}

PHQ9_TOTAL: dict[str, Any] = {
    "resourceType": "Observation",
    "id": "obs-phq9-1",
    "status": "final",
    "category": [
        {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                    "code": "survey",
                    "display": "Survey",
                }
            ]
        }
    ],
    "code": {
        "coding": [
            {
                "system": "http://loinc.org",
                "code": "44261-6",
                "display": "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
            }
        ],
        "text": "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
    },
    "subject": {"reference": f"Patient/{PATIENT_ID}"},
    "effectiveDateTime": "2024-03-01T09:30:00-05:00",
    "issued": "2024-03-01T09:30:00.000-05:00",
    "valueQuantity": {
        "value": 17,
        "unit": "{score}",
        "system": "http://unitsofmeasure.org",
        "code": "{score}",
    },
}

ALL = [PATIENT, SERTRALINE_ORDER, MDD_CONDITION, PHQ9_TOTAL]


def searchset(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [{"resource": r, "search": {"mode": "match"}} for r in resources],
    }


# The service's required keys (services.catalog: medication list, diagnoses, scores), answered by
# the EHR's prefetch; every other key is left absent so the service must fetch it.
REQUIRED_PREFETCH: dict[str, Any] = {
    "medicationRequests": searchset(SERTRALINE_ORDER),
    "conditions": searchset(MDD_CONDITION),
    "observations": searchset(PHQ9_TOTAL),
}
