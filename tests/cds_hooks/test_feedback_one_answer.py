"""Feedback is checked against the card the service issued (integration review 16 M2): accepted
suggestions must be the card's own, and a card has one answer ("Typically, an end user may only
accept (a suggestion), or override a card once", CDS Hooks 2.0.1 #feedback). A second, different
answer is refused (409) and what is stored stays; the same answer again is stored once.

Batches keep their semantics (review 8 finding 5): the items that can be stored are, the others
are named in `refused`; only a batch with nothing to store is refused whole, naming each item.
The cards are the rules' own for the trd_meets_tms chart: an adherence card without suggestions
and a measurement-based-care card with one (selectionBehavior at-most-one).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

REQUEST = Path(__file__).resolve().parents[1] / "fixtures/patients/trd_meets_tms.request.json"
SERVICE = "/cds-services/trd-patient-view"
FEEDBACK = f"{SERVICE}/feedback"
WHEN = "2026-12-02T10:09:00Z"
NEVER_ISSUED = "00000000-0000-4000-8000-000000000000"


def _cards(client: TestClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the card without suggestions, the card with one)."""
    response = client.post(SERVICE, json=json.loads(REQUEST.read_text("utf-8")))
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    plain = [c for c in cards if not c.get("suggestions")]
    suggesting = [c for c in cards if c.get("suggestions")]
    assert plain and suggesting, [c["summary"] for c in cards]
    return plain[0], suggesting[0]


def _accepted(card: dict[str, Any], *ids: str, when: str = WHEN) -> dict[str, Any]:
    item: dict[str, Any] = {"card": card["uuid"], "outcome": "accepted", "outcomeTimestamp": when}
    if ids:
        item["acceptedSuggestions"] = [{"id": i} for i in ids]
    return item


def _overridden(card: dict[str, Any], when: str = WHEN) -> dict[str, Any]:
    return {
        "card": card["uuid"],
        "outcome": "overridden",
        "outcomeTimestamp": when,
        "overrideReason": {"reason": card["overrideReasons"][0]},
    }


def _rows(client: TestClient) -> list[dict[str, Any]]:
    return client.app.state.store.feedback_rows()  # type: ignore[attr-defined, no-any-return]


def test_a_suggestion_the_card_never_had_is_refused_naming_its_place_and_the_card(
    client: TestClient,
) -> None:
    """The unknown suggestion is named by its place in the request, never by the id sent (review
    s25 RP L3: an accepted suggestion id "987-65-4329" was echoed in the 400)."""
    plain, suggesting = _cards(client)
    own = suggesting["suggestions"][0]["uuid"]
    for card, ids, at in (
        (suggesting, (own, "987-65-4329"), "feedback.0.acceptedSuggestions.1.id"),
        (plain, ("987-65-4329",), "feedback.0.acceptedSuggestions.0.id"),
    ):
        response = client.post(FEEDBACK, json={"feedback": [_accepted(card, *ids)]})
        assert response.status_code == 400, response.text
        body = response.json()
        assert body["error"] == "unknown-suggestion"
        assert at in body["message"] and card["uuid"] in body["message"]
        assert "987-65-4329" not in response.text
        (refused,) = body["details"]["refused"]
        assert refused["item"] == "feedback.0" and refused["card"] == card["uuid"]
        assert refused["unknownSuggestions"] == [at]  # not the card's own id
    # Another card's suggestion is not this card's either.
    response = client.post(FEEDBACK, json={"feedback": [_accepted(plain, own)]})
    assert response.status_code == 400 and response.json()["error"] == "unknown-suggestion"
    assert _rows(client) == []
    # The card's own suggestion is accepted.
    ok = client.post(FEEDBACK, json={"feedback": [_accepted(suggesting, own)]})
    assert ok.json() == {"stored": 1, "received": 1}


def test_the_same_answer_again_is_stored_once(client: TestClient) -> None:
    _plain, card = _cards(client)
    item = _accepted(card, card["suggestions"][0]["uuid"])
    first = client.post(FEEDBACK, json={"feedback": [item]})
    again = client.post(FEEDBACK, json={"feedback": [item]})
    assert first.json() == {"stored": 1, "received": 1}
    assert again.status_code == 200 and again.json() == {"stored": 0, "received": 1}
    assert len(_rows(client)) == 1


def test_overridden_after_accepted_is_a_conflict_and_nothing_changes(client: TestClient) -> None:
    plain, card = _cards(client)
    own = card["suggestions"][0]["uuid"]
    assert client.post(FEEDBACK, json={"feedback": [_accepted(card, own)]}).status_code == 200
    later = "2026-12-02T10:15:00Z"
    response = client.post(FEEDBACK, json={"feedback": [_overridden(card, when=later)]})
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["error"] == "feedback-conflict"
    assert card["uuid"] in body["message"] and "accepted" in body["message"]
    (refused,) = body["details"]["refused"]
    assert refused["card"] == card["uuid"] and refused["storedOutcome"] == "accepted"
    assert refused["storedAcceptedSuggestions"] == [own]
    rows = _rows(client)
    assert [(r["outcome"], r["accepted_suggestions"]) for r in rows] == [
        ("accepted", json.dumps([own]))
    ]
    # The refused override snoozed nothing: the card is shown again.
    _plain_again, card_again = _cards(client)
    assert card_again["summary"] == card["summary"]
    assert plain["summary"] == _plain_again["summary"]


def test_accepted_after_overridden_is_a_conflict(client: TestClient) -> None:
    card, _suggesting = _cards(client)
    assert client.post(FEEDBACK, json={"feedback": [_overridden(card)]}).status_code == 200
    response = client.post(FEEDBACK, json={"feedback": [_accepted(card)]})
    assert response.status_code == 409
    (refused,) = response.json()["details"]["refused"]
    assert refused["storedOutcome"] == "overridden" and refused["card"] == card["uuid"]
    assert [r["outcome"] for r in _rows(client)] == ["overridden"]


def test_accepted_with_other_suggestions_is_a_conflict_not_dropped(client: TestClient) -> None:
    """Before: the second item had the first's unique key (same card, outcome and time) and was
    dropped without a word (`stored: 0`)."""
    _plain, card = _cards(client)
    own = card["suggestions"][0]["uuid"]
    assert client.post(FEEDBACK, json={"feedback": [_accepted(card)]}).status_code == 200
    response = client.post(FEEDBACK, json={"feedback": [_accepted(card, own)]})
    assert response.status_code == 409
    (refused,) = response.json()["details"]["refused"]
    assert refused["storedOutcome"] == "accepted" and "storedAcceptedSuggestions" not in refused
    assert [r["accepted_suggestions"] for r in _rows(client)] == [None]


def test_a_batch_stores_what_it_can_and_names_each_refused_item(client: TestClient) -> None:
    plain, suggesting = _cards(client)
    own = suggesting["suggestions"][0]["uuid"]
    batch = [
        _accepted(suggesting, own),
        _accepted(plain, "not-a-suggestion"),
        _overridden(suggesting),  # contradicts feedback.0 of the same batch
        _overridden(plain),
    ]
    response = client.post(FEEDBACK, json={"feedback": batch})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["stored"] == 2 and body["received"] == 4
    refused = {r["item"]: r for r in body["refused"]}
    assert set(refused) == {"feedback.1", "feedback.2"}
    assert refused["feedback.1"]["error"] == "unknown-suggestion"
    assert refused["feedback.1"]["card"] == plain["uuid"]
    assert refused["feedback.2"]["error"] == "feedback-conflict"
    assert refused["feedback.2"]["conflictsWith"] == "feedback.0"
    assert refused["feedback.2"]["storedOutcome"] == "accepted"
    stored = {(r["card_uuid"], r["outcome"]) for r in _rows(client)}
    assert stored == {(suggesting["uuid"], "accepted"), (plain["uuid"], "overridden")}


def test_a_batch_with_nothing_to_store_is_refused_naming_each_item(client: TestClient) -> None:
    plain, suggesting = _cards(client)
    assert client.post(FEEDBACK, json={"feedback": [_overridden(plain)]}).status_code == 200
    batch = [_accepted(suggesting, "not-a-suggestion"), _accepted(plain)]
    response = client.post(FEEDBACK, json={"feedback": batch})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "feedback-refused"
    assert [(r["item"], r["error"]) for r in body["details"]["refused"]] == [
        ("feedback.0", "unknown-suggestion"),
        ("feedback.1", "feedback-conflict"),
    ]
    # With a card the service never issued too: that item is named as unknown-card items are.
    with_unknown = [*batch, {**_accepted(plain), "card": NEVER_ISSUED}]
    response = client.post(FEEDBACK, json={"feedback": with_unknown})
    assert response.status_code == 400
    assert response.json()["details"]["unknownCards"] == ["feedback.2.card"]
    assert len(response.json()["details"]["refused"]) == 2
    # Only conflicts: 409.
    conflict = client.post(FEEDBACK, json={"feedback": [_accepted(plain)]})
    assert conflict.status_code == 409
    assert [r["outcome"] for r in _rows(client)] == ["overridden"]
