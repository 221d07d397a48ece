"""Outbound safety: with auth on, the service calls a fhirServer only when it is under the calling
issuer's `fhir_servers`, and the EHR's access token goes nowhere else. Real HTTP servers on loopback
record every request, so "no outbound request" is proven by a count of zero."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.faults.harness import ALL_KEYS
from tests.fixtures import builders as b
from tests.security import chart
from tests.security.servers import RecordingServer, Seen, json_reply
from tests.security.tokens import SERVICE, Minter

HOOK_URL = f"/cds-services/{SERVICE}"
FHIR = "application/fhir+json"


def fhir_server(next_link: str | None = None) -> Callable[[Seen], Any]:
    """Answers every search with the chart's resources of the searched type."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for items in chart.resources().values():
        for resource in items:
            by_type.setdefault(resource["resourceType"], []).append(resource)

    def handler(seen: Seen) -> Any:
        path = seen.path.split("?", 1)[0].rstrip("/")
        last = path.rsplit("/", 2)
        if last[-2] == "Patient":  # a read: Patient/<id>
            return json_reply(chart.patient(), content_type=FHIR)
        resource_type = last[-1]
        bundle = b.bundle(by_type.get(resource_type, []), "searchset")
        if next_link is not None:
            bundle["link"] = [{"relation": "next", "url": next_link}]
        return json_reply(bundle, content_type=FHIR)

    return handler


def post(client: TestClient, minter: Minter, body: dict[str, Any]) -> Any:
    return client.post(HOOK_URL, json=body, headers={"Authorization": f"Bearer {minter.token()}"})


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param("other-port", id="not-listed"),
        pytest.param("path-prefix-trick", id="path-prefix-trick"),
        pytest.param("userinfo-trick", id="userinfo-trick"),
    ],
)
def test_fhir_server_outside_the_issuers_list_gets_no_request_and_412(
    auth_client: Callable[..., TestClient], es_minter: Minter, variant: str
) -> None:
    with RecordingServer(fhir_server()) as target:
        allowed = {
            "other-port": "https://fhir.example.org/r4",
            "path-prefix-trick": f"{target.base}/fhir",
            "userinfo-trick": "http://127.0.0.1:1/fhir",
        }[variant]
        fhir_url = {
            "other-port": f"{target.base}/fhir",
            "path-prefix-trick": f"{target.base}/fhir-admin",
            "userinfo-trick": f"http://127.0.0.1:1@127.0.0.1:{target.port}/fhir",
        }[variant]
        client = auth_client(sandbox_fhir=(allowed,))
        response = post(
            client, es_minter, chart.hook_request(prefetch_keys=set(), fhir_server=fhir_url)
        )
        assert response.status_code == 412
        missing = response.json()["details"]["missing"]
        assert set(missing) == {"medicationRequests", "conditions", "observations"}
        assert set(missing.values()) == {"fhirServer is not on this service's allowlist"}
        assert target.hits == 0


def test_outside_the_list_but_prefetched_answers_from_prefetch_alone(
    auth_client: Callable[..., TestClient], es_minter: Minter
) -> None:
    with RecordingServer(fhir_server()) as target:
        client = auth_client(sandbox_fhir=("https://fhir.example.org/r4",))
        response = post(client, es_minter, chart.hook_request(fhir_server=f"{target.base}/fhir"))
        assert response.status_code == 200
        assert len(response.json()["cards"]) >= 1
        assert target.hits == 0


def test_the_allowlist_is_the_calling_issuers_own(
    auth_client: Callable[..., TestClient], es_minter: Minter, rs_minter: Minter
) -> None:
    """Issuer 2 lists the server, issuer 1 does not: only issuer 2's calls reach it."""
    with RecordingServer(fhir_server()) as target:
        client = auth_client(sandbox_fhir=(), rsa_fhir=(f"{target.base}/fhir",))
        body = chart.hook_request(prefetch_keys={"patient"}, fhir_server=f"{target.base}/fhir")
        assert post(client, es_minter, body).status_code == 412
        assert target.hits == 0
        assert post(client, rs_minter, body).status_code == 200
        assert target.hits == len(ALL_KEYS) - 1  # every absent prefetch key, one search each


def test_the_token_goes_to_the_allowed_server_only_and_as_a_bearer(
    auth_client: Callable[..., TestClient], es_minter: Minter
) -> None:
    with RecordingServer(fhir_server()) as target:
        client = auth_client(sandbox_fhir=(f"{target.base}/fhir",))
        response = post(
            client,
            es_minter,
            chart.hook_request(prefetch_keys=set(), fhir_server=f"{target.base}/fhir"),
        )
        assert response.status_code == 200
        assert target.hits == len(ALL_KEYS)
        for seen in target.seen:
            assert seen.method == "GET"
            assert seen.path.startswith("/fhir/")
            assert seen.headers["authorization"] == f"Bearer {chart.ACCESS_TOKEN}"
            assert seen.headers["accept"] == "application/fhir+json"
            assert chart.ACCESS_TOKEN not in seen.path


def test_a_next_link_to_another_host_is_not_followed(
    auth_client: Callable[..., TestClient], es_minter: Minter
) -> None:
    with RecordingServer(fhir_server()) as elsewhere:
        with RecordingServer(
            fhir_server(next_link=f"{elsewhere.base}/fhir/steal?page=2")
        ) as target:
            client = auth_client(sandbox_fhir=(f"{target.base}/fhir",))
            body = chart.hook_request(prefetch_keys=set(), fhir_server=f"{target.base}/fhir")
            response = post(client, es_minter, body)
            # The pages already read are kept and the key is marked incomplete (session 21,
            # review RC): the answer is 200, and what matters here is that nothing was sent to
            # the other host (no token leaves the configured server).
            assert response.status_code == 200, response.text
            assert target.hits >= 1
        assert elsewhere.hits == 0


def test_a_redirect_to_another_host_is_not_followed(
    auth_client: Callable[..., TestClient], es_minter: Minter
) -> None:
    with RecordingServer(fhir_server()) as elsewhere:
        redirect = RecordingServer(lambda s: (307, {"Location": f"{elsewhere.base}{s.path}"}, b""))
        with redirect:
            client = auth_client(sandbox_fhir=(f"{redirect.base}/fhir",))
            body = chart.hook_request(prefetch_keys=set(), fhir_server=f"{redirect.base}/fhir")
            assert post(client, es_minter, body).status_code == 412
            assert redirect.hits >= 1
        assert elsewhere.hits == 0


def test_an_issuer_with_no_fhir_servers_may_not_fetch_at_all(
    auth_client: Callable[..., TestClient], es_minter: Minter
) -> None:
    with RecordingServer(fhir_server()) as target:
        client = auth_client(sandbox_fhir=())
        body = chart.hook_request(prefetch_keys=set(), fhir_server=f"{target.base}/fhir")
        assert post(client, es_minter, body).status_code == 412
        assert target.hits == 0


def test_a_refused_caller_triggers_no_fetch(
    auth_client: Callable[..., TestClient], es_minter: Minter
) -> None:
    with RecordingServer(fhir_server()) as target:
        client = auth_client(sandbox_fhir=(f"{target.base}/fhir",))
        body = chart.hook_request(prefetch_keys=set(), fhir_server=f"{target.base}/fhir")
        token = es_minter.token(aud="https://cds.example.org/cds-services/elsewhere")
        response = client.post(HOOK_URL, json=body, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert target.hits == 0
