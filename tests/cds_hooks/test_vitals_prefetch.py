"""Review 13 W6: blood pressure under a prefetch key of its own, `vitals`.

Newest first (`_sort=-date`, which CDS Hooks 2.0 allows in prefetch templates), the US Core Blood
Pressure panel and its two component codes under both LOINC spellings; optional, with a domain of
its own (DataDomain.VITALS), so an EHR on the older discovery is answered as before.
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

REPO = Path(__file__).resolve().parents[2]
BP_LOINCS = ("85354-9", "8480-6", "8462-4")


def _tokens(template: str) -> set[tuple[str, str]]:
    codes = template.split("&code=", 1)[1].split("&", 1)[0]
    return {tuple(token.split("|", 1)) for token in codes.split(",")}  # type: ignore[misc]


def test_vitals_asks_for_the_blood_pressure_codes_newest_first() -> None:
    template = dict(services()[0].prefetch)["vitals"]
    assert template.startswith("Observation?patient={{context.patientId}}&code=")
    assert _tokens(template) == {(s, c) for s in (LOINC, LOINC_OID) for c in BP_LOINCS}
    assert "&_sort=-date" in template and "&_count=" in template
    assert query_bytes(template) <= MAX_QUERY_BYTES


def test_no_other_key_asks_for_blood_pressure() -> None:
    for key, template in services()[0].prefetch:
        if key != "vitals":
            assert "85354-9" not in template and "8480-6" not in template


def test_vitals_is_optional_with_a_domain_of_its_own() -> None:
    for service in services():
        assert "vitals" in dict(service.prefetch)
        assert "vitals" not in service.required
    assert DOMAINS_OF_KEY["vitals"] == (DataDomain.VITALS,)
    (gap,) = type_gaps({"Observation:vitals": "prefetch key 'vitals' was not sent"}, {})
    assert gap.domain is DataDomain.VITALS and gap.whole_domain


def test_discovery_lists_vitals(client: TestClient) -> None:
    for service in client.get("/cds-services").json()["services"]:
        assert "85354-9" in service["prefetch"]["vitals"]


def test_a_request_without_vitals_is_answered_as_before() -> None:
    from cds_hooks.offline import evaluate_document
    from services.policy import Policy

    body = json.loads(
        (REPO / "tests/fixtures/patients/trd_meets_tms.request.json").read_text("utf-8")
    )
    body["prefetch"].pop("vitals", None)
    result = evaluate_document(body, hook="patient-view", as_of=date(2025, 6, 2), policy=Policy())
    assert result.evaluation.record.unavailable(DataDomain.VITALS)
    for card in result.response.cards:
        assert "blood pressure reading" not in (card.detail or "")
        assert "vital signs" not in (card.detail or "")


def test_blood_pressure_sent_under_vitals_reaches_the_record() -> None:
    from cds_hooks.offline import evaluate_document
    from services.policy import Policy
    from tests.fixtures import builders as fb

    body = json.loads(
        (REPO / "tests/fixtures/patients/trd_meets_tms.request.json").read_text("utf-8")
    )
    patient = body["context"]["patientId"]
    reading = fb.blood_pressure(166, 104, date(2025, 5, 20), patient=patient)
    body["prefetch"]["vitals"] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": reading}],
    }
    result = evaluate_document(body, hook="patient-view", as_of=date(2025, 6, 2), policy=Policy())
    (bp,) = result.evaluation.record.blood_pressures
    assert (bp.systolic, bp.diastolic) == (166, 104)
