"""Hand-written FHIR R4 medication resources, one per encoding the mapping must read.

Encoded as EHRs and Synthea write them: RxNorm SCD codes with the strength only in the display
(Synthea: tall-man displays, `doseQuantity {value: 1}` without a unit), UCUM-coded doses in mg or
tablets (US EHRs), SNOMED units of presentation (dm+d style), free-text sigs, brand names in text
only, contained and bundled Medication resources. Every resource validates against
fhir.resources.R4B (test_medications.py checks it). Plain dicts: nothing from fhir_mapping.
"""

from __future__ import annotations

from typing import Any

Resource = dict[str, Any]

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
GTS = "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation"
PATIENT = {"reference": "Patient/pat-1"}
ORDERED = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/dose-rate-type",
            "code": "ordered",
            "display": "Ordered",
        }
    ]
}


def rxnorm(code: str, display: str | None = None, text: str | None = None) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": RXNORM, "code": code}
    if display is not None:
        coding["display"] = display
    concept: dict[str, Any] = {"coding": [coding]}
    if text is not None:
        concept["text"] = text
    return concept


def daily(per_day: int = 1, period: float = 1, unit: str = "d") -> dict[str, Any]:
    return {"repeat": {"frequency": per_day, "period": period, "periodUnit": unit}}


def dose_mg(value: float, timing: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "timing": timing or daily(),
        "doseAndRate": [
            {
                "type": ORDERED,
                "doseQuantity": {"value": value, "unit": "mg", "system": UCUM, "code": "mg"},
            }
        ],
    }
    line.update(extra)
    return line


def dose_tablets(value: float, timing: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "timing": timing or daily(),
        "doseAndRate": [
            {
                "type": ORDERED,
                "doseQuantity": {"value": value, "unit": "tablet", "system": UCUM, "code": "{tbl}"},
            }
        ],
    }


def synthea_dose() -> dict[str, Any]:
    """Synthea's dosageInstruction: one unit daily, no unit on the dose."""
    return {
        "sequence": 1,
        "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
        "asNeededBoolean": False,
        "doseAndRate": [{"type": ORDERED, "doseQuantity": {"value": 1}}],
    }


def request(
    rid: str,
    *,
    concept: dict[str, Any] | None = None,
    reference: str | None = None,
    authored: str | None = "2024-01-10T09:30:00-05:00",
    dosage: list[dict[str, Any]] | None = None,
    status: str = "active",
    intent: str = "order",
    **extra: Any,
) -> Resource:
    resource: Resource = {
        "resourceType": "MedicationRequest",
        "id": rid,
        "status": status,
        "intent": intent,
    }
    if concept is not None:
        resource["medicationCodeableConcept"] = concept
    if reference is not None:
        resource["medicationReference"] = {"reference": reference}
    resource["subject"] = PATIENT
    if authored is not None:
        resource["authoredOn"] = authored
    if dosage is not None:
        resource["dosageInstruction"] = dosage
    resource.update(extra)
    return resource


def statement(
    rid: str,
    *,
    concept: dict[str, Any],
    status: str = "active",
    dosage: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Resource:
    resource: Resource = {
        "resourceType": "MedicationStatement",
        "id": rid,
        "status": status,
        "medicationCodeableConcept": concept,
        "subject": PATIENT,
    }
    if dosage is not None:
        resource["dosage"] = dosage
    resource.update(extra)
    return resource


def dispense(
    rid: str,
    *,
    concept: dict[str, Any],
    status: str = "completed",
    handed_over: str | None = "2024-01-11T14:00:00-05:00",
    **extra: Any,
) -> Resource:
    resource: Resource = {
        "resourceType": "MedicationDispense",
        "id": rid,
        "status": status,
        "medicationCodeableConcept": concept,
        "subject": PATIENT,
    }
    if handed_over is not None:
        resource["whenHandedOver"] = handed_over
    resource.update(extra)
    return resource


# --- Medication resources ------------------------------------------------------------------

SERTRALINE_MEDICATION: Resource = {
    "resourceType": "Medication",
    "id": "4f3a1c2e-8b7d-4e6f-9a01-2b3c4d5e6f70",
    "code": rxnorm("312941", "sertraline 50 MG Oral Tablet", "sertraline 50 MG Oral Tablet"),
    "status": "active",
}

# No code at all: what the medication is and how strong it is comes from its ingredient.
INGREDIENT_ONLY_MEDICATION: Resource = {
    "resourceType": "Medication",
    "id": "med-compounded-1",
    "form": {
        "coding": [{"system": SNOMED, "code": "385055001", "display": "Tablet"}],
        "text": "tablet",
    },
    "ingredient": [
        {
            "itemCodeableConcept": {
                "coding": [{"system": RXNORM, "code": "36437", "display": "sertraline"}],
                "text": "sertraline",
            },
            "isActive": True,
            "strength": {
                "numerator": {"value": 50, "unit": "mg", "system": UCUM, "code": "mg"},
                "denominator": {"value": 1, "unit": "tablet", "system": UCUM, "code": "{tbl}"},
            },
        }
    ],
}

SOLUTION_MEDICATION: Resource = {
    "resourceType": "Medication",
    "id": "med-fluoxetine-solution",
    "code": {"text": "fluoxetine oral solution"},
    "ingredient": [
        {
            "itemCodeableConcept": {"text": "fluoxetine hydrochloride"},
            "strength": {
                "numerator": {"value": 20, "unit": "mg", "system": UCUM, "code": "mg"},
                "denominator": {"value": 5, "unit": "mL", "system": UCUM, "code": "mL"},
            },
        }
    ],
}


def contained_request() -> Resource:
    """MedicationRequest with a contained Medication ("#med1"), as Epic exports compounded or
    free-text drugs."""
    medication = {
        "resourceType": "Medication",
        "id": "med1",
        "code": {
            "coding": [{"system": RXNORM, "code": "72625", "display": "duloxetine"}],
            "text": "DULoxetine 60 MG Delayed Release Oral Capsule",
        },
    }
    return request(
        "mr-contained-1",
        reference="#med1",
        contained=[medication],
        dosage=[
            {
                "text": "Take 1 capsule by mouth every morning",
                "timing": {
                    "repeat": {"frequency": 1, "period": 1, "periodUnit": "d", "when": ["MORN"]}
                },
                "doseAndRate": [
                    {
                        "type": ORDERED,
                        "doseQuantity": {
                            "value": 1,
                            "unit": "capsule",
                            "system": UCUM,
                            "code": "{capsule}",
                        },
                    }
                ],
            }
        ],
    )
