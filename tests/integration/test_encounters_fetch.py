"""Review 14 M2 against the real FHIR server: a chart whose psychotherapy is charted only as
Epic-style visits (an Encounter whose type carries CPT 90837) is fetched under `encounters`, and
the patient in therapy gets no "consider a CBT or IPT referral" card; the same chart without its
visits does (the control).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.models.request import HookRequest
from cds_hooks.security.caller import Caller
from tests.fixtures.scenarios import AS_OF
from tests.integration.sekmet import FhirServer
from tests.integration.support import queries_sent, settings_for
from tests.services.psychotherapy_visit_charts import (
    epic_visit,
    fortnightly,
    one_failed_trial,
    request,
)

pytestmark = pytest.mark.integration


def _fetched_cards(fhir: FhirServer, tmp_path: Path, body: dict[str, Any]) -> list[str]:
    """The topics answered when every key is fetched from the server with the token."""
    body = {**body, "fhirServer": fhir.base_url}
    body["fhirAuthorization"] = {"access_token": fhir.token, "token_type": "Bearer"}
    del body["prefetch"]
    app = create_app(settings_for(fhir, tmp_path))
    with TestClient(app):
        response = app.state.runner.run(
            "trd-patient-view",
            HookRequest.model_validate(body),
            caller=Caller(),
            base_url="http://testserver/",
            as_of=AS_OF,
        )
    return [c["source"]["topic"]["code"] for c in response.to_json()["cards"]]


def test_visits_fetched_from_the_server_stop_the_cbt_card(fhir: FhirServer, tmp_path: Path) -> None:
    control = one_failed_trial("server-visits-control")
    fhir.local.put_resources(control.resources)
    fhir.recorder.clear()
    (tmp_path / "control").mkdir()
    assert "psychotherapy" in _fetched_cards(fhir, tmp_path / "control", request(control))
    assert f"Encounter?patient={control.pid}&_count=1000" in queries_sent(fhir.recorder.hits)

    chart = one_failed_trial("server-visits")
    chart.add(
        *[
            epic_visit(chart.pid, d, rid=chart.id("visit", str(n)))
            for n, d in enumerate(fortnightly(date(2025, 3, 3), 8))
        ]
    )
    fhir.local.put_resources(chart.resources)
    fhir.recorder.clear()
    (tmp_path / "visits").mkdir()
    topics = _fetched_cards(fhir, tmp_path / "visits", request(chart))
    assert f"Encounter?patient={chart.pid}&_count=1000" in queries_sent(fhir.recorder.hits)
    assert "psychotherapy" not in topics
    assert "optimize-switch-augment" in topics  # the rest of the chart was read as before
