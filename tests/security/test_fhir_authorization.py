"""The EHR's FHIR server is used only as CDS Hooks 2.0 allows ("FHIR Resource Access": only when the
request carries both `fhirServer` and `fhirAuthorization`), and within a budget that fits the EHR's
wait. A real HTTP server on loopback records every request: "no fetch" is a count of zero."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import FhirSettings, Settings, load_settings
from tests.security import chart
from tests.security.servers import RecordingServer
from tests.security.test_ssrf import HOOK_URL, fhir_server
from tests.security.tokens import Minter

REQUIRED = {"medicationRequests", "conditions", "observations"}


def _without_token(fhir_url: str) -> dict[str, object]:
    body = chart.hook_request(prefetch_keys=set(), fhir_server=fhir_url)
    del body["fhirAuthorization"]
    return body


def test_fhir_server_without_fhir_authorization_gets_no_request_and_a_412_that_says_why(
    auth_client: Callable[..., TestClient], es_minter: Minter
) -> None:
    with RecordingServer(fhir_server()) as target:
        client = auth_client(sandbox_fhir=(f"{target.base}/fhir",))
        response = client.post(
            HOOK_URL,
            json=_without_token(f"{target.base}/fhir"),
            headers={"Authorization": f"Bearer {es_minter.token()}"},
        )
        assert target.hits == 0
    assert response.status_code == 412
    missing = response.json()["details"]["missing"]
    assert set(missing) == REQUIRED
    (reason,) = set(missing.values())
    assert "fhirServer but no fhirAuthorization" in reason
    assert "fetch_without_authorization" in reason  # the documented way out, for test servers


def test_with_fhir_authorization_the_same_server_is_asked_with_the_ehrs_token(
    auth_client: Callable[..., TestClient], es_minter: Minter
) -> None:
    with RecordingServer(fhir_server()) as target:
        client = auth_client(sandbox_fhir=(f"{target.base}/fhir",))
        body = chart.hook_request(prefetch_keys=set(), fhir_server=f"{target.base}/fhir")
        response = client.post(
            HOOK_URL, json=body, headers={"Authorization": f"Bearer {es_minter.token()}"}
        )
        assert response.status_code == 200, response.text
        assert target.hits > 0
        assert {s.headers.get("authorization") for s in target.seen} == {
            f"Bearer {chart.ACCESS_TOKEN}"
        }


def test_the_opt_in_for_open_test_servers_fetches_without_a_token() -> None:
    """`[fhir] fetch_without_authorization = true` (auth off here, as with a local HAPI): the open
    server is asked, and no Authorization header is invented."""
    with RecordingServer(fhir_server()) as target:
        for opt_in, status in ((False, 412), (True, 200)):
            settings = load_settings(
                None,
                database={"url": "sqlite://"},
                fhir={"fetch_without_authorization": opt_in},
                logging={"level": "WARNING"},
            )
            with TestClient(create_app(settings)) as client:
                response = client.post(HOOK_URL, json=_without_token(f"{target.base}/fhir"))
            assert response.status_code == status, response.text
            assert (target.hits > 0) is opt_in
        assert all("authorization" not in s.headers for s in target.seen)


def test_the_default_budget_ends_the_fetches_within_a_few_seconds() -> None:
    """CDS Hooks sets no timeout; EHRs wait a few seconds. The documented choice: 2 s to connect,
    4 s to read, 5 s for all fetches of a call (plus the 1 s grace the gatherer allows)."""
    fhir = FhirSettings()
    assert (fhir.connect_timeout, fhir.read_timeout, fhir.total_timeout) == (2.0, 4.0, 5.0)
    assert fhir.total_timeout + 1.0 <= 8.0
    assert max(fhir.connect_timeout, fhir.read_timeout) <= fhir.total_timeout
    assert fhir.fetch_without_authorization is False
    assert Settings().fhir == fhir
