"""The timeline page through the running service, as a clinician reaches it: `trd-cds serve` on
loopback answers patient-view for the TRD scenario, and headless Chromium follows the card's
"View treatment timeline" link. The rendered DOM has the patient's lanes, PHQ-9 points, therapy
sessions and legend; a screenshot is saved under the test's tmp dir; an unknown token gets the
404 page.

The scenario is written as of 2025-06-02 and the service judges against today, so every date in
the chart is moved to make that day today (scripts/date_shift.py), as `make demo` does.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from scripts.cds_service import CdsService, running_cds_service
from scripts.date_shift import days_between, shift_resources
from scripts.fhir_server import loopback_session
from tests.browser.chromium import dump_dom, png_size, screenshot
from tests.browser.dom import parse, wide_layout
from tests.fixtures.scenarios import cds_request, scenario

pytestmark = pytest.mark.browser

SERVICE = "trd-patient-view"


@dataclasses.dataclass(frozen=True)
class Served:
    service: CdsService
    cards: list[dict[str, Any]]
    link: str
    session: requests.Session


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
        yield Served(service, cards, cards[0]["links"][0]["url"], session)


def test_the_cards_link_to_the_timeline_on_this_service(served: Served) -> None:
    topics = [c["source"]["topic"]["code"] for c in served.cards]
    assert topics == ["optimize-switch-augment", "tms-referral"]
    for card in served.cards:
        # First the timeline (the TMS card then links its referral summary:
        # tests/browser/test_packet_route.py).
        assert card["links"][0] == {
            "label": "View treatment timeline",
            "url": served.link,
            "type": "absolute",
        }
    prefix = f"{served.service.base_url}/timeline/"
    assert served.link.startswith(prefix)
    token = served.link.removeprefix(prefix)
    assert len(token) >= 32 and "/" not in token
    # No patient data in the URL: neither the id nor the name.
    assert scenario("trd_meets_tms").patient_id not in served.link
    assert "Whitfield" not in served.link


def test_chromium_renders_the_patients_timeline(chromium: str, served: Served) -> None:
    run = dump_dom(chromium, served.link)
    dom = parse(wide_layout(run.stdout))
    assert [a["data-ingredient"] for a in dom.with_class("lane")] == ["sertraline", "venlafaxine"]
    # Sertraline 50 -> 100 -> 150 -> 200, venlafaxine XR 75 -> 150 -> 225 (mg/day).
    assert [a["data-mg"] for a in dom.with_class("dose-segment")] == [
        "50",
        "100",
        "150",
        "200",
        "75",
        "150",
        "225",
    ]
    # PHQ-9 at intake, at the switch and three weeks ago; item 9 was 0 ("not at all").
    assert [a["data-value"] for a in dom.with_class("phq9-point")] == ["19", "17", "18"]
    assert dom.with_class("item9-positive") == []
    assert dom.with_class("refill-gap") == []  # fills on time
    assert len(dom.with_class("procedure")) == 11  # eleven psychotherapy sessions
    assert [t for t, _ in dom.with_id("legend")] == ["g"]
    assert len(dom.with_class("legend-item")) == 14  # every mark the page can draw, always listed
    assert [t for t, _ in dom.with_id("timeline-title")] == ["title"]
    assert [m for m in run.console_messages() if "Content Security Policy" in m] == []


def test_the_page_headers_keep_it_private_and_self_contained(served: Served) -> None:
    response = served.session.get(served.link, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert "<script" not in response.text and "http://" not in response.text.split("<svg", 1)[0]


def test_screenshot_of_the_served_page(chromium: str, served: Served, tmp_path: Path) -> None:
    png = screenshot(chromium, served.link, tmp_path / "timeline.png", window=(1400, 1000))
    assert png == tmp_path / "timeline.png"
    assert png_size(png) == (1400, 1000)
    # A blank or error page compresses to a few kB; the drawn timeline is far larger.
    assert png.stat().st_size > 40_000


def test_an_unknown_token_gets_the_404_page(chromium: str, served: Served) -> None:
    unknown = f"{served.service.base_url}/timeline/{secrets.token_urlsafe(32)}"
    response = served.session.get(unknown, timeout=30)
    assert response.status_code == 404
    assert response.headers["cache-control"] == "no-store"
    run = dump_dom(chromium, unknown)
    assert "<title>Timeline not available</title>" in run.stdout
    assert "This link has expired or is unknown." in run.stdout
    dom = parse(run.stdout)
    assert dom.with_class("lane") == [] and dom.with_id("legend") == []
    # An over-long token is not even looked up: the same 404.
    assert served.session.get(served.link + "x" * 100, timeout=30).status_code == 404
