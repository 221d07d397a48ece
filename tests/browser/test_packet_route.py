"""The TMS referral summary through the running service, as a clinician reaches it: `trd-cds
serve` on loopback answers patient-view for the TRD scenario; the TMS card links the summary
next to the timeline (same short-lived token), headless Chromium opens it, in a 600 px window
too, and prints it on A4 with no table row cut; the card's referral suggestion carries the same
summary as a DocumentReference. An unknown token gets the 404 page.

The scenario is written as of 2025-06-02 and the service judges against today, so every date in
the chart is moved to make that day today (scripts/date_shift.py), as `make demo` does.
"""

from __future__ import annotations

import base64
import dataclasses
import re
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.servicerequest import ServiceRequest

from scripts.cds_service import CdsService, running_cds_service
from scripts.date_shift import days_between, shift_resources
from scripts.fhir_server import loopback_session
from tests.browser.chromium import A4, DevTools, dump_dom
from tests.browser.dom import parse
from tests.browser.packet_example import SECTIONS, cells
from tests.browser.packet_pdf import TaggedPdf
from tests.fixtures.scenarios import cds_request, scenario

pytestmark = pytest.mark.browser

SERVICE = "trd-patient-view"


@dataclasses.dataclass(frozen=True)
class Served:
    service: CdsService
    tms: dict[str, Any]  # the TMS card
    others: list[dict[str, Any]]
    session: requests.Session

    @property
    def link(self) -> str:
        return str(self.tms["links"][1]["url"])


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    today = datetime.now(UTC).date()  # the service's today (UTC)
    chart = scenario("trd_meets_tms")
    moved = dataclasses.replace(
        chart,
        resources=shift_resources(chart.resources, days_between(chart.as_of, today)),
        as_of=today,
    )
    with running_cds_service() as service, loopback_session() as session:
        response = session.post(
            f"{service.base_url}/cds-services/{SERVICE}", json=cds_request(moved), timeout=60
        )
        assert response.status_code == 200, response.text[:500]
        cards = response.json()["cards"]
        (tms,) = [c for c in cards if c["source"]["topic"]["code"] == "tms-referral"]
        yield Served(service, tms, [c for c in cards if c is not tms], session)


def test_the_tms_card_links_its_summary_with_the_timelines_token(served: Served) -> None:
    timeline, packet = served.tms["links"]
    assert timeline["label"] == "View treatment timeline"
    assert packet == {"label": "TMS referral summary", "url": served.link, "type": "absolute"}
    token = timeline["url"].removeprefix(f"{served.service.base_url}/timeline/")
    assert served.link == f"{served.service.base_url}/packet/{token}"
    assert len(token) >= 32 and "/" not in token
    # Only the card that attaches the summary links it.
    assert [[link["label"] for link in c["links"]] for c in served.others] == [
        ["View treatment timeline"]
    ]


def test_chromium_renders_the_patients_summary(chromium: str, served: Served) -> None:
    run = dump_dom(chromium, served.link)
    html = run.stdout
    dom = parse(html)
    assert [a["id"] for t, a in dom.elements if t == "section"] == SECTIONS
    assert "<title>TMS referral summary</title>" in html
    assert cells(html, "Code") == ["ICD-10-CM F33.2"]
    assert cells(html, "Drug (class)") == ["sertraline (SSRI)", "venlafaxine (SNRI)"]
    assert cells(html, "Doses, mg/day") == ["50 → 100 → 150 → 200", "75 → 150 → 225"]
    assert cells(html, "Counted for TMS") == ["yes: failed", "yes: failed"]
    assert cells(html, "Sessions") == ["11 sessions"]
    assert cells(html, "Status")  # the payer's criteria, each with its status
    assert "this link expires" in html
    assert [m for m in run.console_messages() if "Content Security Policy" in m] == []


def test_the_page_headers_keep_it_private_and_self_contained(served: Served) -> None:
    response = served.session.get(served.link, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert "<script" not in response.text
    assert not re.search(r"(src|href)=\"(?!#)", response.text)  # only in-page anchors


def test_600_px_window_and_a4_print_of_the_served_page(
    chromium: str, served: Served, tmp_path: Path
) -> None:
    with DevTools(chromium) as browser:
        browser.viewport(600, 900)
        browser.load(served.link)
        overflow = browser.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        png = browser.screenshot(tmp_path / "packet-600.png", full_page=True)
        browser.viewport(1100, 900)
        pdf = TaggedPdf(browser.print_to_pdf(A4))
    assert overflow <= 0
    assert png.stat().st_size > 40_000
    assert pdf.page_count >= 2
    assert pdf.body_rows() and pdf.split_rows() == []


def test_the_referral_carries_the_summary_as_a_document(chromium: str, served: Served) -> None:
    suggestion, order_only = served.tms["suggestions"]  # with the summary, and alone
    (alone,) = order_only["actions"]
    assert "supportingInfo" not in alone["resource"]
    (request_action, document_action) = suggestion["actions"]
    assert request_action["type"] == document_action["type"] == "create"
    request, document = request_action["resource"], document_action["resource"]
    ServiceRequest.model_validate(request)
    DocumentReference.model_validate(document)
    assert request["supportingInfo"] == [
        {
            "reference": f"DocumentReference/{document['id']}",
            "identifier": document["masterIdentifier"],
            "display": "TMS referral summary",
        }
    ]
    assert document["subject"] == request["subject"]
    attachment = document["content"][0]["attachment"]
    attached = base64.b64decode(attachment["data"]).decode("utf-8")
    # The same summary as the page, without the link's expiry.
    page = dump_dom(chromium, served.link).stdout
    for column in ("Drug (class)", "Doses, mg/day", "Outcome", "Date", "Score", "Status"):
        assert cells(attached, column) == cells(page, column), column
    assert "expires" not in attached


def test_an_unknown_token_gets_the_404_page(chromium: str, served: Served) -> None:
    unknown = f"{served.service.base_url}/packet/{secrets.token_urlsafe(32)}"
    response = served.session.get(unknown, timeout=30)
    assert response.status_code == 404
    assert response.headers["cache-control"] == "no-store"
    run = dump_dom(chromium, unknown)
    assert "<title>Referral summary not available</title>" in run.stdout
    assert "This link has expired or is unknown." in run.stdout
    assert "<section" not in run.stdout
    # An over-long token is not even looked up: the same 404.
    assert served.session.get(served.link + "x" * 100, timeout=30).status_code == 404
