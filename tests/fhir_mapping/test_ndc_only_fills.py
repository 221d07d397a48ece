"""A fill coded by NDC alone (payer claims / Da Vinci PDex, CARIN BB: the NDC with no display and
no text) cannot be told from lisinopril by a service that maps no NDC: it is reported as not read,
with why, never skipped as a drug off the pathway (review 11 finding 8). NDC beside a name or an
RxNorm code reads as before."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import DataDomain

PATIENT = "pdex-patient-1"
NDC = "http://hl7.org/fhir/sid/ndc"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def _fill(i: int, concept: dict[str, Any]) -> dict[str, Any]:
    day = date(2024, 1 + i, 8).isoformat()
    return {
        "resourceType": "MedicationDispense",
        "id": f"pdex-fill-{i}",
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/davinci-pdex/StructureDefinition/pdex-medicationdispense"
            ]
        },
        "status": "completed",
        "medicationCodeableConcept": concept,
        "subject": {"reference": f"Patient/{PATIENT}"},
        "quantity": {
            "value": 30,
            "unit": "{tbl}",
            "system": "http://unitsofmeasure.org",
            "code": "{tbl}",
        },
        "daysSupply": {
            "value": 30,
            "unit": "d",
            "system": "http://unitsofmeasure.org",
            "code": "d",
        },
        "whenHandedOver": day,
    }


def _record(concept: dict[str, Any]) -> Any:
    patient = {
        "resourceType": "Patient",
        "id": PATIENT,
        "birthDate": "1980-04-02",
        "gender": "female",
    }
    fills = [_fill(i, concept) for i in range(5)]
    return build_record([patient, *fills], as_of=date(2024, 9, 1), patient_id=PATIENT)


def test_five_fills_coded_by_ndc_alone_are_reported_unread_with_why() -> None:
    record = _record({"coding": [{"system": NDC, "code": "16714061301"}]})
    assert record.trials == ()
    gaps = [g for g in record.gaps if g.domain is DataDomain.MEDICATIONS]
    assert len(gaps) == 5
    assert {g.source.id for g in gaps if g.source} == {f"pdex-fill-{i}" for i in range(5)}
    assert all("NDC code only" in g.reason for g in gaps)


@pytest.mark.parametrize(
    "concept",
    [
        pytest.param(
            {
                "coding": [
                    {
                        "system": NDC,
                        "code": "16714061301",
                        "display": "Sertraline 100 MG Oral Tablet",
                    }
                ]
            },
            id="ndc-with-display",
        ),
        pytest.param(
            {
                "coding": [{"system": NDC, "code": "16714061301"}],
                "text": "sertraline 100 mg tablet",
            },
            id="ndc-with-text",
        ),
        pytest.param(
            {
                "coding": [
                    {"system": NDC, "code": "16714061301"},
                    {"system": RXNORM, "code": "312941"},
                ]
            },
            id="ndc-with-rxnorm",
        ),
    ],
)
def test_an_ndc_beside_a_name_or_an_rxnorm_code_reads_the_drug(concept: dict[str, Any]) -> None:
    record = _record(concept)
    assert [t.ingredient for t in record.trials] == ["sertraline"]
    assert not [g for g in record.gaps if g.domain is DataDomain.MEDICATIONS]


def test_an_off_pathway_rxnorm_code_alone_is_still_skipped_in_silence() -> None:
    # lisinopril 10 MG Oral Tablet: RxNorm identifies a drug, and it is not on this pathway.
    record = _record({"coding": [{"system": RXNORM, "code": "314076"}]})
    assert record.trials == ()
    assert not [g for g in record.gaps if g.domain is DataDomain.MEDICATIONS]
