"""Review s24 protocol edges (W2, M2, M6) on whole charts.

- W2: `conditions` holding the Patient read, or the observations search's Bundle, was read as "no
  diagnoses": the bipolar "Confirm the diagnosis before escalating: ... bupropion without a mood
  stabiliser" card vanished and "consider CBT or IPT" appeared. Now a key holding none of its
  template's type is a failed prefetch: 412 naming the key and what it holds when no FHIR server
  can be asked (gather-level: tests/cds_hooks/test_prefetch_wrong_type.py). A Bundle with an
  Observation among its Conditions keeps the Conditions (the card stands) and says the one left
  out.
- M2: a `patient` key holding another patient's Patient was reported as used silently. It is not:
  it is excluded and named as any other patient's resource is (gap_identity.py), and the age
  rules say the age is not on record. Pinned here.
- M6: "2 diagnosiss of another patient excluded": now "2 diagnoses".

Charts: tests/services/prefetch_edges_charts/ (the US Core / Epic-shaped bipolar fixture,
tests/fixtures/patients/bipolar.request.json, with one key changed each; every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import OfflineInputError
from fhir_mapping.gap_counts import NOUN, noun
from fhir_mapping.record import DataDomain
from services import catalog
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

HERE = Path(__file__).parent
AS_OF = date(2026, 12, 1)
CHARTS = (
    "w2a_bipolar_conditions_holds_patient",
    "w2b_bipolar_conditions_holds_observations",
    "w2c_bipolar_conditions_with_an_observation",
    "m2_patient_key_other_patient",
    "m6_two_conditions_of_another_patient",
)
BIPOLAR = (
    "Confirm the diagnosis before escalating: bipolar disorder on record, bupropion without a "
    "mood stabiliser; no TSH in 365 days"
)
DIAGNOSIS = "diagnosis-review"

_chart = chart_files.loader(HERE / "prefetch_edges_charts")
_at = Evaluator(AS_OF)


@pytest.mark.parametrize("name", CHARTS)
def test_charts_carry_every_key_and_validate(name: str) -> None:
    doc = _chart(name)
    (service,) = [s for s in catalog.services() if s.hook == doc["hook"]]
    assert set(doc["prefetch"]) == {key for key, _template in service.prefetch}
    for value in doc["prefetch"].values():
        get_fhir_model_class(value["resourceType"]).model_validate(value)


def _card_text(card: dict[str, str]) -> str:
    return card["summary"] + "\n" + card["detail"]


# --- W2 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "holds"),
    [
        ("w2a_bipolar_conditions_holds_patient", "Patient"),
        ("w2b_bipolar_conditions_holds_observations", "Observation"),
    ],
)
def test_conditions_of_the_wrong_type_are_a_412_naming_the_key(
    client: TestClient, name: str, holds: str
) -> None:
    doc = _chart(name)
    response = client.post(f"/cds-services/trd-{doc['hook']}", json=doc)
    assert response.status_code == 412, response.text[:400]
    assert response.json()["details"]["missing"] == {
        "conditions": (
            f"the prefetched value holds {holds}, not Condition; the request has no fhirServer"
        )
    }
    # Offline too: never judged as a chart with no diagnoses.
    # With the same reason as the 412 (one rule: Gathered.required_missing).
    with pytest.raises(OfflineInputError, match=f"could not be had: conditions \\(.*holds {holds}"):
        _at.cards(doc)


def test_an_observation_among_the_conditions_is_left_out_and_the_bipolar_card_stands() -> None:
    cards = by_topic(_at.cards(_chart("w2c_bipolar_conditions_with_an_observation")))
    card = cards[DIAGNOSIS]
    assert card["summary"] == BIPOLAR
    assert (
        "- Conditions may be incomplete: 1 entry of the prefetched 'conditions' Bundle holds "
        "Observation, not Condition: not read"
    ) in card["detail"]


# --- M2 ------------------------------------------------------------------------------------------


def test_another_patients_patient_record_is_excluded_and_named() -> None:
    doc = _chart("m2_patient_key_other_patient")
    other = doc["prefetch"]["patient"]["id"]
    cards, record = _at.cards_and_record(doc)
    assert record.patient.age is None  # its birth date is not this patient's
    text = "\n".join(_card_text(c) for c in cards)
    assert f"- 1 patient record of another patient excluded: Patient/{other}" in text
    assert "**Age not on record:**" in text
    assert by_topic(cards)[DIAGNOSIS]["summary"] == BIPOLAR


# --- M6 ------------------------------------------------------------------------------------------


def test_two_conditions_of_another_patient_read_as_two_diagnoses() -> None:
    doc = _chart("m6_two_conditions_of_another_patient")
    others = [
        e["resource"]["id"]
        for e in doc["prefetch"]["conditions"]["entry"]
        if e["resource"]["subject"]["reference"] != f"Patient/{doc['context']['patientId']}"
    ]
    card = by_topic(_at.cards(doc))[DIAGNOSIS]
    assert card["summary"] == BIPOLAR
    assert (
        f"- 2 diagnoses of another patient excluded: Condition/{others[0]}, Condition/{others[1]}"
    ) in card["detail"]
    assert "diagnosiss" not in card["detail"]


@pytest.mark.parametrize("domain", list(NOUN))
def test_every_counted_noun_has_a_plural(domain: DataDomain) -> None:
    one, two = noun(domain, 1), noun(domain, 2)
    assert one == f"1 {NOUN[domain]}"
    assert not two.endswith(("ss", "sis")), two
    assert two == ("2 diagnoses" if domain is DataDomain.CONDITIONS else f"2 {NOUN[domain]}s")
