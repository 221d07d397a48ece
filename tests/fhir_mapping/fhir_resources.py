"""Hand-written FHIR R4 resources for the mapping tests, encoded as US EHRs and Synthea do.

Each function returns one plain JSON dict; `assert_valid` checks it against fhir.resources R4B.
Kept deliberately literal (no clever defaults): what a test asserts should be visible here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

Resource = dict[str, Any]

PATIENT = "p-001"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
CPT = "http://www.ama-assn.org/go/cpt"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
UCUM = "http://unitsofmeasure.org"


def assert_valid(resources: Iterable[Resource]) -> None:
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def dt(day: date) -> str:
    return f"{day.isoformat()}T09:30:00-05:00"


def subject(patient: str = PATIENT) -> dict[str, str]:
    return {"reference": f"Patient/{patient}"}


def patient(pid: str = PATIENT, birth: str = "1980-06-15", gender: str = "female") -> Resource:
    return {
        "resourceType": "Patient",
        "id": pid,
        "meta": {"profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"]},
        "identifier": [{"system": "http://hospital.example.org/mrn", "value": f"MRN-{pid}"}],
        "name": [{"family": "Doe", "given": ["Jane"]}],
        "gender": gender,
        "birthDate": birth,
    }


# --- observations --------------------------------------------------------------------------------


def _observation(
    oid: str,
    code: str,
    display: str,
    day: date,
    *,
    status: str = "final",
    encounter: str | None = None,
    patient: str = PATIENT,
) -> Resource:
    resource: Resource = {
        "resourceType": "Observation",
        "id": oid,
        "status": status,
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
        "code": {"coding": [{"system": LOINC, "code": code, "display": display}], "text": display},
        "subject": subject(patient),
        "effectiveDateTime": dt(day),
        "issued": f"{day.isoformat()}T09:45:00.000-05:00",
    }
    if encounter:
        resource["encounter"] = {"reference": f"Encounter/{encounter}"}
    return resource


def score_quantity(value: int) -> dict[str, Any]:
    return {"value": value, "unit": "{score}", "system": UCUM, "code": "{score}"}


def phq9_total(
    oid: str,
    day: date,
    value: int,
    *,
    code: str = "44261-6",
    integer: bool = False,
    status: str = "final",
    encounter: str | None = None,
    patient: str = PATIENT,
) -> Resource:
    display = (
        "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"
        if code == "44261-6"
        else "Patient Health Questionnaire-9: Modified for Teens total score [Reported.PHQ.Teen]"
    )
    resource = _observation(
        oid, code, display, day, status=status, encounter=encounter, patient=patient
    )
    if integer:
        resource["valueInteger"] = value
    else:
        resource["valueQuantity"] = score_quantity(value)
    return resource


ITEM9_DISPLAY = "Thoughts that you would be better off dead, or of hurting yourself in some way"
ANSWERS = {
    0: ("LA6568-5", "Not at all"),
    1: ("LA6569-3", "Several days"),
    2: ("LA6570-1", "More than half the days"),
    3: ("LA6571-9", "Nearly every day"),
}


def item9_value(value: int, answer: bool) -> dict[str, Any]:
    if answer:
        code, display = ANSWERS[value]
        return {
            "valueCodeableConcept": {
                "coding": [{"system": LOINC, "code": code, "display": display}],
                "text": display,
            }
        }
    return {"valueInteger": value}


def item9(
    oid: str,
    day: date,
    value: int,
    *,
    answer: bool = False,
    encounter: str | None = None,
    derived_from: str | None = None,
    status: str = "final",
) -> Resource:
    resource = _observation(oid, "44260-8", ITEM9_DISPLAY, day, status=status, encounter=encounter)
    resource.update(item9_value(value, answer))
    if derived_from:
        resource["derivedFrom"] = [{"reference": f"Observation/{derived_from}"}]
    return resource


def phq9_panel(
    oid: str,
    day: date,
    *,
    total: int | None,
    item9_score: int | None,
    answer: bool = False,
    members: Iterable[str] = (),
    status: str = "final",
) -> Resource:
    resource = _observation(
        oid, "44249-1", "PHQ-9 quick depression assessment panel [Reported.PHQ]", day, status=status
    )
    components = []
    if item9_score is not None:
        components.append(
            {
                "code": {
                    "coding": [{"system": LOINC, "code": "44260-8", "display": ITEM9_DISPLAY}]
                },
                **item9_value(item9_score, answer),
            }
        )
    if total is not None:
        components.append(
            {
                "code": {
                    "coding": [
                        {
                            "system": LOINC,
                            "code": "44261-6",
                            "display": "PHQ-9 total score [Reported]",
                        }
                    ]
                },
                "valueQuantity": score_quantity(total),
            }
        )
    if components:
        resource["component"] = components
    member_refs = [{"reference": f"Observation/{m}"} for m in members]
    if member_refs:
        resource["hasMember"] = member_refs
    return resource


def phq2(oid: str, day: date, value: int) -> Resource:
    resource = _observation(
        oid, "55758-7", "Patient Health Questionnaire 2 item (PHQ-2) total score [Reported]", day
    )
    resource["valueQuantity"] = score_quantity(value)
    return resource


def gad7(oid: str, day: date, value: int) -> Resource:
    resource = _observation(
        oid,
        "70274-6",
        "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
        day,
    )
    resource["valueQuantity"] = score_quantity(value)
    return resource


def lab(
    oid: str,
    code: str,
    display: str,
    day: date,
    value: float,
    unit: str,
    *,
    interpretation: str | None = None,
    low: float | None = None,
    high: float | None = None,
    status: str = "final",
) -> Resource:
    resource = _observation(oid, code, display, day, status=status)
    resource["category"][0]["coding"][0].update({"code": "laboratory", "display": "Laboratory"})
    resource["valueQuantity"] = {"value": value, "unit": unit, "system": UCUM, "code": unit}
    if interpretation:
        resource["interpretation"] = [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                        "code": interpretation,
                    }
                ]
            }
        ]
    if low is not None or high is not None:
        reference: dict[str, Any] = {}
        if low is not None:
            reference["low"] = {"value": low, "unit": unit, "system": UCUM, "code": unit}
        if high is not None:
            reference["high"] = {"value": high, "unit": unit, "system": UCUM, "code": unit}
        resource["referenceRange"] = [reference]
    return resource


# --- conditions, procedures, devices, service requests ---------------------------------------------


def condition(
    cid: str,
    system: str,
    code: str,
    display: str,
    onset: date,
    *,
    clinical: str | None = "active",
    verification: str = "confirmed",
    abatement: date | None = None,
    patient: str = PATIENT,
) -> Resource:
    resource: Resource = {
        "resourceType": "Condition",
        "id": cid,
        "verificationStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    "code": verification,
                }
            ]
        },
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                        "code": "problem-list-item",
                        "display": "Problem List Item",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": system, "code": code, "display": display}], "text": display},
        "subject": subject(patient),
        "onsetDateTime": dt(onset),
        "recordedDate": dt(onset),
    }
    if clinical is not None:
        resource["clinicalStatus"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": clinical,
                }
            ]
        }
    if abatement is not None:
        resource["abatementDateTime"] = dt(abatement)
    return resource


def procedure(
    pid: str,
    system: str | None,
    code: str | None,
    display: str,
    day: date,
    *,
    status: str = "completed",
) -> Resource:
    concept: dict[str, Any] = {"text": display}
    if system and code:
        concept["coding"] = [{"system": system, "code": code, "display": display}]
    return {
        "resourceType": "Procedure",
        "id": pid,
        "status": status,
        "code": concept,
        "subject": subject(),
        "performedPeriod": {"start": dt(day), "end": f"{day.isoformat()}T10:20:00-05:00"},
    }


def device(did: str, code: str | None, display: str, *, status: str = "active") -> Resource:
    resource: Resource = {
        "resourceType": "Device",
        "id": did,
        "status": status,
        "deviceName": [{"name": display, "type": "user-friendly-name"}],
        "patient": subject(),
    }
    if code:
        resource["type"] = {
            "coding": [{"system": SNOMED, "code": code, "display": display}],
            "text": display,
        }
    return resource


def service_request(
    sid: str,
    system: str | None,
    code: str | None,
    display: str,
    authored: date,
    *,
    status: str = "active",
    intent: str = "order",
) -> Resource:
    concept: dict[str, Any] = {"text": display}
    if system and code:
        concept["coding"] = [{"system": system, "code": code, "display": display}]
    return {
        "resourceType": "ServiceRequest",
        "id": sid,
        "status": status,
        "intent": intent,
        "code": concept,
        "subject": subject(),
        "authoredOn": dt(authored),
    }


# --- medications -----------------------------------------------------------------------------------


def medication_request(
    mid: str,
    rxcui: str,
    display: str,
    authored: date,
    *,
    status: str = "active",
    dose: float = 1,
    dose_unit: str | None = None,
    per_day: int = 1,
    supply_days: int | None = None,
    repeats: int | None = None,
    patient: str = PATIENT,
) -> Resource:
    quantity: dict[str, Any] = {"value": dose}
    if dose_unit:
        quantity.update({"unit": dose_unit, "system": UCUM, "code": dose_unit})
    resource: Resource = {
        "resourceType": "MedicationRequest",
        "id": mid,
        "status": status,
        "intent": "order",
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": rxcui, "display": display}],
            "text": display,
        },
        "subject": subject(patient),
        "authoredOn": dt(authored),
        "dosageInstruction": [
            {
                "sequence": 1,
                "timing": {"repeat": {"frequency": per_day, "period": 1, "periodUnit": "d"}},
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
                        "doseQuantity": quantity,
                    }
                ],
            }
        ],
    }
    if supply_days is not None:
        dispense: dict[str, Any] = {
            "expectedSupplyDuration": {
                "value": supply_days,
                "unit": "days",
                "system": UCUM,
                "code": "d",
            }
        }
        if repeats is not None:
            dispense["numberOfRepeatsAllowed"] = repeats
        resource["dispenseRequest"] = dispense
    return resource


def medication_dispense(
    did: str,
    rxcui: str,
    display: str,
    handed_over: date,
    days_supply: int,
    quantity: int,
    *,
    status: str = "completed",
) -> Resource:
    return {
        "resourceType": "MedicationDispense",
        "id": did,
        "status": status,
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": rxcui, "display": display}],
            "text": display,
        },
        "subject": subject(),
        "quantity": {
            "value": quantity,
            "unit": "TAB",
            "system": "http://terminology.hl7.org/CodeSystem/v3-orderableDrugForm",
            "code": "TAB",
        },
        "daysSupply": {"value": days_supply, "unit": "days", "system": UCUM, "code": "d"},
        "whenHandedOver": dt(handed_over),
        "dosageInstruction": [
            {
                "text": "Take 1 tablet by mouth daily",
                "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [
                    {
                        "doseQuantity": {
                            "value": 1,
                            "unit": "TAB",
                            "system": "http://terminology.hl7.org/CodeSystem/v3-orderableDrugForm",
                            "code": "TAB",
                        }
                    }
                ],
            }
        ],
    }


def medication_statement(
    sid: str,
    rxcui: str,
    display: str,
    start: date,
    *,
    status: str = "active",
    end: date | None = None,
    dose_mg: float | None = None,
    sig: str | None = None,
) -> Resource:
    dosage: dict[str, Any] = {
        "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}}
    }
    if sig:
        dosage["text"] = sig
    if dose_mg is not None:
        dosage["doseAndRate"] = [
            {"doseQuantity": {"value": dose_mg, "unit": "mg", "system": UCUM, "code": "mg"}}
        ]
    period: dict[str, str] = {"start": dt(start)}
    if end is not None:
        period["end"] = dt(end)
    return {
        "resourceType": "MedicationStatement",
        "id": sid,
        "status": status,
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": rxcui, "display": display}],
            "text": display,
        },
        "subject": subject(),
        "effectivePeriod": period,
        "dateAsserted": dt(start),
        "dosage": [dosage],
    }
