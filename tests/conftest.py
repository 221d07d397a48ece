"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import Settings, load_settings

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"


def require_shared() -> Path:
    """The read-only material beside the repository; CI always has it."""
    if not SHARED.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"../shared is missing beside the repository ({SHARED})")
        pytest.skip("../shared is not beside the repository")
    return SHARED


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return require_shared()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(None, database={"url": f"sqlite:///{tmp_path / 'trd.db'}"})


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client
