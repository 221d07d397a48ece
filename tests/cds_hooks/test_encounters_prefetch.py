"""Review 14 M2: visits under a prefetch key of their own, `encounters`.

Epic and Oracle Health often chart psychotherapy only as an Encounter (fhir_mapping/encounters.py).
The key asks for the patient's Encounters (by patient only, as `procedures` does); it is optional,
with a domain of its own (DataDomain.VISITS), so a chart sent without it leaves only the
psychotherapy history unproven. Absent from prefetch, it is fetched from `fhirServer` with the
token, like every other key (the real-server test: tests/integration/test_encounters_fetch.py).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from cds_hooks.fhir_data.fhir_source import InMemoryFhirSource
from cds_hooks.fhir_data.prefetch import gather
from cds_hooks.models import HookRequest
from fhir_mapping.build import build_record
from fhir_mapping.gaps import type_gaps
from fhir_mapping.record import DataDomain, ProcedureKind, SourceRef
from services.catalog import services
from tests.services.psychotherapy_visit_charts import epic_visit, one_failed_trial

TEMPLATE = "Encounter?patient={{context.patientId}}&_count=1000"


def test_every_service_asks_for_encounters_by_patient() -> None:
    for service in services():
        assert dict(service.prefetch)["encounters"] == TEMPLATE
        assert "encounters" not in service.required


def test_discovery_lists_encounters(client: TestClient) -> None:
    for service in client.get("/cds-services").json()["services"]:
        assert service["prefetch"]["encounters"] == TEMPLATE


def test_an_encounter_feed_not_had_is_a_visits_gap() -> None:
    (gap,) = type_gaps({"Encounter": "prefetch key 'encounters' was not sent"}, {})
    assert gap.domain is DataDomain.VISITS and gap.whole_domain


def _gather(prefetch: dict[str, Any], patient_id: str, source: InMemoryFhirSource | None) -> Any:
    request = HookRequest.model_validate(
        {
            "hook": "patient-view",
            "hookInstance": "h",
            "fhirServer": "https://ehr.example.org/fhir",
            "context": {"patientId": patient_id},
            "prefetch": prefetch,
        }
    )
    with ThreadPoolExecutor(max_workers=4) as pool:
        return gather(
            services()[0].prefetch,
            request,
            source=source,
            source_problem=None if source else "no fhirServer",
            executor=pool,
            budget_seconds=5,
        )


def test_an_absent_encounters_key_is_fetched_and_its_visits_read() -> None:
    chart = one_failed_trial("visits-fetched")
    visit = epic_visit(chart.pid, date(2025, 5, 20), rid=chart.id("visit"))
    source = InMemoryFhirSource([visit])
    prefetch: dict[str, Any] = {k: None for k, _ in services()[0].prefetch if k != "encounters"}
    prefetch["patient"] = chart.resources[0]
    result = _gather(prefetch, chart.pid, source)
    assert source.queries == [f"Encounter?patient={chart.pid}&_count=1000"]
    assert result.unavailable == {} and result.missing == {}
    record = build_record(result.resources, as_of=date(2025, 6, 2), patient_id=chart.pid)
    assert [p.source for p in record.procedures if p.kind is ProcedureKind.PSYCHOTHERAPY] == [
        SourceRef("Encounter", chart.id("visit"))
    ]


def test_without_a_server_the_absent_key_is_named_unavailable() -> None:
    chart = one_failed_trial("visits-unfetched")
    prefetch: dict[str, Any] = {k: None for k, _ in services()[0].prefetch if k != "encounters"}
    prefetch["patient"] = chart.resources[0]
    result = _gather(prefetch, chart.pid, None)
    assert set(result.unavailable) == {"Encounter"}
    (gap,) = type_gaps(result.unavailable, result.incomplete)
    assert gap.domain is DataDomain.VISITS
