"""/metrics after every kind of request with a chart full of PHI: no patient data, no token, no
URL a caller chose, in any label. And the FHIR requests are counted by outcome and timed."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.security import chart
from tests.security.conftest import LogCapture
from tests.security.servers import RecordingServer
from tests.security.test_logs import COMMENT, run_everything
from tests.security.test_ssrf import fhir_server
from tests.security.tokens import Minter


def _fhir_counts(client: TestClient) -> dict[str, float]:
    counts: dict[str, float] = {}
    for family in text_string_to_metric_families(client.get("/metrics").text):
        for sample in family.samples:
            if sample.name == "trd_cds_fhir_requests_total":
                counts[sample.labels["outcome"]] = sample.value
            if sample.name == "trd_cds_fhir_request_duration_seconds_count":
                counts["timed"] = sample.value
    return counts


def test_no_phi_or_token_in_metrics_after_every_kind_of_request(
    auth_client: Callable[..., TestClient],
    es_minter: Minter,
    log_capture: Callable[[FastAPI], LogCapture],
) -> None:
    with (
        RecordingServer(fhir_server()) as fhir,
        RecordingServer(lambda _s: (500, {}, b'{"resourceType": "OperationOutcome"}')) as broken,
    ):
        client = auth_client(sandbox_fhir=(f"{fhir.base}/fhir", f"{broken.base}/fhir"))
        before = _fhir_counts(client)
        ran = run_everything(client, es_minter, fhir.base, broken.base)
        page = client.get("/metrics").text
        after = _fhir_counts(client)
        hits, broken_hits = fhir.hits, broken.hits

    forbidden = {**chart.secrets(), "comment": COMMENT[:30], "comment name": "Inez"}
    for i, token in enumerate(ran["jwts"]):
        forbidden[f"JWT {i} signature"] = token.rsplit(".", 1)[1]
        forbidden[f"JWT {i} payload"] = token.split(".")[1][:40]
    forbidden["FHIR server port"] = fhir.base.rsplit(":", 1)[1]  # no URL of the EHR's either
    for what, value in forbidden.items():
        assert value not in page, f"{what} is in /metrics"
    # Requests to the FHIR servers: counted by outcome (status class), each one timed.
    assert after.get("2xx", 0) - before.get("2xx", 0) == hits > 0
    assert after.get("5xx", 0) - before.get("5xx", 0) >= 1 and broken_hits >= 1
    assert after["timed"] - before.get("timed", 0) == (
        after.get("2xx", 0) - before.get("2xx", 0)
    ) + (after.get("5xx", 0) - before.get("5xx", 0))
