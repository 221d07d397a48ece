from __future__ import annotations

import pytest

from fhir_mapping import drug_table
from tests.services import factories


@pytest.fixture(autouse=True)
def small_drug_table(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit tests run against a small fixed drug table; scenario tests use the real one."""
    if request.node.get_closest_marker("real_drug_table") is not None:
        return
    monkeypatch.setattr(drug_table, "drug_info", factories.fake_drug_info)
    monkeypatch.setattr(drug_table, "all_drugs", factories.fake_all_drugs)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_drug_table: use fhir_mapping's own drug table")
