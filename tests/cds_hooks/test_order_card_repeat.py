"""Order cards are not hidden because they were sent (issue 11 item 15).

An EHR re-calls order-select as the clinician edits the form (the CDS Hooks sandbox does so on
every change, same draft id, new hookInstance), may drop the earlier cards when it calls again
(CDS Hooks 2.0.1 "Update stale guidance") and may time out before showing one. So a safety or dose
card comes back on every such call and at order-sign; it is left out only once feedback shows the
clinician accepted or overrode that same card for that draft and dose.

Through the HTTP app on an SQLite file, with the real pathway, on the recorded order-select request
of tests/fixtures/patients (sertraline 25 mg drafted for a depressed patient: the dose card). The
second and later calls are answered from the evaluation cache on the event loop, so the loop
connection's compiled query is what is exercised there; order-sign goes through the thread pool.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings

REQUEST = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "patients"
    / "order_select_low_dose.order-select.request.json"
)
# Sertraline 300 mg/day (12 tablets of 25): above the maximum. The fixture's own 25 mg first
# start is titration and gets no card (review s25 RO finding 5), so the draft is raised here.
DOSE_CARD = "Sertraline 300 mg/day is above the usual maximum of 200 mg/day"
TABLETS = 12


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'trd.db'}"})
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _request(instance: str, hook: str = "order-select", tablets: float = TABLETS) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(REQUEST.read_text("utf-8"))
    body = copy.deepcopy(body)
    body["hook"] = hook
    body["hookInstance"] = instance
    draft = body["context"]["draftOrders"]["entry"][0]["resource"]
    draft["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] = tablets
    if hook == "order-sign":
        body["context"].pop("selections", None)
    return body


def _cards(client: TestClient, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = client.post(f"/cds-services/trd-{body['hook']}", json=body)
    assert response.status_code == 200, response.text
    cards: list[dict[str, Any]] = response.json()["cards"]
    return cards


def _dose_cards(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in cards if c["source"]["topic"]["code"] == "order-dose-above-range"]


def _override(client: TestClient, card: dict[str, Any], service: str = "order-select") -> None:
    response = client.post(f"/cds-services/trd-{service}/feedback", json=_override_body(card))
    assert response.status_code == 200, response.text


def _override_body(card: dict[str, Any]) -> dict[str, Any]:
    return {
        "feedback": [
            {
                "card": card["uuid"],
                "outcome": "overridden",
                "outcomeTimestamp": "2026-01-05T10:00:00Z",
                "overrideReason": {
                    "reason": {
                        "code": "expert-contradicts",
                        "system": "http://terminology.hl7.org/CodeSystem/non-adherence-reason-codes",
                    },
                    "userComment": "high dose agreed with the consultant",
                },
            }
        ]
    }


def test_the_dose_card_comes_back_on_every_order_select_and_at_order_sign(
    client: TestClient,
) -> None:
    first = _dose_cards(_cards(client, _request("select-1")))
    assert [c["summary"] for c in first] == [DOSE_CARD]
    # The form changed (or the EHR dropped the card, or timed out): same draft, new hookInstance.
    again = _dose_cards(_cards(client, _request("select-2")))
    assert [c["summary"] for c in again] == [DOSE_CARD]
    assert again[0]["uuid"] != first[0]["uuid"]  # a new card, not a replay
    # Sent twice and never answered: order-sign still shows it.
    assert [
        c["summary"] for c in _dose_cards(_cards(client, _request("sign-1", "order-sign")))
    ] == [DOSE_CARD]


def test_after_an_override_for_that_draft_and_dose_the_card_is_left_out(
    client: TestClient,
) -> None:
    card = _dose_cards(_cards(client, _request("select-1")))[0]
    _override(client, card)
    assert _dose_cards(_cards(client, _request("select-2"))) == []
    assert _dose_cards(_cards(client, _request("sign-1", "order-sign"))) == []


def test_overriding_a_later_copy_of_the_card_counts_too(client: TestClient) -> None:
    _cards(client, _request("select-1"))
    second = _dose_cards(_cards(client, _request("select-2")))[0]
    _override(client, second)
    assert _dose_cards(_cards(client, _request("sign-1", "order-sign"))) == []


def test_a_changed_dose_shows_the_card_again(client: TestClient) -> None:
    card = _dose_cards(_cards(client, _request("select-1")))[0]
    _override(client, card)
    # 13 tablets = 325 mg/day: still above 200, a different dose, so a different card.
    changed = _dose_cards(_cards(client, _request("select-2", tablets=13)))
    assert [c["summary"] for c in changed] == [
        "Sertraline 325 mg/day is above the usual maximum of 200 mg/day"
    ]
    # ... and back to the overridden 300 mg: that answer still stands.
    assert _dose_cards(_cards(client, _request("select-3"))) == []


def test_accepted_counts_as_answered(client: TestClient) -> None:
    card = _dose_cards(_cards(client, _request("select-1")))[0]
    feedback = {
        "feedback": [
            {
                "card": card["uuid"],
                "outcome": "accepted",
                "outcomeTimestamp": "2026-01-05T10:00:00Z",
            }
        ]
    }
    assert client.post("/cds-services/trd-order-select/feedback", json=feedback).status_code == 200
    assert _dose_cards(_cards(client, _request("sign-1", "order-sign"))) == []


def test_feedback_on_a_card_never_issued_is_refused_and_hides_nothing(client: TestClient) -> None:
    """Only an answer to that very card counts: feedback naming some other uuid, or this card
    sent to another service's feedback URL, is refused (400, nothing stored) and leaves the dose
    card in place."""
    card = _dose_cards(_cards(client, _request("select-1")))[0]
    for uuid, service in (
        ("00000000-0000-4000-8000-000000000000", "order-select"),
        (card["uuid"], "order-sign"),  # issued by trd-order-select, not by trd-order-sign
    ):
        response = client.post(
            f"/cds-services/trd-{service}/feedback", json=_override_body({"uuid": uuid})
        )
        assert response.status_code == 400
        assert response.json()["error"] == "unknown-card"
        assert response.json()["details"] == {"items": ["feedback.0.card"]}
    store = client.app.state.store  # type: ignore[attr-defined]
    assert store.feedback_rows() == []
    assert [c["summary"] for c in _dose_cards(_cards(client, _request("select-2")))] == [DOSE_CARD]
