from __future__ import annotations

from collections.abc import Iterator

import pytest

from fhir_mapping import drug_table
from tests.services import factories

# Caches of drug_table built from `all_drugs()` looked up at call time: filled while the small
# table is patched in, they would keep it for every later test (a test of fhir_mapping run after
# one of these read lisinopril as no conditional drug), so they are emptied on both sides.
_DERIVED_CACHES = (drug_table.conditional_ingredients,)


@pytest.fixture(autouse=True)
def small_drug_table(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Unit tests run against a small fixed drug table; scenario tests use the real one."""
    if request.node.get_closest_marker("real_drug_table") is not None:
        yield
        return
    for derived in _DERIVED_CACHES:
        derived.cache_clear()
    monkeypatch.setattr(drug_table, "drug_info", factories.fake_drug_info)
    monkeypatch.setattr(drug_table, "all_drugs", factories.fake_all_drugs)
    yield
    for derived in _DERIVED_CACHES:
        derived.cache_clear()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_drug_table: use fhir_mapping's own drug table")
