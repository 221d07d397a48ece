"""Review 8, finding 3: no prefetch template is too long for an IIS-fronted FHIR server, and the
two Observation keys it takes (`observations`: scales and suicide screens; `labs`) are judged
apart: a missing `labs` leaves only the labs unseen, never the whole hook a 412.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from fastapi.testclient import TestClient

from cds_hooks.config.settings import load_settings
from cds_hooks.fhir_data.fhir_source import InMemoryFhirSource
from cds_hooks.fhir_data.prefetch import gather
from cds_hooks.models import HookRequest
from fhir_mapping.clinical_codes import lab_ranges
from fhir_mapping.code_systems import LOINC
from fhir_mapping.codes import observation_codes
from fhir_mapping.gaps import DOMAINS_OF_KEY, type_gaps
from fhir_mapping.lab_si_key import key_codes
from fhir_mapping.labs import ULN_TESTS
from fhir_mapping.record import DataDomain
from fhir_mapping.site_codes import LocalCode, SiteCodes
from services.catalog import LOINC_OID, MAX_QUERY_BYTES, NOT_ASKED, services
from tests.faults import fakes

REPO = Path(__file__).resolve().parents[2]
HOOK = "/cds-services/trd-patient-view"
# An Epic-style FHIR base, and a patient id of FHIR's maximum length (64): the longest query.
EPIC_BASE = "https://fhir.example-hospital.org/interconnect-prd-fhir/api/FHIR/R4/"
LONGEST_ID = "e" * 64
LOCAL = "urn:oid:1.2.840.114350.1.13.0.1.7.2.707679"


def _sent_query(template: str) -> str:
    """The query string as the service's own client sends it: BoundFhirSource.search joins the
    query to the base and `requests` prepares the URL (percent-encoding `|` as %7C)."""
    query = template.replace("{{context.patientId}}", LONGEST_ID)
    url = requests.Request("GET", urljoin(EPIC_BASE, query)).prepare().url
    assert url is not None
    return urlsplit(url).query


def _query_bytes(template: str) -> int:
    return len(_sent_query(template).encode("ascii"))


def _example_site_codes() -> SiteCodes:
    return load_settings(REPO / "deploy" / "config.example.toml").site_codes()


@pytest.mark.parametrize("site", ["default", "deploy-example"])
def test_every_template_query_fits_an_iis_default_query_string(site: str) -> None:
    codes = _example_site_codes() if site == "deploy-example" else SiteCodes()
    lengths = {key: _query_bytes(t) for s in services(codes) for key, t in s.prefetch}
    sent = _sent_query(dict(services(codes)[0].prefetch)["labs"])
    assert "%7C" in sent and "|" not in sent  # measured as sent: `|` percent-encoded
    too_long = {k: n for k, n in lengths.items() if n > MAX_QUERY_BYTES}
    assert too_long == {}, f"over {MAX_QUERY_BYTES} bytes: {too_long}"
    assert MAX_QUERY_BYTES < 2048  # IIS's default maxQueryString, with a margin


def _tokens(template: str) -> set[tuple[str, str]]:
    codes = template.split("&code=", 1)[1].split("&", 1)[0]
    return {tuple(token.split("|", 1)) for token in codes.split(",")}  # type: ignore[misc]


def test_observations_holds_scales_and_screens_and_labs_the_labs_each_under_both_spellings() -> (
    None
):
    templates = dict(services()[0].prefetch)
    observations, labs = _tokens(templates["observations"]), _tokens(templates["labs"])
    liver = _tokens(templates["liverTests"])  # ALT and AST (review 12 H10)
    si = _tokens(templates["labsSI"])  # moles codes (review 17 W3), TSH assay codes (s19 M3)
    assert not observations & labs and not labs & liver and not observations & liver
    assert not si & (observations | labs | liver)
    for row in observation_codes():
        if row.concept in NOT_ASKED or not row.asked:  # PHQ-9 items 1-8, and the rows a
            # labs70 `asked` "no" keeps out (eGFR 48642-3 etc.): read, not asked (the byte limit)
            assert (row.system, row.code) not in observations | labs | si, row.concept
            continue
        if row.concept in ULN_TESTS:
            wanted = liver
        elif row.system == LOINC and (row.concept, row.code) in key_codes():
            wanted = si
        else:
            wanted = labs if row.concept in lab_ranges() else observations
        assert (row.system, row.code) in wanted, row.concept
        if row.system == LOINC:
            assert (LOINC_OID, row.code) in wanted, row.concept
    assert ("http://loinc.org", "44261-6") in observations  # PHQ-9 total
    assert ("http://loinc.org", "93373-9") in observations  # C-SSRS screener
    assert ("http://loinc.org", "3016-3") in labs  # TSH
    assert ("http://loinc.org", "14334-7") in labs  # lithium


def test_a_site_local_code_goes_with_its_standard_codes_key() -> None:
    site = SiteCodes(
        local_codes=(
            LocalCode(LOCAL, "3049", LOINC, "44261-6"),  # a flowsheet PHQ-9 total
            LocalCode(LOCAL, "7001", LOINC, "3016-3"),  # a local TSH
        )
    )
    templates = dict(services(site)[0].prefetch)
    assert (LOCAL, "3049") in _tokens(templates["observations"])
    assert (LOCAL, "3049") not in _tokens(templates["labs"])
    assert (LOCAL, "7001") in _tokens(templates["labs"])
    assert (LOCAL, "7001") not in _tokens(templates["observations"])


def test_required_keys_stay_and_labs_is_optional() -> None:
    for service in services():
        assert service.required == {"medicationRequests", "conditions", "observations"}
        assert "labs" in dict(service.prefetch)


def test_every_observation_key_has_its_own_domains() -> None:
    keys = {k for k, t in services()[0].prefetch if t.startswith("Observation?")}
    expected = {"observations", "labs", "liverTests", "labsSI", "vitals", "pgx"}
    assert keys == set(DOMAINS_OF_KEY) == expected


def test_discovery_lists_both_observation_keys(client: TestClient) -> None:
    for service in client.get("/cds-services").json()["services"]:
        assert {"observations", "labs"} <= set(service["prefetch"])
        assert "3016-3" in service["prefetch"]["labs"]
        assert "3016-3" not in service["prefetch"]["observations"]


def test_discovery_asks_for_the_pregnancy_tests_under_labs_si(client: TestClient) -> None:
    # Review s29 RL finding 6: a positive hCG was never asked for (fhir_mapping/pregnancy_tests.py).
    for service in client.get("/cds-services").json()["services"]:
        si = _tokens(service["prefetch"]["labsSI"])
        for code in ("2106-3", "2118-8", "21198-7"):
            assert (LOINC, code) in si and (LOINC_OID, code) in si
            assert code not in service["prefetch"]["observations"]


# --- two keys of one type --------------------------------------------------------------------------

PATIENT = {"resourceType": "Patient", "id": "p1"}
PHQ9 = {
    "resourceType": "Observation",
    "id": "o1",
    "status": "final",
    "code": {"coding": [{"system": LOINC, "code": "44261-6"}]},
}


def _gather(prefetch: dict[str, Any], source: Any = None) -> Any:
    request = HookRequest.model_validate(
        {"hook": "patient-view", "hookInstance": "h", "context": {"patientId": "p1"}, **prefetch}
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


def _all_null_but(*absent: str, **given: Any) -> dict[str, Any]:
    prefetch: dict[str, Any] = {k: None for k, _ in services()[0].prefetch if k not in absent}
    prefetch.update(patient=PATIENT, **given)
    return {"prefetch": prefetch}


def test_a_missing_labs_key_marks_only_the_labs_unavailable() -> None:
    searchset = {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": PHQ9}]}
    result = _gather(_all_null_but("labs", observations=searchset))
    assert set(result.missing) == {"labs"}
    assert set(result.unavailable) == {"Observation:labs"}
    (gap,) = type_gaps(result.unavailable, result.incomplete)
    assert gap.domain is DataDomain.LABS and gap.whole_domain
    assert gap.reason.startswith("Observation: prefetch key 'labs'")


def test_a_missing_observations_key_marks_only_the_scores() -> None:
    # ... and the conditions: pregnancy status comes with the scales (review 10 finding 3).
    result = _gather(_all_null_but("observations"))
    assert set(result.unavailable) == {"Observation:observations"}
    gaps = type_gaps(result.unavailable, result.incomplete)
    assert {g.domain for g in gaps} == {DataDomain.SCORES, DataDomain.CONDITIONS}
    # QuestionnaireResponses (null: none) and Conditions were read
    assert not any(g.whole_domain for g in gaps)
    both = type_gaps({**result.unavailable, "QuestionnaireResponse": "x"}, {})
    assert {(g.domain, g.whole_domain) for g in both} == {
        (DataDomain.SCORES, True),
        (DataDomain.CONDITIONS, False),
    }


def test_a_bare_observation_feed_still_stands_for_both_domains() -> None:
    gaps = type_gaps({"Observation": "not sent"}, {})
    assert {(g.domain, g.whole_domain) for g in gaps} == {
        (DataDomain.SCORES, False),
        (DataDomain.LABS, True),
        (DataDomain.CONDITIONS, False),
        (DataDomain.LIVER_TESTS, True),
        (DataDomain.SI_LABS, True),  # B12, folate, vitamin D moles codes (review 17 W3)
        (DataDomain.VITALS, True),  # blood pressure (review 13 W6)
        (DataDomain.PGX, True),  # CYP2C19 / CYP2D6 results (review 13 W4)
    }


def test_observations_sent_does_not_cover_an_absent_labs_key() -> None:
    searchset = {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": PHQ9}]}
    source = InMemoryFhirSource([])
    result = _gather(_all_null_but("labs", observations=searchset), source=source)
    assert [q.split("&code=")[0] for q in source.queries] == ["Observation?patient=p1"]
    assert "3016-3" in source.queries[0] and "44261-6" not in source.queries[0]
    assert result.missing == {}


def test_observations_under_a_key_of_the_ehrs_own_naming_cover_both() -> None:
    searchset = {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": PHQ9}]}
    source = InMemoryFhirSource([])
    result = _gather(_all_null_but("labs", "observations", Observation=searchset), source=source)
    assert source.queries == [] and result.missing == {}


def test_a_hook_without_labs_is_answered_with_the_labs_named_unavailable(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fakes.install(monkeypatch)
    body = json.loads(
        (REPO / "tests/fixtures/patients/trd_meets_tms.request.json").read_text("utf-8")
    )
    del body["prefetch"]["labs"]
    body["prefetch"]["vitals"] = None  # the fixture predates `vitals` (review 13 W6): no data
    body["prefetch"]["pgx"] = None  # ... and `pgx` (review 13 W4)
    body["prefetch"]["labsSI"] = None  # ... and `labsSI` (review 17 W3)
    response = client.post(HOOK, json=body)
    assert response.status_code == 200, response.text  # not a 412: labs are optional
    assert list(fake.calls[-1].unavailable) == ["Observation:labs"]
    del body["prefetch"]["observations"]
    response = client.post(HOOK, json=body)
    assert response.status_code == 412
    assert list(response.json()["details"]["missing"]) == ["observations"]


def test_without_labs_the_missing_tsh_is_not_known_not_absent() -> None:
    """An EHR on the old templates sends no `labs`: the TSH line says the TSH is not known, never
    "no TSH in 365 days" (this chart's TSH is in `labs`), and the card names the labs not read."""
    from datetime import date

    from cds_hooks.offline import evaluate_document
    from services.policy import Policy

    body = json.loads(
        (REPO / "tests/fixtures/patients/trd_meets_tms.request.json").read_text("utf-8")
    )
    sent = evaluate_document(body, hook="patient-view", as_of=date(2025, 6, 2), policy=Policy())
    with_labs = {c.source.topic.code: c for c in sent.response.cards if c.source.topic}
    assert "diagnosis-review" not in with_labs  # its TSH is in `labs`
    del body["prefetch"]["labs"]
    result = evaluate_document(body, hook="patient-view", as_of=date(2025, 6, 2), policy=Policy())
    cards = {c.source.topic.code: c for c in result.response.cards if c.source.topic}
    review = cards["diagnosis-review"]
    assert review.summary == (
        "TSH not known (lab results not available) after 2 adequate trials failed: check it in the chart"
    )
    assert "No TSH" not in (review.detail or "")
    assert "Labs not (fully) available" in (review.detail or "")
