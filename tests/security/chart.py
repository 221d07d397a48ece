"""A realistic patient-view request full of things that must never reach a log line: a patient's
id, name, birth date, MRN and SSN, phone, street address, free-text clinical notes, and the EHR's
FHIR access token. `SECRETS` lists them for the log tests to search for.
"""

from __future__ import annotations

import copy
import uuid
from datetime import date, timedelta
from typing import Any

from tests.fixtures import builders as b

PATIENT_ID = "c0ffee11-5a1e-4b7e-9d2a-8f3b2a7d9e41"
GIVEN, FAMILY = "Marisol", "Quintanilla-Brandt"
BIRTH_DATE = date(1983, 4, 17)
SSN = "987-65-4329"
ACCESS_TOKEN = "ehr-access-token-7Q2xZp9LmN4vR8sT1wY6"
NOTE_MED = (
    "Pt says sertraline makes her feel numb; husband Dario worried about her sleeping all day"
)
NOTE_CONDITION = "Lost job at the cannery in March; sister Inez reports crying spells"
NOTE_PHQ = "Scored after argument with landlord at 44 Orchard Lane"
TODAY = date.today()


def _with_note(resource: dict[str, Any], text: str) -> dict[str, Any]:
    out = copy.deepcopy(resource)
    out["note"] = [{"text": text}]
    return out


def patient() -> dict[str, Any]:
    resource = b.patient(
        id=PATIENT_ID, given=GIVEN, family=FAMILY, gender="female", birth_date=BIRTH_DATE
    )
    resource["identifier"].append(
        {
            "type": b.concept(
                "http://terminology.hl7.org/CodeSystem/v2-0203", "SS", "Social Security number"
            ),
            "system": "http://hl7.org/fhir/sid/us-ssn",
            "value": SSN,
        }
    )
    return resource


def mrn() -> str:
    return str(patient()["identifier"][0]["value"])


def phone() -> str:
    return str(patient()["telecom"][0]["value"])


def street() -> str:
    return str(patient()["address"][0]["line"][0])


def resources() -> dict[str, list[dict[str, Any]]]:
    """The chart by prefetch key: a recurrent MDD on sertraline with PHQ-9s."""
    start = TODAY - timedelta(days=200)
    depression = _with_note(
        b.condition(
            b.ICD10CM,
            "F33.1",
            "Major depressive disorder, recurrent, moderate",
            start - timedelta(days=30),
            category="problem-list-item",
            patient=PATIENT_ID,
            extra_codings=[
                (b.SNOMED, "18818009", "Moderate recurrent major depression (disorder)")
            ],
        ),
        NOTE_CONDITION,
    )
    sertraline = _with_note(
        b.medication_request(
            "312941",
            "sertraline 50 MG Oral Tablet",
            start,
            text=f"Take 1 tablet by mouth daily. {NOTE_MED}",
            patient=PATIENT_ID,
            expected_supply_days=30,
            repeats=5,
        ),
        NOTE_MED,
    )
    phqs = [
        *b.phq9(start - timedelta(days=7), 19, 1, patient=PATIENT_ID),
        *b.phq9(TODAY - timedelta(days=14), 17, 0, patient=PATIENT_ID),
    ]
    phqs[0] = _with_note(phqs[0], NOTE_PHQ)
    return {
        "patient": [patient()],
        "medicationRequests": [sertraline],
        "medicationStatements": [],
        "medicationDispenses": [],
        "conditions": [depression],
        "observations": phqs,
        "labs": [],
        "labsSI": [],
        "liverTests": [],
        "vitals": [],
        "pgx": [],
        "encounters": [],
        "procedures": [],
        "serviceRequests": [],
        "devices": [],
        "questionnaireResponses": [],
        "allergyIntolerances": [],
        "adverseEvents": [],
        "medicationAdministrations": [],
    }


def prefetch(keys: set[str] | None = None) -> dict[str, Any]:
    """Prefetch for the given keys (all by default): the Patient as itself, the rest as searchsets."""
    out: dict[str, Any] = {}
    for key, items in resources().items():
        if keys is not None and key not in keys:
            continue
        out[key] = items[0] if key == "patient" else b.bundle(items, "searchset")
    return out


def hook_request(
    *,
    prefetch_keys: set[str] | None = None,
    fhir_server: str | None = None,
    hook_instance: str | None = None,
    access_token: str = ACCESS_TOKEN,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "hook": "patient-view",
        "hookInstance": hook_instance or str(uuid.uuid4()),
        "context": {"userId": f"Practitioner/{b.DEFAULT_PRACTITIONER_ID}", "patientId": PATIENT_ID},
        "prefetch": prefetch(prefetch_keys),
    }
    if fhir_server is not None:
        body["fhirServer"] = fhir_server
        body["fhirAuthorization"] = {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "patient/*.read",
            "subject": "cds-service4",
            "patient": PATIENT_ID,
        }
    return body


def secrets() -> dict[str, str]:
    """What no log line may contain, by what it is."""
    return {
        "patient id": PATIENT_ID,
        "given name": GIVEN,
        "family name": FAMILY,
        "birth date": BIRTH_DATE.isoformat(),
        "MRN": mrn(),
        "SSN": SSN,
        "phone": phone(),
        "street": street(),
        "medication note": NOTE_MED[:40],
        "condition note": NOTE_CONDITION[:40],
        "observation note": NOTE_PHQ[:40],
        "access token": ACCESS_TOKEN,
    }
