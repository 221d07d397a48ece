"""A real FHIR R4 server (sekmet-fhir) on loopback, loaded with Synthea patients.

Layout of the session:

    service under test ──GET──▶ recorder (tests/faults/loopback.py Forward) ──▶ sekmet-fhir
                                 records every request: path, query, headers

sekmet builds its `next` links from its configured `base_url`, which is set to the recorder's
address, so every request the service makes (next pages included) passes through the recorder,
and the tests can assert exactly which queries were sent and with which Authorization header.
sekmet itself requires that bearer token (`server_auth: bearer`), so a fetch with a wrong or no
token really gets a 401 from the real server.

Needs `.venv-fhir` (`make fhir-server`) and `../shared` beside the repository: the tests are
skipped without them, except under CI (env `CI` set), where their absence is a failure.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.faults.loopback import Forward, LoopbackServer, free_closed_port

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT / ".." / "shared"
SYNTHEA = SHARED / "fhir" / "synthea"
SEKMET = REPO_ROOT / ".venv-fhir" / "bin" / "sekmet"
START_TIMEOUT_SECONDS = 60.0
FHIR_JSON = "application/fhir+json"

# Self-contained smart-2019 bundles (Synthea 2.4): fluoxetine x2 + MDD; sertraline, 12 Conditions.
SMART_2019 = {
    "milan": "smart-2019/Milan_Beatty_e78d0ed2-1b54-4c30-90ae-f7405af1e402.json",
    "eliseo": "smart-2019/Eliseo_Cummings_55c373ad-af55-46ed-8f69-9c7a40a89d46.json",
}
# Exafluence QI-Core bundles (Synthea 2025) reference their state's Organizations, Locations and
# Practitioners conditionally (Practitioner?identifier=...): those batches are loaded first.
NEW_YORK = "exafluence-qicore/new_york"
NY_SHARED = (
    f"{NEW_YORK}/hospitalInformation1753719349370.json",
    f"{NEW_YORK}/practitionerInformation1753719349370.json",
)
EXAFLUENCE = {
    # fluoxetine 20 MG since 1986, active MDD, 514 Observations
    "ny_fluoxetine": f"{NEW_YORK}/1e557b32-2239-dc72-1a82-316d22d17508.json",
}


@dataclass(frozen=True, slots=True)
class LoadedPatient:
    """A Synthea patient as loaded into the server: its server-assigned id and what it holds."""

    key: str
    patient_id: str
    source: Path
    resources: tuple[dict[str, Any], ...]  # the bundle's resources, as written (pre-upload ids)

    def count(self, resource_type: str) -> int:
        return sum(1 for r in self.resources if r["resourceType"] == resource_type)

    def counts(self) -> Counter[str]:
        return Counter(str(r["resourceType"]) for r in self.resources)


@dataclass(slots=True)
class FhirServer:
    """The running sekmet server, reached through the recorder."""

    base_url: str  # what the service is given as fhirServer (the recorder's /fhir)
    direct_url: str  # sekmet itself, for loading and for building EHR-style prefetch
    token: str
    recorder: LoopbackServer
    forward: Forward
    process: subprocess.Popen[bytes]
    patients: dict[str, LoadedPatient] = field(default_factory=dict)
    scenario_ids: dict[str, str] = field(default_factory=dict)  # scenario name -> patient id

    def get(self, query: str) -> dict[str, Any]:
        """GET a relative query straight from sekmet (as the EHR does to build prefetch)."""
        response = requests.get(
            f"{self.direct_url}/{query}",
            headers={"Accept": FHIR_JSON, "Authorization": f"Bearer {self.token}"},
            timeout=30,
        )
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    def search_all(self, query: str) -> list[dict[str, Any]]:
        """Every resource of a search, following sekmet's next links by hand."""
        out: list[dict[str, Any]] = []
        page: dict[str, Any] | None = self.get(query)
        while page is not None:
            out.extend(e["resource"] for e in page.get("entry", []))
            nxt = [link["url"] for link in page.get("link", []) if link["relation"] == "next"]
            page = self.get(nxt[0].removeprefix(self.base_url + "/")) if nxt else None
        return out

    @contextmanager
    def frozen(self) -> Iterator[None]:
        """The server process stopped (SIGSTOP): it accepts connections but never answers."""
        self.process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.process.send_signal(signal.SIGCONT)


def require(path: Path, what: str) -> None:
    if path.exists():
        return
    message = f"{what} is missing ({path})"
    if os.environ.get("CI"):
        pytest.fail(message + ": CI must run the integration tests")
    pytest.skip(message)


def _settings_yaml(data_dir: Path, public_base: str, token: str) -> str:
    # JSON is valid YAML; every value a plain string or number.
    return json.dumps(
        {
            "base_url": f"{public_base}/fhir",
            "host": "127.0.0.1",
            "data_dir": str(data_dir),
            "own_private_key_path": str(data_dir / "keys" / "sekmet_private.pem"),
            "simulator": {"enabled": False},
            "validation": {"inbound": "strict"},
            "max_body_log": 2000,
            "server_auth": {"types": ["bearer"], "tokens": [token]},
        },
        indent=2,
    )


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"sekmet exited with status {process.returncode} at start:\n{tail}")
        try:
            if requests.get(f"{url}/metadata", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"sekmet did not answer GET /fhir/metadata within {START_TIMEOUT_SECONDS} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGCONT)  # in case a test left it frozen
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def post_bundle(server_url: str, token: str, bundle: dict[str, Any] | bytes) -> dict[str, Any]:
    data = bundle if isinstance(bundle, bytes) else json.dumps(bundle).encode()
    response = requests.post(
        server_url,
        data=data,
        headers={
            "Content-Type": FHIR_JSON,
            "Accept": FHIR_JSON,
            "Prefer": "return=minimal",
            "Authorization": f"Bearer {token}",
        },
        timeout=120,
    )
    assert response.status_code == 200, f"loading a bundle failed: {response.text[:500]}"
    body: dict[str, Any] = response.json()
    failed = [
        e["response"]["status"]
        for e in body.get("entry", [])
        if not e["response"]["status"].startswith(("200", "201"))
    ]
    assert failed == [], f"entries refused: {failed[:5]}"
    return body


def _load_synthea(server: FhirServer, key: str, relative: str) -> None:
    path = SYNTHEA / relative
    raw = path.read_bytes()
    answer = post_bundle(server.direct_url, server.token, raw)
    locations = [e["response"]["location"] for e in answer["entry"]]
    patient_ids = [
        loc.split("/Patient/", 1)[1].split("/")[0] for loc in locations if "/Patient/" in loc
    ]
    assert len(patient_ids) == 1, f"{relative} holds {len(patient_ids)} patients"
    resources = tuple(e["resource"] for e in json.loads(raw)["entry"])
    server.patients[key] = LoadedPatient(key, patient_ids[0], path, resources)


def _load_scenarios(server: FhirServer) -> None:
    """The project's hand-built scenario charts (tests/fixtures/scenarios.py), when present,
    written with PUT so their ids (and the references between them) are kept."""
    try:
        from tests.fixtures.scenarios import all_scenarios
    except ImportError:  # written by another helper; absent in early checkouts
        return
    for scenario in all_scenarios():
        entries = [
            {
                "fullUrl": f"{server.direct_url}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"},
            }
            for r in scenario.resources
        ]
        post_bundle(
            server.direct_url,
            server.token,
            {"resourceType": "Bundle", "type": "transaction", "entry": entries},
        )
        server.scenario_ids[scenario.name] = scenario.patient_id


@contextmanager
def running_sekmet(workdir: Path) -> Iterator[FhirServer]:
    """sekmet started in `workdir` behind a recorder, loaded with the chosen Synthea patients and
    the project's scenarios; stopped (SIGTERM, then SIGKILL) on exit, whatever happened."""
    token = "integration-" + secrets.token_hex(12)
    forward = Forward()
    # "/fhir-old/..." is forwarded too: a wrong base path, which sekmet answers with a 404.
    recorder = LoopbackServer({"fhir": forward, "fhir-old": forward}).start()
    process: subprocess.Popen[bytes] | None = None
    try:
        port = free_closed_port()
        config = workdir / "settings.yaml"
        config.write_text(_settings_yaml(workdir / "data", recorder.base_url, token))
        log = workdir / "sekmet.log"
        with log.open("wb") as log_file:
            process = subprocess.Popen(
                [
                    str(SEKMET),
                    "serve",
                    "--config",
                    str(config),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                cwd=workdir,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        direct = f"http://127.0.0.1:{port}/fhir"
        _wait_until_ready(direct, process, log)
        forward.upstream = f"http://127.0.0.1:{port}"
        server = FhirServer(
            base_url=recorder.url("fhir"),
            direct_url=direct,
            token=token,
            recorder=recorder,
            forward=forward,
            process=process,
        )
        for key, relative in SMART_2019.items():
            _load_synthea(server, key, relative)
        for relative in NY_SHARED:
            post_bundle(direct, token, (SYNTHEA / relative).read_bytes())
        for key, relative in EXAFLUENCE.items():
            _load_synthea(server, key, relative)
        _load_scenarios(server)
        recorder.clear()
        yield server
    finally:
        if process is not None:
            _stop(process)
        recorder.stop()
