"""A real FHIR R4 server (sekmet-fhir) on loopback, loaded with Synthea patients.

Layout of the session:

    service under test ──GET──▶ recorder (tests/faults/loopback.py Forward) ──▶ sekmet-fhir
                                 records every request: path, query, headers

sekmet builds its `next` links from its configured `base_url`, which is set to the recorder's
address, so every request the service makes (next pages included) passes through the recorder,
and the tests can assert exactly which queries were sent and with which Authorization header.
sekmet itself requires that bearer token (`server_auth: bearer`), so a fetch with a wrong or no
token really gets a 401 from the real server. sekmet is started, loaded and stopped by
scripts/fhir_server.py, as for the demo (loopback only, empty data dir, strict validation).

Needs `.venv-fhir` (`make fhir-server`) and `../shared` beside the repository: the tests are
skipped without them, except under CI (env `CI` set), where their absence is a failure.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from scripts.fhir_server import (
    FhirLoadError,
    FhirServerError,
    LocalFhirServer,
    start_fhir_server,
)
from tests.faults.loopback import Forward, LoopbackServer
from tests.fixtures.scenarios import all_scenarios

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT / ".." / "shared"
SYNTHEA = SHARED / "fhir" / "synthea"

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
    """The running sekmet (scripts/fhir_server.py), reached through the recorder."""

    base_url: str  # what the service is given as fhirServer (the recorder's /fhir)
    token: str
    local: LocalFhirServer  # sekmet itself, for loading and for building EHR-style prefetch
    recorder: LoopbackServer
    forward: Forward
    patients: dict[str, LoadedPatient] = field(default_factory=dict)
    scenario_ids: dict[str, str] = field(default_factory=dict)  # scenario name -> patient id

    def get(self, query: str) -> dict[str, Any]:
        """GET a relative query straight from sekmet (as the EHR does to build prefetch)."""
        return self.local.get(query)

    @contextmanager
    def frozen(self) -> Iterator[None]:
        """The server process stopped (SIGSTOP): it accepts connections but never answers."""
        self.local.process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.local.process.send_signal(signal.SIGCONT)


def require(path: Path, what: str) -> None:
    if path.exists():
        return
    message = f"{what} is missing ({path})"
    if os.environ.get("CI"):
        pytest.fail(message + ": CI must run the integration tests")
    pytest.skip(message)


def _load_synthea(server: FhirServer, key: str, relative: str) -> None:
    path = SYNTHEA / relative
    raw = path.read_bytes()
    answer = server.local.post_bundle(raw)
    locations = [e["response"]["location"] for e in answer["entry"]]
    patient_ids = [
        loc.split("/Patient/", 1)[1].split("/")[0] for loc in locations if "/Patient/" in loc
    ]
    assert len(patient_ids) == 1, f"{relative} holds {len(patient_ids)} patients"
    resources = tuple(e["resource"] for e in json.loads(raw)["entry"])
    server.patients[key] = LoadedPatient(key, patient_ids[0], path, resources)


def _load(server: FhirServer) -> None:
    """The chosen Synthea patients, and the project's hand-built scenario charts
    (tests/fixtures/scenarios.py) written with PUT so their ids (and references) are kept."""
    for key, relative in SMART_2019.items():
        _load_synthea(server, key, relative)
    for relative in NY_SHARED:
        server.local.post_bundle((SYNTHEA / relative).read_bytes())
    for key, relative in EXAFLUENCE.items():
        _load_synthea(server, key, relative)
    for scenario in all_scenarios():
        server.local.put_resources(scenario.resources)
        server.scenario_ids[scenario.name] = scenario.patient_id


@contextmanager
def running_sekmet(workdir: Path) -> Iterator[FhirServer]:
    """sekmet started in `workdir` (scripts/fhir_server.py) behind a recorder, loaded with the
    chosen Synthea patients and the project's scenarios; stopped on exit, whatever happened."""
    token = "integration-" + secrets.token_hex(12)
    forward = Forward()
    # "/fhir-old/..." is forwarded too: a wrong base path, which sekmet answers with a 404.
    with LoopbackServer({"fhir": forward, "fhir-old": forward}) as recorder:
        try:
            local = start_fhir_server(
                workdir=workdir, token=token, advertised_base_url=recorder.url("fhir")
            )
        except FhirServerError as exc:
            pytest.fail(f"the FHIR server did not start: {exc}", pytrace=False)
        with local:
            forward.upstream = f"http://127.0.0.1:{local.port}"
            server = FhirServer(recorder.url("fhir"), token, local, recorder, forward)
            try:
                _load(server)
            except FhirLoadError as exc:
                pytest.fail(f"loading the test patients failed: {exc}", pytrace=False)
            recorder.clear()
            yield server
