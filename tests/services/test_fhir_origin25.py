"""Session 25 item 1: `same_origin` checked the path as a string prefix, so a reference or a
`next` link on https://ehr.example/fhir2/... passed as being on https://ehr.example/fhir (another
FHIR server on the same host), and the bearer token went with the request there. Now the path
must be the base's or lie below it at a segment boundary (cds_hooks/fhir_data/fhir_urls.py,
`under_base`, the rule url_allowed asks too); scheme and host compare case-insensitively and an
absent port is the scheme's default (RFC 3986 6.2.2.1, 6.2.3); a dot segment is under nothing.

Chart: tests/services/fhir_origin25_charts/next_link_sibling_base (the EHR's prefetched
Conditions, page 1 of 2, whose `next` link is on .../fhir/R4b while fhirServer is .../fhir/R4).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cds_hooks.fhir_data.fhir_source import InMemoryFhirSource
from cds_hooks.fhir_data.fhir_urls import same_origin, url_allowed
from cds_hooks.fhir_data.prefetch import gather
from cds_hooks.models import HookRequest
from services.catalog import services
from tests.services import chart_files

_chart = chart_files.loader(Path(__file__).parent / "fhir_origin25_charts")
BASE = "https://ehr.example/fhir"


@pytest.mark.parametrize("base", [BASE, BASE + "/"])
@pytest.mark.parametrize(
    ("url", "same"),
    [
        ("https://ehr.example/fhir/Patient/1", True),
        ("https://ehr.example/fhir", True),
        ("https://ehr.example/fhir/", True),
        ("https://ehr.example/fhir?_getpages=x", True),
        # Another FHIR base on the same host: not a segment below /fhir.
        ("https://ehr.example/fhir2/Patient/1", False),
        ("https://ehr.example/fhir-test/Patient/1", False),
        ("https://ehr.example/fhirPatient/1", False),
        # RFC 3986 6.2.2.1: scheme and host are case-insensitive, the path is not.
        ("HTTPS://EHR.Example/fhir/Patient/1", True),
        ("https://ehr.example/FHIR/Patient/1", False),
        # RFC 3986 6.2.3: the scheme's default port is the absent port.
        ("https://ehr.example:443/fhir/Patient/1", True),
        ("https://ehr.example:8443/fhir/Patient/1", False),
        ("http://ehr.example/fhir/Patient/1", False),
        # A dot segment would resolve outside the base (RFC 3986 5.2.4).
        ("https://ehr.example/fhir/../fhir2/Patient/1", False),
        ("https://ehr.example/fhir/%2e%2e/fhir2/Patient/1", False),
        ("https://other.example/fhir/Patient/1", False),
    ],
)
def test_same_origin_needs_a_segment_boundary(url: str, base: str, same: bool) -> None:
    assert same_origin(url, base) is same


def test_a_base_written_in_capitals_or_with_its_port_is_the_same_server() -> None:
    assert same_origin("https://ehr.example/fhir/Patient/1", "HTTPS://EHR.EXAMPLE:443/fhir/")
    assert not same_origin("https://ehr.example/fhir2/Patient/1", "HTTPS://EHR.EXAMPLE:443/fhir/")


def test_url_allowed_keeps_the_same_boundary() -> None:
    allowed = ("https://ehr.example/fhir/",)
    assert url_allowed("https://ehr.example/fhir/Patient/1", allowed)
    assert url_allowed("HTTPS://EHR.example:443/fhir", allowed)
    assert not url_allowed("https://ehr.example/fhir2/Patient/1", allowed)
    assert not url_allowed("https://ehr.example/fhir/../admin", allowed)


def test_a_next_link_on_a_sibling_base_is_not_followed() -> None:
    """The prefetched Bundle's next page is on .../fhir/R4b: nothing is asked of it (the token
    would go with the request), and the Conditions are reported incomplete instead."""
    doc = _chart("next_link_sibling_base")
    request = HookRequest.model_validate(doc)
    source = InMemoryFhirSource([])
    with ThreadPoolExecutor(max_workers=2) as pool:
        result = gather(
            services()[0].prefetch,
            request,
            source=source,
            source_problem=None,
            executor=pool,
            budget_seconds=5,
        )
    assert not any("R4b" in q for q in source.queries)
    assert "more pages on another server, not followed" in result.incomplete["Condition"]
