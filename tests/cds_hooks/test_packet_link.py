"""The referral summary on the protocol side: the card that attaches it links it (after the
timeline link, same token), GET /packet/{token} serves it from either link store with the
timeline's headers, an unknown or expired token is a 404 page, and `trd-cds evaluate --packet`
writes it offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks import runner as runner_module
from cds_hooks.app import create_app
from cds_hooks.card_links import (
    PACKET_LINK_LABEL,
    TIMELINE_LINK_LABEL,
    new_uuids,
    packet_link,
    timeline_link,
)
from cds_hooks.cards import card_template, to_card
from cds_hooks.cli import main
from cds_hooks.config.settings import ConfigError, load_settings
from services.evaluation import Evaluation, HookInput
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules import optimize_switch_augment, tms_referral
from tests.browser.packet_example import SECTIONS, cells, packet_record
from tests.conftest import REPO_ROOT
from tests.services import factories as f
from tests.services.helpers import ctx


def _cards() -> tuple[Recommendation, Recommendation]:
    context = ctx(f.trd_record())
    tms = tms_referral.rule(context)
    optimise = optimize_switch_augment.rule(context)
    assert tms is not None and optimise is not None
    return tms, optimise


def test_only_the_card_that_attaches_the_summary_links_it() -> None:
    tms, optimise = _cards()
    assert card_template(tms).wants_packet and card_template(tms).wants_timeline
    assert not card_template(optimise).wants_packet
    links = {
        "timeline_link": timeline_link("https://cds.example.org/timeline/t"),
        "packet_link": packet_link("https://cds.example.org/packet/t"),
    }
    card = card_template(tms).issue(iter(new_uuids(4)), **links)
    assert card["links"] == [
        {
            "label": TIMELINE_LINK_LABEL,
            "url": "https://cds.example.org/timeline/t",
            "type": "absolute",
        },
        {"label": PACKET_LINK_LABEL, "url": "https://cds.example.org/packet/t", "type": "absolute"},
    ]
    other = card_template(optimise).issue(iter(new_uuids(4)), **links)
    assert [link["label"] for link in other["links"]] == [TIMELINE_LINK_LABEL]
    # The validated wire model says the same.
    wire = to_card(tms, timeline_url="https://a/timeline/t", packet_url="https://a/packet/t")
    assert [(link.label, link.url) for link in wire.links] == [
        (TIMELINE_LINK_LABEL, "https://a/timeline/t"),
        (PACKET_LINK_LABEL, "https://a/packet/t"),
    ]
    with pytest.raises(ValueError):
        packet_link("")


class _TmsOnly:
    """`evaluate` replaced: the example packet record and its real TMS card."""

    def __call__(self, hook_input: HookInput, policy: Policy) -> Evaluation:
        record = packet_record()
        rec = tms_referral.rule(ctx(record, policy))
        assert rec is not None
        return Evaluation(record=record, recommendations=(rec,))


def _body() -> dict[str, Any]:
    prefetch = {
        k: {"resourceType": "Bundle", "type": "searchset"}
        for k in ("medicationRequests", "conditions", "observations")
    }
    return {
        "hook": "patient-view",
        "hookInstance": "h-1",
        "context": {"patientId": "example", "userId": "Practitioner/1"},
        "prefetch": prefetch,
    }


@pytest.mark.parametrize("store", ["memory", "database"])
def test_the_link_opens_the_summary_from_either_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: str
) -> None:
    monkeypatch.setattr(runner_module, "evaluate", _TmsOnly())
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'db.sqlite'}"},
        timeline={"store": store},
    )
    with TestClient(create_app(settings)) as client:
        (card,) = client.post("/cds-services/trd-patient-view", json=_body()).json()["cards"]
        timeline, packet = card["links"]
        token = timeline["url"].removeprefix("http://testserver/timeline/")
        assert packet == {
            "label": PACKET_LINK_LABEL,
            "url": f"http://testserver/packet/{token}",
            "type": "absolute",
        }
        response = client.get(f"/packet/{token}")
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-security-policy"] == (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
        )
        html = response.text
        for section in SECTIONS:
            assert f'<section id="{section}">' in html
        assert cells(html, "Drug (class)", "trials")[0] == "sertraline (SSRI)"
        assert "this link expires" in html
        missing = client.get("/packet/" + "x" * 43)
        assert missing.status_code == 404
        assert "<title>Referral summary not available</title>" in missing.text
        assert missing.headers["cache-control"] == "no-store"
        assert client.get("/packet/" + "x" * 101).status_code == 404


def test_evaluate_writes_the_packet_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request = REPO_ROOT / "tests" / "fixtures" / "patients" / "trd_meets_tms.request.json"
    out = tmp_path / "packet.html"
    assert main(["evaluate", str(request), "--as-of", "2025-06-02", "--packet", str(out)]) == 0
    html = out.read_text("utf-8")
    assert html.startswith("<!doctype html>") and "<title>TMS referral summary</title>" in html
    assert cells(html, "Drug (class)", "trials") == ["sertraline (SSRI)", "venlafaxine (SNRI)"]
    assert "record as of 2 Jun 2025" in html and "expires" not in html
    cards = json.loads(capsys.readouterr().out)["cards"]
    (tms,) = [c for c in cards if c["source"]["topic"]["code"] == "tms-referral"]
    kinds = [a["resource"]["resourceType"] for a in tms["suggestions"][0]["actions"]]
    assert kinds == ["ServiceRequest", "DocumentReference"]


def test_evaluate_says_when_the_packet_cannot_be_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request = REPO_ROOT / "tests" / "fixtures" / "patients" / "trd_meets_tms.request.json"
    out = tmp_path / "missing-dir" / "packet.html"
    assert main(["evaluate", str(request), "--as-of", "2025-06-02", "--packet", str(out)]) == 2
    assert f"trd-cds: error: cannot write {out}" in capsys.readouterr().err


@pytest.mark.parametrize(
    "frame_ancestors, framing",
    [((), "'none'"), (("https://ehr.example-hospital.org",), "https://ehr.example-hospital.org")],
)
def test_the_linked_pages_may_be_framed_only_by_the_origins_the_site_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, frame_ancestors: tuple[str, ...], framing: str
) -> None:
    """Review s25 RP L6: both pages allowed any site to frame them (`frame-ancestors *`). Now
    none by default; a site whose EHR shows card links inside its own page lists its origin."""
    monkeypatch.setattr(runner_module, "evaluate", _TmsOnly())
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'db.sqlite'}"},
        server={"frame_ancestors": list(frame_ancestors)},
    )
    with TestClient(create_app(settings)) as client:
        (card,) = client.post("/cds-services/trd-patient-view", json=_body()).json()["cards"]
        urls = [link["url"].removeprefix("http://testserver") for link in card["links"]]
        for url in [*urls, "/timeline/" + "x" * 43, "/packet/" + "x" * 43]:
            csp = client.get(url).headers["content-security-policy"]
            assert csp.endswith(f"; frame-ancestors {framing}"), (url, csp)


@pytest.mark.parametrize("bad", ["*", "https://ehr.example.org/path", "https://a; script-src *"])
def test_a_frame_ancestor_that_is_not_an_origin_stops_the_service(bad: str) -> None:
    with pytest.raises(ConfigError, match="frame_ancestors"):
        load_settings(None, server={"frame_ancestors": [bad]})
