"""The session's real FHIR server (tests/integration/sekmet.py), and a per-test view of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scripts.fhir_server import SEKMET
from tests.integration.sekmet import SHARED, FhirServer, require, running_sekmet


@pytest.fixture(scope="session")
def fhir_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FhirServer]:
    require(SHARED, "../shared (Synthea bundles)")
    require(SEKMET, "sekmet-fhir (.venv-fhir; run `make fhir-server`)")
    with running_sekmet(tmp_path_factory.mktemp("sekmet")) as server:
        yield server


@pytest.fixture
def fhir(fhir_server: FhirServer) -> Iterator[FhirServer]:
    """The session's server with a clean request record and default page sizes."""
    fhir_server.recorder.clear()
    fhir_server.forward.max_count = None
    yield fhir_server
    fhir_server.forward.max_count = None
