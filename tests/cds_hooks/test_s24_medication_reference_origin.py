"""Review s24 RS M1: a `medicationReference` naming a Medication on ANOTHER server
("http://other-ehr.example/fhir/Medication/med1") was read from the call's `fhirServer` by its id
alone, and whatever drug that id is there judged the draft (sertraline: "Sertraline already failed
an adequate trial"). Ids are unique only per server: only "Medication/<id>" or an absolute URL
under fhirServer is read (cds_hooks/fhir_data/medication_references.py, the same-origin check the
`next` links pass); any other reference stays unresolved and the draft's drug is "not identified".

Charts: tests/services/review15_charts/g06_draft_medref_missing (a draft naming its drug only by
reference, phenelzine running), as test_f2_draft_medref_http.py reads it; the FHIR server is a
loopback one (tests/faults/loopback.py) serving sertraline's Medication by id.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.fhir_data.medication_references import unresolved_medications
from tests.cds_hooks.test_f2_draft_medref_http import (
    G06_MEDICATION,
    MAOI,
    SERTRALINE,
    Doc,
    _cards,
    _request,
    _topics,
    _with_server,
)
from tests.faults import loopback
from tests.integration.support import queries_sent

SERVER = "https://fhir.ehr.example.org/api/FHIR/R4"


def _order(reference: str) -> Doc:
    return {
        "resourceType": "MedicationRequest",
        "id": "o1",
        "medicationReference": {"reference": reference},
    }


@pytest.mark.parametrize(
    ("reference", "wanted"),
    [
        ("Medication/med1", {"med1"}),
        ("Medication/med1/_history/2", {"med1"}),
        (f"{SERVER}/Medication/med1", {"med1"}),
        (f"{SERVER}/Medication/med1/_history/2", {"med1"}),
        ("http://other-ehr.example/fhir/Medication/med1", set()),
        # Same host, another base path: another server's Medication.
        ("https://fhir.ehr.example.org/api/FHIR/R4b/Medication/med1", set()),
        ("https://fhir.ehr.example.org/other/Medication/med1", set()),
        # Same host and path, another scheme or port.
        ("http://fhir.ehr.example.org/api/FHIR/R4/Medication/med1", set()),
        ("https://fhir.ehr.example.org:8443/api/FHIR/R4/Medication/med1", set()),
        # A relative reference is relative to the server the resource came from: only the plain
        # "Medication/<id>" form names the call's server.
        ("other/Medication/med1", set()),
    ],
)
def test_only_references_the_fhir_server_answers_are_read(reference: str, wanted: set[str]) -> None:
    assert unresolved_medications([_order(reference)], SERVER) == wanted


def test_without_a_server_no_absolute_reference_is_read() -> None:
    assert unresolved_medications([_order(f"{SERVER}/Medication/med1")]) == set()
    assert unresolved_medications([_order("Medication/med1")]) == {"med1"}


@pytest.fixture(scope="module")
def ehr() -> Iterator[loopback.LoopbackServer]:
    """The EHR's FHIR server: holds sertraline's Medication and nothing else."""
    with loopback.LoopbackServer({"fhir": loopback.serve_resources([SERTRALINE])}) as server:
        yield server


@pytest.fixture
def served(ehr: loopback.LoopbackServer, tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 's24m1.db'}"},
        fhir={"allowed_servers": (ehr.base_url,)},
    )
    with TestClient(create_app(settings)) as client:
        yield client


def _draft_naming(served: TestClient, ehr: loopback.LoopbackServer, reference: str) -> list[Doc]:
    body = _with_server(_request("g06_draft_medref_missing"), ehr.url("fhir"))
    draft = body["context"]["draftOrders"]["entry"][0]["resource"]
    draft["medicationReference"]["reference"] = reference
    ehr.clear()
    return _cards(served, body)


def test_another_servers_medication_is_not_read_by_its_id(
    served: TestClient, ehr: loopback.LoopbackServer
) -> None:
    cards = _draft_naming(served, ehr, f"http://other-ehr.example/fhir/Medication/{G06_MEDICATION}")
    # Before: GET <fhirServer>/Medication/not-sent-123 and "Sertraline ordered while phenelzine".
    assert queries_sent(ehr.hits) == []
    # The draft's drug is not known: with phenelzine running, the card asks to identify it.
    assert _topics(cards) == ["data-quality"]
    assert cards[0]["indicator"] == "critical"
    assert cards[0]["summary"].startswith("Phenelzine (MAOI) is running")
    assert "identify the drug before signing" in cards[0]["summary"]
    assert ": medication reference not found" in cards[0]["detail"]
    assert "Sertraline" not in cards[0]["summary"]


def test_a_reference_under_the_fhir_server_is_read(
    served: TestClient, ehr: loopback.LoopbackServer
) -> None:
    cards = _draft_naming(served, ehr, f"{ehr.url('fhir')}/Medication/{G06_MEDICATION}")
    assert queries_sent(ehr.hits) == [f"Medication/{G06_MEDICATION}"]
    assert _topics(cards) == [MAOI]
    assert cards[0]["summary"].startswith("Sertraline ordered while phenelzine (MAOI)")
