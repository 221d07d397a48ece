"""Review 13 W4: CYP2C19 / CYP2D6 results under a prefetch key of their own, `pgx`.

The phenotype codes (LOINC 79714-2, 79715-9) and the Genomics Reporting IG genotype code
(84413-4) under both LOINC spellings; optional, with a domain of its own (DataDomain.PGX), so an
EHR on the older discovery is answered as before and the gap is named on no unrelated card.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

from fhir_mapping.code_systems import LOINC
from fhir_mapping.gaps import DOMAINS_OF_KEY, type_gaps
from fhir_mapping.record import DataDomain
from services.catalog import LOINC_OID, MAX_QUERY_BYTES, query_bytes, services
from tests.fhir_mapping.test_pgx import phenotype

REPO = Path(__file__).resolve().parents[2]
PGX_LOINCS = ("79714-2", "79715-9", "84413-4")


def _tokens(template: str) -> set[tuple[str, str]]:
    codes = template.split("&code=", 1)[1].split("&", 1)[0]
    return {tuple(token.split("|", 1)) for token in codes.split(",")}  # type: ignore[misc]


def _request() -> dict[str, object]:
    body: dict[str, object] = json.loads(
        (REPO / "tests/fixtures/patients/trd_meets_tms.request.json").read_text("utf-8")
    )
    return body


def test_pgx_asks_for_the_phenotype_and_genotype_codes() -> None:
    template = dict(services()[0].prefetch)["pgx"]
    assert template.startswith("Observation?patient={{context.patientId}}&code=")
    assert _tokens(template) == {(s, c) for s in (LOINC, LOINC_OID) for c in PGX_LOINCS}
    assert "&_count=" in template
    assert query_bytes(template) <= MAX_QUERY_BYTES


def test_no_other_key_asks_for_pgx_codes() -> None:
    for key, template in services()[0].prefetch:
        if key != "pgx":
            assert not any(code in template for code in PGX_LOINCS), key


def test_pgx_is_optional_with_a_domain_of_its_own() -> None:
    for service in services():
        assert "pgx" in dict(service.prefetch)
        assert "pgx" not in service.required
    assert DOMAINS_OF_KEY["pgx"] == (DataDomain.PGX,)
    (gap,) = type_gaps({"Observation:pgx": "prefetch key 'pgx' was not sent"}, {})
    assert gap.domain is DataDomain.PGX and gap.whole_domain


def test_discovery_lists_pgx(client: TestClient) -> None:
    for service in client.get("/cds-services").json()["services"]:
        assert "79714-2" in service["prefetch"]["pgx"]


def test_a_request_without_pgx_is_answered_as_before() -> None:
    from cds_hooks.offline import evaluate_document
    from services.policy import Policy

    body = _request()
    prefetch = body["prefetch"]
    assert isinstance(prefetch, dict)
    prefetch.pop("pgx", None)
    result = evaluate_document(body, hook="patient-view", as_of=date(2025, 6, 2), policy=Policy())
    assert result.evaluation.record.unavailable(DataDomain.PGX)
    for card in result.response.cards:
        assert "harmacogenomic result" not in (card.detail or "")


def test_a_result_sent_under_pgx_reaches_the_record() -> None:
    from cds_hooks.offline import evaluate_document
    from services.policy import Policy

    body = _request()
    context = body["context"]
    prefetch = body["prefetch"]
    assert isinstance(context, dict) and isinstance(prefetch, dict)
    result = phenotype(
        "CYP2D6", "poor", date(2024, 8, 1), rid="pgx-9", patient=context["patientId"]
    )
    prefetch["pgx"] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 1,
        "entry": [
            {"fullUrl": "https://ehr.example.org/fhir/Observation/pgx-9", "resource": result}
        ],
    }
    evaluated = evaluate_document(
        body, hook="patient-view", as_of=date(2025, 6, 2), policy=Policy()
    )
    record = evaluated.evaluation.record
    assert [(r.gene, r.phenotype) for r in record.pgx_results] == [("CYP2D6", "poor")]
    assert not record.unavailable(DataDomain.PGX)
