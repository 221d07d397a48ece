"""Issue 10 3a, against the real FHIR server: a prefetched Bundle split into pages is followed.

CDS Hooks lets an EHR paginate prefetch. The service follows the Bundle's `next` link through the
EHR's fhirServer with the bearer token (same limits as a fetched key); without a server to ask, the
rest of that data is reported as incomplete, never read as the whole chart.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from tests.faults import fakes
from tests.faults.harness import hook_body
from tests.integration.sekmet import FhirServer
from tests.integration.support import ehr_prefetch, expected_counts, settings_for

pytestmark = pytest.mark.integration

URL = "/cds-services/trd-patient-view"


def _paged_prefetch(fhir: FhirServer, patient_id: str) -> dict[str, Any]:
    """The EHR's prefetch with Conditions sent as the first page of 2 (a `next` link to the rest)."""
    prefetch = ehr_prefetch(fhir, patient_id)
    first = fhir.get(f"Condition?patient={patient_id}&_count=2")
    assert len(first["entry"]) == 2
    assert any(link["relation"] == "next" for link in first["link"])
    prefetch["conditions"] = first
    return prefetch


def test_next_pages_of_a_prefetched_bundle_are_followed_with_the_token(
    fhir: FhirServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    eliseo = fhir.patients["eliseo"]
    fake = fakes.install(monkeypatch)
    prefetch = _paged_prefetch(fhir, eliseo.patient_id)
    fhir.recorder.clear()
    with (
        TestClient(create_app(settings_for(fhir, tmp_path))) as client,
        fhir.forward.page_size(2),
    ):
        body = hook_body(
            fhir.base_url, token=fhir.token, prefetch=prefetch, patient_id=eliseo.patient_id
        )
        response = client.post(URL, json=body)
    assert response.status_code == 200, response.text
    conditions = expected_counts(eliseo)["Condition"]
    assert conditions == 12
    assert Counter(str(r["resourceType"]) for r in fake.last_resources)["Condition"] == 12
    # Only the Condition pages were asked for (the rest was prefetched), with the token.
    assert fhir.recorder.hits, "the next link was never followed"
    assert {h.path.split("?")[0].rsplit("/", 1)[-1] for h in fhir.recorder.hits} == {"Condition"}
    assert {h.headers.get("authorization") for h in fhir.recorder.hits} == {f"Bearer {fhir.token}"}
    assert fake.calls[-1].incomplete == {}


def test_without_a_server_the_rest_of_a_paged_bundle_is_reported_incomplete(
    fhir: FhirServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    eliseo = fhir.patients["eliseo"]
    fake = fakes.install(monkeypatch)
    prefetch = _paged_prefetch(fhir, eliseo.patient_id)
    with TestClient(create_app(settings_for(fhir, tmp_path))) as client:
        body = hook_body(None, token=None, prefetch=prefetch, patient_id=eliseo.patient_id)
        response = client.post(URL, json=body)
    assert response.status_code == 200, response.text
    assert Counter(str(r["resourceType"]) for r in fake.last_resources)["Condition"] == 2
    (reason,) = fake.calls[-1].incomplete.values()
    assert list(fake.calls[-1].incomplete) == ["Condition"]
    assert "more pages" in reason and "no fhirServer" in reason
