"""A snooze ends early when new evidence arrives (issue 12).

An override with a reason snoozes its card's topic for the patient (store.py); since issue 12 the
snooze is stored with the card's evidence fingerprint (Recommendation.evidence_key: the failed
trials and the latest PHQ-9 band, services/screen.py), as the card's snooze key "topic@fingerprint"
(store.snooze_key). It holds while the chart rests on the same evidence and ends when a PHQ-9
crosses into another band or a trial fails.

Through the HTTP app on an SQLite file with the real pathway, on the trd_meets_tms scenario's
patient-view request moved to today (the service judges every chart as of today).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.date_shift import days_between, shift_json
from tests.fixtures import builders as b
from tests.fixtures import scenarios

TMS = "tms-referral"
OPTIMISE = "optimize-switch-augment"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'trd.db'}"})
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _today() -> datetime:
    return datetime.now(UTC)


def _request(instance: str, *, phq9: int | None = None) -> dict[str, Any]:
    """The scenario's request moved to today; with `phq9`, a new PHQ-9 total taken today."""
    s = scenarios.trd_meets_tms()
    body: dict[str, Any] = shift_json(
        scenarios.cds_request(s), days_between(s.as_of, _today().date())
    )
    body["hookInstance"] = instance
    if phq9 is not None:
        body = copy.deepcopy(body)
        new = b.phq9(_today().date(), phq9, 0, patient=s.patient_id)
        body["prefetch"]["observations"]["entry"] += [
            {"resource": r, "search": {"mode": "match"}} for r in new
        ]
    return body


def _cards(client: TestClient, body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    response = client.post("/cds-services/trd-patient-view", json=body)
    assert response.status_code == 200, response.text
    return {c["source"]["topic"]["code"]: c for c in response.json()["cards"]}


def _override(client: TestClient, card: dict[str, Any], code: str) -> None:
    body = {
        "feedback": [
            {
                "card": card["uuid"],
                "outcome": "overridden",
                "outcomeTimestamp": _today().isoformat().replace("+00:00", "Z"),
                "overrideReason": {
                    "reason": {"code": code, "system": "urn:trd-cds:override-reason"},
                    "userComment": "Medicare will not cover it yet",
                },
            }
        ]
    }
    response = client.post("/cds-services/trd-patient-view/feedback", json=body)
    assert response.status_code == 200, response.text


def test_the_override_reasons_asked_for_are_offered(client: TestClient) -> None:
    found = _cards(client, _request("h-1"))
    codes = {r["code"] for r in found[TMS]["overrideReasons"]}
    assert {"payer-criteria-not-met", "prefers-ect-esketamine", "too-early-to-judge"} <= codes
    codes = {r["code"] for r in found[OPTIMISE]["overrideReasons"]}
    assert {"current-trial-responding", "too-early-to-judge", "prefers-ect-esketamine"} <= codes


def test_a_snooze_holds_on_the_same_evidence_and_ends_when_a_phq9_changes_the_band(
    client: TestClient,
) -> None:
    first = _cards(client, _request("h-1"))
    assert {TMS, OPTIMISE} <= set(first)
    assert "not yet met" in first[TMS]["summary"]  # PHQ-9 18: not "severe" for LCD L37086
    _override(client, first[TMS], "payer-criteria-not-met")

    # The same chart: the TMS card is snoozed, the other card is not.
    again = _cards(client, _request("h-2"))
    assert TMS not in again and OPTIMISE in again

    # A new PHQ-9 in the same band (moderately severe): the same evidence, still snoozed.
    assert TMS not in _cards(client, _request("h-3", phq9=17))

    # A PHQ-9 of 22 today (severe): new evidence, the snooze ends and the card is back, now with
    # the payer's criteria met.
    back = _cards(client, _request("h-4", phq9=22))
    assert TMS in back
    assert "not yet met" not in back[TMS]["summary"]
    assert "**Criteria met**" in back[TMS]["detail"]


def test_the_snooze_is_stored_with_the_cards_fingerprint(client: TestClient) -> None:
    card = _cards(client, _request("h-1"))[TMS]
    _override(client, card, "prefers-ect-esketamine")
    store = client.app.state.store  # type: ignore[attr-defined]
    with store.engine.connect() as conn:
        (topic,) = [row[0] for row in conn.exec_driver_sql("select topic from trd_snooze")]
    name, _, fingerprint = topic.partition("@")
    assert name == TMS and len(fingerprint) == 16 and int(fingerprint, 16) >= 0


def test_the_card_left_on_screen_does_not_point_to_the_snoozed_one(client: TestClient) -> None:
    """On the full screen the optimise card leaves the staging to the TMS card ("**Staging:** TMS
    referral card."). With the TMS card snoozed, the optimise card is composed without it: the
    staging is back on it, the trials and scores are on the timeline its link opens."""
    first = _cards(client, _request("h-1"))
    assert "**Staging:** TMS referral card." in first[OPTIMISE]["detail"]  # the control
    _override(client, first[TMS], "payer-criteria-not-met")
    for instance in ("h-2", "h-3"):  # composed again, then as kept with the evaluation
        (alone,) = _cards(client, _request(instance)).values()
        assert alone["source"]["topic"]["code"] == OPTIMISE
        assert "TMS referral" not in alone["detail"]
        assert "**Maudsley staging**" in alone["detail"]
        assert "on the treatment timeline" in alone["detail"]
        assert [link["label"] for link in alone["links"]] == ["View treatment timeline"]
