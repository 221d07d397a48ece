"""Charts for review 13 W10 / W11: escitalopram 20 mg from 2025-01-06, measured with a
depression scale other than the PHQ-9, as US EHRs send it: US Core survey Observations, BDI-II
under LOINC 89209-1, MADRS / HAM-D17 / QIDS-SR16 under the project codes a site maps its own
flowsheet rows to (`[codes]`: data/observation_codes.csv), each validated with fhir.resources R4B."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord, Trial
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
START = date(2025, 1, 6)
P = "pt-scales-1"
Resource = dict[str, Any]
ESCITALOPRAM_20 = ("351250", "escitalopram 20 MG Oral Tablet")
PROJECT = "urn:trd-cds:scale"
# instrument -> (system, code, display) as observation_codes.csv lists them
CODES = {
    "MADRS": (PROJECT, "madrs-total", "MADRS total score"),
    "HAM-D17": (PROJECT, "hamd17-total", "HAM-D 17 total score"),
    "QIDS-SR16": (PROJECT, "qids-sr16-total", "QIDS-SR16 total score"),
    "BDI-II": ("http://loinc.org", "89209-1", "Beck Depression Inventory II total score [BDI]"),
}
_ids = iter(range(1, 10_000))


def scale(instrument: str, day: date, total: int) -> Resource:
    """One total as a US Core survey Observation (valueInteger, as Epic flowsheet rows send)."""
    system, code, display = CODES[instrument]
    return {
        "resourceType": "Observation",
        "id": f"obs-{code}-{next(_ids)}",
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-survey"
            ]
        },
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
        "code": {"coding": [{"system": system, "code": code, "display": display}]},
        "subject": {"reference": f"Patient/{P}"},
        "effectiveDateTime": f"{day.isoformat()}T09:30:00-05:00",
        "valueInteger": total,
    }


def escitalopram(start: date = START) -> list[Resource]:
    """Escitalopram 20 mg daily from `start`, filled every 30 days up to AS_OF (ongoing)."""
    rid = "mr-escit"
    request = fb.medication_request(
        ESCITALOPRAM_20[0],
        ESCITALOPRAM_20[1],
        start,
        dose_value=1,
        status="active",
        text="Take 1 tablet by mouth daily",
        expected_supply_days=30,
        repeats=11,
        patient=P,
        id=rid,
    )
    days = (AS_OF - start).days
    return [request] + [
        fb.medication_dispense(
            ESCITALOPRAM_20[0],
            ESCITALOPRAM_20[1],
            start + timedelta(days=30 * i),
            30,
            30,
            dose_value=1,
            prescription=rid,
            refill=i > 0,
            patient=P,
            id=f"{rid}-fill-{i}",
        )
        for i in range(-(-days // 30))
    ]


def chart(*extra: Resource | list[Resource], as_of: date = AS_OF) -> PatientRecord:
    resources: list[Resource] = [
        fb.patient(
            id=P, given="Test", family="Scales", gender="female", birth_date=date(1975, 5, 5)
        ),
        fb.condition(
            fb.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 10, 1),
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        *escitalopram(),
    ]
    for item in extra:
        resources += item if isinstance(item, list) else [item]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=as_of, patient_id=P)


def the_trial(record: PatientRecord) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == "escitalopram"]
    return trial
