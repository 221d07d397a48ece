"""FHIR resources shaped like the C-CDA conversions in
../shared/fhir/vendor/hl7__ccda-on-fhir_cda2fhir-vendor-outputs/ (Cerner, Diameter Health, Google,
MDIX, Redox, Smile): codes under their HL7 OIDs and often without display, no clinicalStatus or
verificationStatus, onset as a Period, the problem category as a SNOMED CT code, dose `{value: 1}`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.fhir_mapping.fhir_resources import PATIENT, subject

OID = "urn:oid:2.16.840.1.113883.6."
Resource = dict[str, Any]


def ccda_condition(
    cid: str, codes: list[tuple[str, str]], onset: date, *, patient: str = PATIENT
) -> Resource:
    """A problem as the C-CDA converters write it: codes under OIDs without display, no
    clinicalStatus or verificationStatus, onset as a Period, category a SNOMED CT code."""
    return {
        "resourceType": "Condition",
        "id": cid,
        "identifier": [{"system": "urn:oid:1.3.6.1.4.1.22812.3.2009316.3.4.1.2.1", "value": cid}],
        "category": [{"coding": [{"system": OID + "96", "code": "55607006"}]}],
        "code": {"coding": [{"system": system, "code": code} for system, code in codes]},
        "onsetPeriod": {"start": onset.isoformat()},
        "subject": subject(patient),
    }


def ccda_phq9_total(oid: str, day: date, value: int) -> Resource:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": OID + "1", "code": "44261-6"}]},
        "subject": subject(),
        "effectiveDateTime": day.isoformat(),
        "valueQuantity": {"value": value, "unit": "{score}"},
    }


def ccda_sertraline(mid: str, started: date) -> list[Resource]:
    """A MedicationStatement pointing at a Medication coded as an RxNorm SCD under its OID
    (the Google conversion's shape), dose `{value: 1}` with no unit."""
    medication = {
        "resourceType": "Medication",
        "id": f"{mid}-med",
        "code": {
            "coding": [
                {"system": OID + "88", "code": "312941", "display": "Sertraline 50 MG Oral Tablet"}
            ]
        },
    }
    statement = {
        "resourceType": "MedicationStatement",
        "id": mid,
        "status": "active",
        "medicationReference": {"reference": f"Medication/{mid}-med"},
        "subject": subject(),
        "effectivePeriod": {"start": started.isoformat()},
        "dosage": [
            {
                "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [{"doseQuantity": {"value": 1}}],
            }
        ],
    }
    return [medication, statement]
