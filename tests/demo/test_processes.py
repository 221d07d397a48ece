"""The process helpers the demo (and the integration tests) share: scripts/fhir_server.py starts a
real sekmet on loopback with a fresh data dir and stops it; scripts/cds_service.py starts
`trd-cds serve` with a configuration of its own."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
import requests

from cds_hooks.config.settings import load_settings
from scripts.cds_service import config_toml, running_cds_service
from scripts.fhir_server import (
    FhirLoadError,
    FhirServerError,
    direct_url,
    running_fhir_server,
    sekmet_settings,
    start_fhir_server,
    transaction_of_puts,
)
from tests.fixtures.scenarios import scenario


def _refused(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", port)) != 0


# -- no process --------------------------------------------------------------------------------


def test_sekmet_settings_are_loopback_fresh_and_quiet(tmp_path: Path) -> None:
    settings = sekmet_settings(
        tmp_path / "data", port=8123, base_url="http://127.0.0.1:9000/fhir", token="t0k"
    )
    assert settings == {
        "base_url": "http://127.0.0.1:9000/fhir",
        "host": "127.0.0.1",
        "port": 8123,
        "data_dir": str(tmp_path / "data"),
        "own_private_key_path": str(tmp_path / "data" / "keys" / "sekmet_private.pem"),
        "simulator": {"enabled": False},
        "validation": {"inbound": "strict"},
        "max_body_log": 2000,
        "log_inbound": False,
        "server_auth": {"types": ["bearer"], "tokens": ["t0k"]},
    }
    assert "server_auth" not in sekmet_settings(
        tmp_path, port=1, base_url="http://127.0.0.1:1/fhir"
    )


def test_transaction_of_puts_keeps_ids() -> None:
    bundle = transaction_of_puts(
        [{"resourceType": "Patient", "id": "p1"}, {"resourceType": "Condition", "id": "c1"}],
        "http://127.0.0.1:7/fhir",
    )
    assert bundle == {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "http://127.0.0.1:7/fhir/Patient/p1",
                "resource": {"resourceType": "Patient", "id": "p1"},
                "request": {"method": "PUT", "url": "Patient/p1"},
            },
            {
                "fullUrl": "http://127.0.0.1:7/fhir/Condition/c1",
                "resource": {"resourceType": "Condition", "id": "c1"},
                "request": {"method": "PUT", "url": "Condition/c1"},
            },
        ],
    }


def test_direct_url_maps_proxy_links_and_refuses_others() -> None:
    proxy, direct = "http://127.0.0.1:9000/fhir", "http://127.0.0.1:8123/fhir"
    assert (
        direct_url(proxy + "/Condition?patient=1&_offset=2", proxy, direct)
        == direct + "/Condition?patient=1&_offset=2"
    )
    assert direct_url(direct + "/Patient/1", proxy, direct) == direct + "/Patient/1"
    for foreign in (
        "http://example.org/fhir/Patient/1",
        "http://127.0.0.1:9000/fhir-old/Patient/1",
        "http://127.0.0.1:90001/fhir/Patient/1",
    ):
        with pytest.raises(ValueError, match="outside the local FHIR server"):
            direct_url(foreign, proxy, direct)


def test_missing_sekmet_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FhirServerError, match="run `make fhir-server`"):
        start_fhir_server(executable=tmp_path / "no-such-sekmet")


def test_a_used_data_dir_is_refused(tmp_path: Path, sekmet: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sekmet.db").write_bytes(b"old patients")
    with pytest.raises(FhirServerError, match="is not empty"):
        start_fhir_server(workdir=tmp_path)


def test_service_config_is_what_the_service_reads(tmp_path: Path) -> None:
    file = tmp_path / "trd-cds.toml"
    database = tmp_path / 'odd "dir" \\' / "trd.db"  # quotes and a backslash survive TOML
    file.write_text(config_toml(database, allowed_fhir_servers=("http://127.0.0.1:8123/fhir",)))
    settings = load_settings(file)
    assert settings.server.host == "127.0.0.1"
    assert settings.auth.required is False
    assert settings.database.url == f"sqlite:///{database}"
    assert settings.fhir.allowed_servers == ("http://127.0.0.1:8123/fhir",)
    assert settings.logging.level == "WARNING"


# -- with sekmet -------------------------------------------------------------------------------


@pytest.mark.integration
def test_fhir_server_loads_pages_requires_the_token_and_stops(sekmet: Path) -> None:
    chart = scenario("item9_positive")
    with running_fhir_server(token="tok-123") as fhir:
        assert fhir.base_url == f"http://127.0.0.1:{fhir.port}/fhir"
        workdir = fhir.workdir
        assert json.loads((workdir / "settings.yaml").read_text())["simulator"] == {
            "enabled": False
        }
        answer = fhir.put_resources(chart.resources)
        assert len(answer["entry"]) == len(chart.resources)
        # Every page of a search, the next links followed (2 per page).
        observations = [r for r in chart.resources if r["resourceType"] == "Observation"]
        found = fhir.search_all(f"Observation?patient={chart.patient_id}&_count=2")
        assert sorted(r["id"] for r in found) == sorted(r["id"] for r in observations)
        assert len(observations) > 2
        assert fhir.get(f"Patient/{chart.patient_id}")["id"] == chart.patient_id
        # sekmet wants the token: without it, a real 401.
        bare = requests.get(f"{fhir.base_url}/Patient/{chart.patient_id}", timeout=10)
        assert bare.status_code == 401
        # An invalid resource is refused whole, with sekmet's reason.
        with pytest.raises(FhirLoadError, match="answered 400"):
            fhir.put_resources([{"resourceType": "Patient", "id": "x", "birthDate": "yesterday"}])
        port, process = fhir.port, fhir.process
    assert process.poll() is not None
    assert _refused(port)
    assert not workdir.exists()  # the temporary data dir is gone with the server


@pytest.mark.integration
def test_fhir_server_keeps_a_given_workdir_and_advertises_a_proxy(
    tmp_path: Path, sekmet: Path
) -> None:
    proxy = "http://127.0.0.1:9/fhir"  # nothing listens there; only the links name it
    with running_fhir_server(workdir=tmp_path, advertised_base_url=proxy) as fhir:
        chart = scenario("item9_positive")
        fhir.put_resources(chart.resources)
        page = fhir.get(f"Observation?patient={chart.patient_id}&_count=1")
        nxt = [link["url"] for link in page["link"] if link["relation"] == "next"]
        assert nxt and nxt[0].startswith(proxy + "/")
        # search_all maps those links back to sekmet itself instead of calling the proxy.
        assert len(fhir.search_all(f"Observation?patient={chart.patient_id}&_count=1")) > 1
    assert (tmp_path / "sekmet.log").is_file() and (tmp_path / "data").is_dir()


def test_cds_service_starts_serves_discovery_and_stops() -> None:
    with running_cds_service(allowed_fhir_servers=("http://127.0.0.1:1/fhir",)) as service:
        response = requests.get(f"{service.base_url}/cds-services", timeout=10)
        assert response.status_code == 200
        assert [s["id"] for s in response.json()["services"]] == [
            "trd-patient-view",
            "trd-order-select",
            "trd-order-sign",
        ]
        port, process, workdir = service.port, service.process, service.workdir
        assert (workdir / "trd-cds.db").is_file()
    assert process.poll() is not None
    assert _refused(port)
    assert not workdir.exists()
