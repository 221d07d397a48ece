"""Review s25 RK2 finding 12: `same_origin` accepted a URL with userinfo
("https://user@ehr.example/fhir/x" on https://ehr.example/fhir) while `url_allowed` refused it,
and an empty user ("https://:pw@...") passed `url_allowed` (it tested `username`, which is ""
there). Now any userinfo gives the URL no origin (cds_hooks/fhir_data/fhir_urls.py `_origin`),
so both refuse it: one rule for both checks.
"""

from __future__ import annotations

import pytest

from cds_hooks.fhir_data.fhir_urls import same_origin, url_allowed

BASE = "https://ehr.example/fhir"
ALLOWED = ("https://ehr.example/fhir/",)
WITH_USERINFO = [
    "https://user@ehr.example/fhir/Patient/1",
    "https://user:pw@ehr.example/fhir/Patient/1",
    "https://:pw@ehr.example/fhir/Patient/1",
    "https://@ehr.example/fhir/Patient/1",
]


@pytest.mark.parametrize("url", WITH_USERINFO)
def test_userinfo_is_refused_by_both_checks(url: str) -> None:
    assert not same_origin(url, BASE)
    assert not url_allowed(url, ALLOWED)


def test_the_same_url_without_userinfo_passes_both() -> None:
    url = "https://ehr.example/fhir/Patient/1"
    assert same_origin(url, BASE)
    assert url_allowed(url, ALLOWED)


def test_an_at_sign_in_the_path_or_query_is_no_userinfo() -> None:
    url = "https://ehr.example/fhir/Patient?email=a@b.example"
    assert same_origin(url, BASE)
    assert url_allowed(url, ALLOWED)
