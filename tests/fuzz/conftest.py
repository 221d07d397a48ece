"""One app per fuzz module, with its own SQLite database (hypothesis runs many examples per test;
a fresh app per example would measure start-up, not the request path)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import Settings, load_settings


@pytest.fixture(scope="module")
def fuzz_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("fuzz")
    # WARNING level: thousands of hostile requests would otherwise print thousands of log lines.
    return load_settings(
        None, database={"url": f"sqlite:///{folder / 'db.sqlite'}"}, logging={"level": "WARNING"}
    )


@pytest.fixture(scope="module")
def fuzz_client(fuzz_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(fuzz_settings)) as client:
        yield client
