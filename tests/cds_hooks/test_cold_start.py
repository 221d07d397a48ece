"""Cold start (issue 14): what a serving process loads from exec to its first hook answered.

With the settings `make run` and the benchmark use (auth off, an SQLite file), serving imports
neither Alembic (nor Mako and Pygments behind it), PyJWT and cryptography, PostgreSQL's dialect,
nor fhir.resources model classes that the tolerant reader does not use, on a new database file as
on one already at the head revision. Each start runs in a fresh interpreter: what the test process
itself has imported cannot hide an import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUEST = ROOT / "tests" / "fixtures" / "patients" / "trd_meets_tms.request.json"

# Module prefixes serving with default settings must not load.
NOT_FOR_SERVING = (
    "alembic",
    "mako",
    "pygments",
    "jwt",
    "cryptography",
    "sqlalchemy.dialects.postgresql",
    "fhir.resources.R4B.observation",
    "fhir.resources.R4B.condition",
    "fhir.resources.R4B.medicationstatement",
    "fhir.resources.R4B.medicationdispense",
)

# Start as `uvicorn cds_hooks.main:app_factory --factory` does, answer discovery and one
# patient-view call, and print which of NOT_FOR_SERVING got loaded.
_START = """
import json, sys
from pathlib import Path
from fastapi.testclient import TestClient
from cds_hooks.main import app_factory

prefixes, request = json.loads(sys.argv[1]), Path(sys.argv[2]).read_bytes()
with TestClient(app_factory()) as client:
    assert client.get("/cds-services").status_code == 200
    answer = client.post(
        "/cds-services/trd-patient-view",
        content=request,
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["cards"], answer.text
print(json.dumps(sorted(
    m for m in sys.modules if any(m == p or m.startswith(p + ".") for p in prefixes)
)))
"""


def _start(config: Path) -> list[str]:
    env = {**os.environ, "TRD_CDS_CONFIG": str(config)}
    env.pop("TRD_CDS_DATABASE__URL", None)
    result = subprocess.run(
        [sys.executable, "-c", _START, json.dumps(NOT_FOR_SERVING), str(REQUEST)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "serve.toml"
    database = (tmp_path / "trd-cds.db").as_posix()
    path.write_text(f'[database]\nurl = "sqlite:///{database}"\n', "utf-8")
    return path


def test_serving_with_default_settings_loads_nothing_it_does_not_use(config: Path) -> None:
    assert _start(config) == []  # a new database file: built without Alembic
    assert _start(config) == []  # the same file, now at the head revision


def test_the_control_sees_a_module_that_is_loaded(config: Path) -> None:
    """The check above can fail: fastapi, which serving does load, is reported."""
    env = {**os.environ, "TRD_CDS_CONFIG": str(config)}
    result = subprocess.run(
        [sys.executable, "-c", _START, json.dumps(["fastapi.routing"]), str(REQUEST)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["fastapi.routing"]
