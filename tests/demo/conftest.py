"""`make demo` needs sekmet-fhir (`make fhir-server`, in .venv-fhir): without it the tests that
start it are skipped, except under CI (env `CI` set), where its absence is a failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scripts.fhir_server import SEKMET


def require_sekmet() -> Path:
    if SEKMET.is_file():
        return SEKMET
    message = f"sekmet-fhir is missing ({SEKMET}; run `make fhir-server`)"
    if os.environ.get("CI"):
        pytest.fail(message + ": CI must run the demo", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def sekmet() -> Path:
    return require_sekmet()
