"""Epic-shaped hook calls through HTTP against the real FHIR server (issue 10, "How it is shown").

The Epic-style TRD chart (tests/fixtures/vendor_charts.py: MedicationRequests referencing separate
Medications with RxNorm codes without display, three doseAndRate entries, administration-time
timing, PHQ-9 as flowsheet rows under a local code) is stored in sekmet, moved in time so that
today is its as-of date (the HTTP path judges as of today). sekmet validates strictly, so the
stored copy is valid R4 with ids of at most 64 characters (the 66-109-character Medication ids
Epic's sandbox uses are covered offline in tests/fixtures/test_vendor_charts.py).

Then the service is called as Epic calls it: an order-select request shaped exactly like the one
Epic sent (../shared/fhir/vendor/automate-medical__sero_epic-cds-hooks/): no prefetch, the
recorder as fhirServer with a bearer token, Epic's `com.epic.cdshooks.*` extensions, a draft
naming the drug by `medicationReference.display` only. The service must fetch the chart (the
Medications by id among it), see that sertraline already failed an adequate trial, and say so.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from scripts.date_shift import days_between, shift_json, shift_resources
from tests.faults.harness import hook_body
from tests.fixtures import vendor_charts as V
from tests.integration.sekmet import FhirServer
from tests.integration.support import queries_sent

pytestmark = pytest.mark.integration


def _days() -> int:
    return days_between(V.AS_OF, datetime.now(UTC).date())


@pytest.fixture(scope="module")
def epic_chart(fhir_server: FhirServer) -> V.VendorChart:
    """The Epic chart, stored in the session's server with its ids (PUT), moved to today."""
    chart = V.epic_chart(server_ids=True)
    fhir_server.local.put_resources(shift_resources(chart.resources, _days()))
    return chart


@pytest.fixture
def epic_service(fhir: FhirServer, tmp_path: Path) -> Iterator[TestClient]:
    """The service as the Epic site configures it: the recorder as its only allowed FHIR server,
    and `[codes]` mapping the flowsheet rows that hold the PHQ-9."""
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'epic.db'}"},
        fhir={"allowed_servers": (fhir.recorder.base_url,)},
        codes=V.EPIC_SITE_CODES,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def _topics(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [c["source"]["topic"]["code"] for c in response.json()["cards"]]


def test_epic_order_select_without_prefetch_fetches_the_chart_and_warns(
    fhir: FhirServer, epic_chart: V.VendorChart, epic_service: TestClient
) -> None:
    request: dict[str, Any] = shift_json(
        V.epic_order_select_request(epic_chart, fhir_server=fhir.base_url, token=fhir.token),
        _days(),
    )
    assert "prefetch" not in request
    assert request["extension"]["com.epic.cdshooks.request.fhir-version"] == "R4"
    (draft,) = [e["resource"] for e in request["context"]["draftOrders"]["entry"]]
    assert draft["medicationReference"]["display"] == "SERTRALINE 100 MG PO TABS"
    fhir.recorder.clear()

    response = epic_service.post("/cds-services/trd-order-select", json=request)

    # The TMS card is not repeated at an order hook while a payer criterion is unmet (policy
    # tms_card_when_payer_criteria_unmet, default "patient-view": review 19 item 7).
    assert _topics(response) == ["order-repeats-failed-trial"]
    repeats = response.json()["cards"][0]
    assert repeats["summary"].startswith("Sertraline already failed an adequate trial (100 mg/day")
    # What the service asked the EHR's server, every time with the EHR's token.
    sent = queries_sent(fhir.recorder.hits)
    pid = epic_chart.patient_id
    for medication in epic_chart.by_type("Medication"):
        assert f"Medication/{medication['id']}" in sent  # read by id, no _include needed
    assert f"Patient/{pid}" in sent
    assert any(q.startswith(f"MedicationRequest?patient={pid}") for q in sent)
    # The flowsheet row (a PHQ-9 total) is asked for with the scales, not with the labs.
    (observations,) = [q for q in sent if q.startswith("Observation?") and "44261-6" in q]
    assert f"{V.FLOWSHEET}|3049" in observations  # the site's flowsheet row was asked for
    assert {h.headers.get("authorization") for h in fhir.recorder.hits} == {f"Bearer {fhir.token}"}
    assert len(sent) == len(set(sent))  # each query once


def test_epic_patient_view_without_prefetch_for_the_same_patient(
    fhir: FhirServer, epic_chart: V.VendorChart, epic_service: TestClient
) -> None:
    body = hook_body(fhir.base_url, token=fhir.token, patient_id=epic_chart.patient_id)
    body.pop("prefetch")
    fhir.recorder.clear()

    response = epic_service.post("/cds-services/trd-patient-view", json=body)

    assert _topics(response) == ["optimize-switch-augment", "tms-referral"]
    tms = response.json()["cards"][1]
    assert tms["summary"].startswith(
        "2 adequate trials failed; PHQ-9 17: raise duloxetine first, then consider TMS referral"
    )
    sent = queries_sent(fhir.recorder.hits)
    assert sum(q.startswith("Medication/") for q in sent) == 2


def test_without_the_site_map_the_flowsheet_rows_are_not_asked_for(
    fhir: FhirServer, epic_chart: V.VendorChart, tmp_path: Path
) -> None:
    """The same call to a service without `[codes]`: no PHQ-9 reaches it, so no TMS card (the
    duloxetine trial is unmeasured) and the measurement-based-care card asks for a PHQ-9."""
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'plain.db'}"},
        fhir={"allowed_servers": (fhir.recorder.base_url,)},
    )
    body = hook_body(fhir.base_url, token=fhir.token, patient_id=epic_chart.patient_id)
    body.pop("prefetch")
    fhir.recorder.clear()
    with TestClient(create_app(settings)) as client:
        response = client.post("/cds-services/trd-patient-view", json=body)
    assert _topics(response) == ["optimize-switch-augment", "measurement-based-care"]
    observations = [q for q in queries_sent(fhir.recorder.hits) if q.startswith("Observation?")]
    assert len(observations) == 6  # `observations`, `labs`, `labsSI`, `liverTests`, `vitals`, `pgx`
    assert not any(V.FLOWSHEET in q for q in observations)
