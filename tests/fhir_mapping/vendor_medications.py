"""Medication history written the way Epic and US Core servers write it (issue 10 fixtures).

Shapes taken from ../shared/fhir/vendor/: Epic's sandbox MedicationRequest
(medplum__epic-sandbox-testdata: a separate Medication with an id longer than 64 characters, RxNorm
codes without display, three doseAndRate entries calculated / admin-amount / ordered, `{tbl}`,
`timing.code.text` "0900" with `timeOfDay` and `count`, dispenseRequest with validityPeriod,
numberOfRepeatsAllowed, quantity and expectedSupplyDuration "Day"), US Core's MedicationDispense
(authorizingPrescription, type FFC / RFC, quantity, whenHandedOver) and US Core's
medication-adherence extension (medicationrequest-coded-oral-axid). The drugs are antidepressants.

Epic ids of 66+ characters break FHIR's 64-character id rule: these resources are deliberately
non-conformant there (the service reads them tolerantly); everything else validates as R4B.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.fhir_mapping.fhir_resources import PATIENT, RXNORM, UCUM, dt, subject

Resource = dict[str, Any]

EPIC_DOSE_TYPE = "http://epic.com/CodeSystem/dose-rate-type"
SERTRALINE_100 = ("312938", "sertraline (ZOLOFT) 100 MG tablet")
VENLAFAXINE_150 = ("808744", "venlafaxine XR (EFFEXOR-XR) 150 MG 24 hr tablet")
SNOMED = "http://snomed.info/sct"
ADHERENCE_URL = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-medication-adherence"


def epic_id(name: str) -> str:
    """An Epic-style FHIR id longer than 64 characters (the sandbox's are 66 to 109)."""
    return ("e" + name + ".QqIjJb3kGhOQBVK3lIYjcil9mb9j-ukNrz6P2y90AiDm3R20Y3" * 2)[:80]


def epic_medication(name: str, rxcui: str, text: str) -> Resource:
    return {
        "resourceType": "Medication",
        "id": epic_id(name),
        "identifier": [
            {
                "use": "usual",
                "system": "urn:oid:1.2.840.114350.1.13.0.1.7.2.698288",
                "value": "70784",
            }
        ],
        "code": {"coding": [{"system": RXNORM, "code": rxcui}], "text": text},
        "form": {
            "coding": [
                {
                    "system": "urn:oid:1.2.840.114350.1.13.0.1.7.4.698288.310",
                    "code": "TABS",
                    "display": "tablet",
                }
            ],
            "text": "tablet",
        },
    }


def _epic_dose(kind: str, tablets: float) -> dict[str, Any]:
    return {
        "type": {
            "coding": [{"system": EPIC_DOSE_TYPE, "code": kind, "display": kind}],
            "text": kind,
        },
        "doseQuantity": {"value": tablets, "unit": "tablet", "system": UCUM, "code": "{tbl}"},
    }


def epic_order(
    oid: str,
    medication: Resource,
    authored: date,
    *,
    status: str = "active",
    tablets: float = 1,
    bounds_end: date | None = None,
    supply_days: int = 28,
    repeats: int = 5,
    **extra: Any,
) -> Resource:
    """An Epic community order: one tablet at 0900 each day, 28 tablets per fill."""
    bounds: dict[str, str] = {"start": authored.isoformat()}
    if bounds_end is not None:
        bounds["end"] = bounds_end.isoformat()
    resource: Resource = {
        "resourceType": "MedicationRequest",
        "id": oid,
        "identifier": [
            {"use": "usual", "system": "urn:oid:1.2.840.114350.1.13.0.1.7.2.798268", "value": oid}
        ],
        "status": status,
        "intent": "order",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/medicationrequest-category",
                        "code": "community",
                        "display": "Community",
                    }
                ],
                "text": "Community",
            }
        ],
        "medicationReference": {
            "reference": f"Medication/{medication['id']}",
            "display": medication["code"]["text"],
        },
        "subject": {"reference": f"Patient/{PATIENT}", "display": "Doe, Jane"},
        "authoredOn": authored.isoformat(),
        "dosageInstruction": [
            {
                "text": f"Take {tablets:g} tablet by mouth 1 (one) time each day.",
                "patientInstruction": f"Take {tablets:g} tablet by mouth 1 (one) time each day.",
                "timing": {
                    "repeat": {"boundsPeriod": bounds, "timeOfDay": ["09:00:00"]},
                    "code": {"text": "0900"},
                },
                "asNeededBoolean": False,
                "doseAndRate": [
                    _epic_dose("calculated", tablets),
                    _epic_dose("admin-amount", tablets),
                    _epic_dose("ordered", tablets),
                ],
            }
        ],
        "dispenseRequest": {
            "validityPeriod": {"start": authored.isoformat()},
            "numberOfRepeatsAllowed": repeats,
            "quantity": {"value": supply_days * tablets, "unit": "tablet"},
            "expectedSupplyDuration": {
                "value": supply_days,
                "unit": "Day",
                "system": UCUM,
                "code": "d",
            },
        },
    }
    resource.update(extra)
    return resource


def dispense(
    did: str,
    drug: tuple[str, str],
    handed_over: date,
    *,
    days: int = 28,
    order: str | None = None,
    refill: bool = False,
) -> Resource:
    """A US Core MedicationDispense: 1 tablet a day, `days` tablets for `days` days."""
    resource: Resource = {
        "resourceType": "MedicationDispense",
        "id": did,
        "status": "completed",
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": drug[0], "display": drug[1]}],
            "text": drug[1],
        },
        "subject": subject(),
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    "code": "RFC" if refill else "FFC",
                    "display": "Refill - Complete" if refill else "First Fill - Complete",
                }
            ]
        },
        "quantity": {"value": days, "unit": "tablet", "system": UCUM, "code": "{tbl}"},
        "daysSupply": {"value": days, "unit": "days", "system": UCUM, "code": "d"},
        "whenHandedOver": dt(handed_over),
        "dosageInstruction": [
            {
                "text": "Take 1 tablet by mouth daily",
                "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [
                    {
                        "doseQuantity": {
                            "value": 1,
                            "unit": "tablet",
                            "system": UCUM,
                            "code": "{tbl}",
                        }
                    }
                ],
            }
        ],
    }
    if order is not None:
        resource["authorizingPrescription"] = [{"reference": f"MedicationRequest/{order}"}]
    return resource


def monthly_dispenses(
    prefix: str, drug: tuple[str, str], first: date, fills: int, *, days: int = 28
) -> list[Resource]:
    return [
        dispense(f"{prefix}-{n}", drug, first + timedelta(days=days * n), days=days, refill=n > 0)
        for n in range(fills)
    ]


def adherence_extension(code: str, display: str, asserted: date) -> dict[str, Any]:
    """US Core medication-adherence extension, as in US Core's medicationrequest-coded-oral-axid."""
    return {
        "extension": [
            {
                "url": "medicationAdherence",
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": SNOMED,
                            "version": "http://snomed.info/sct/731000124108",
                            "code": code,
                            "display": display,
                        }
                    ]
                },
            },
            {"url": "dateAsserted", "valueDateTime": f"{asserted.isoformat()}T08:15:49.449Z"},
            {
                "url": "informationSource",
                "valueCodeableConcept": {
                    "coding": [
                        {"system": SNOMED, "code": "116154003", "display": "Patient (person)"}
                    ]
                },
            },
        ],
        "url": ADHERENCE_URL,
    }
