"""Review 12 H10: ALT and AST under a prefetch key of their own, `liverTests`.

`labs` was at 1,738 of the 1,800 bytes a template may send (services/catalog.py MAX_QUERY_BYTES),
so the transaminases come under a third Observation key. It is optional, as `labs` is: a request
from an EHR on the older discovery (no `liverTests`) is answered as before, with only the liver
tests "not available" (DataDomain.LIVER_TESTS), never the labs the lithium and TSH checks read.
"""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from cds_hooks.config.settings import load_settings
from fhir_mapping.code_systems import LOINC
from fhir_mapping.gaps import DOMAINS_OF_KEY, type_gaps
from fhir_mapping.record import DataDomain
from fhir_mapping.site_codes import LocalCode, SiteCodes
from services.catalog import LOINC_OID, MAX_QUERY_BYTES, overlong_templates, query_bytes, services

REPO = Path(__file__).resolve().parents[2]
HOOK = "/cds-services/trd-patient-view"
EPIC_LAB = "urn:oid:1.2.840.114350.1.13.0.1.7.2.768282"
LIVER_LOINCS = ("1742-6", "1743-4", "76625-3", "1920-8", "30239-8")
# The largest site map the startup tests use (tests/cds_hooks/test_query_length_startup.py: eight
# local lab components), plus a local code for each ALT and AST LOINC.
LAB_LOINCS = ("3016-3", "3024-7", "2132-9", "2284-8", "1989-3", "14334-7", "2951-2", "2160-0")


def _tokens(template: str) -> set[tuple[str, str]]:
    codes = template.split("&code=", 1)[1].split("&", 1)[0]
    return {tuple(token.split("|", 1)) for token in codes.split(",")}  # type: ignore[misc]


def _site(loincs: tuple[str, ...]) -> SiteCodes:
    return SiteCodes(
        local_codes=tuple(
            LocalCode(EPIC_LAB, str(80001 + i), LOINC, loinc) for i, loinc in enumerate(loincs)
        )
    )


def test_liver_tests_holds_alt_and_ast_under_both_spellings_and_labs_none() -> None:
    templates = dict(services()[0].prefetch)
    liver, labs = _tokens(templates["liverTests"]), _tokens(templates["labs"])
    for code in LIVER_LOINCS:
        assert (LOINC, code) in liver and (LOINC_OID, code) in liver
        assert (LOINC, code) not in labs and (LOINC_OID, code) not in labs
    assert len(liver) == 2 * len(LIVER_LOINCS)
    assert templates["liverTests"].startswith("Observation?patient={{context.patientId}}&code=")


def test_labs_is_no_longer_than_before_the_split() -> None:
    """The split took nothing into `labs`: 1,738 bytes, as the H6 helper measured it."""
    assert query_bytes(dict(services()[0].prefetch)["labs"]) == 1738


def test_liver_tests_fits_with_the_largest_site_map_the_tests_use() -> None:
    site = _site(LAB_LOINCS + LIVER_LOINCS)
    templates = dict(services(site)[0].prefetch)
    assert query_bytes(templates["liverTests"]) <= MAX_QUERY_BYTES
    # the eight lab entries overflow `labs` (as before), never `liverTests`
    assert {q.key for q in overlong_templates(site)} == {"labs"}
    example = load_settings(REPO / "deploy" / "config.example.toml").site_codes()
    assert all(query_bytes(t) <= MAX_QUERY_BYTES for s in services(example) for _, t in s.prefetch)


def test_a_local_alt_code_goes_with_liver_tests() -> None:
    site = _site(("1742-6", "3016-3"))
    templates = dict(services(site)[0].prefetch)
    assert (EPIC_LAB, "80001") in _tokens(templates["liverTests"])
    assert (EPIC_LAB, "80001") not in _tokens(templates["labs"])
    assert (EPIC_LAB, "80002") in _tokens(templates["labs"])
    assert (EPIC_LAB, "80002") not in _tokens(templates["liverTests"])


def test_liver_tests_is_optional_and_has_a_domain_of_its_own() -> None:
    for service in services():
        assert "liverTests" in dict(service.prefetch)
        assert "liverTests" not in service.required
    assert DOMAINS_OF_KEY["liverTests"] == (DataDomain.LIVER_TESTS,)
    (gap,) = type_gaps({"Observation:liverTests": "prefetch key 'liverTests' was not sent"}, {})
    assert gap.domain is DataDomain.LIVER_TESTS and gap.whole_domain


def test_discovery_lists_liver_tests(client: TestClient) -> None:
    for service in client.get("/cds-services").json()["services"]:
        assert "1742-6" in service["prefetch"]["liverTests"]
        assert "1742-6" not in service["prefetch"]["labs"]


def test_a_request_on_the_older_keys_is_answered_with_only_the_liver_tests_unavailable() -> None:
    """The fixture request without `liverTests` (an EHR on the older discovery): cards as
    before; the labs the TSH check reads are complete."""
    from datetime import date

    from cds_hooks.offline import evaluate_document
    from services.policy import Policy

    body = json.loads(
        (REPO / "tests/fixtures/patients/trd_meets_tms.request.json").read_text("utf-8")
    )
    sent = evaluate_document(body, hook="patient-view", as_of=date(2025, 6, 2), policy=Policy())
    del body["prefetch"]["liverTests"]
    result = evaluate_document(body, hook="patient-view", as_of=date(2025, 6, 2), policy=Policy())
    record = result.evaluation.record
    assert record.unavailable(DataDomain.LIVER_TESTS)
    assert not record.incomplete(DataDomain.LABS)
    topics = {c.source.topic.code for c in result.response.cards if c.source.topic}
    assert "diagnosis-review" not in topics  # its TSH came under `labs`: not "not known"
    assert [c.summary for c in result.response.cards] == [c.summary for c in sent.response.cards]
