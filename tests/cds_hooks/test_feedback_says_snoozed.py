"""The feedback answer says whether each override snoozed its card (review s21 RE M2).

A reason the card did not offer (the EHR's own "wrong-patient") was answered
`{"stored": 1, "received": 1}`, exactly as a snoozing one, and the card kept coming back. Now the
200 lists the overrides that snoozed (`snoozed`) and those that did not, with why (`notSnoozed`),
and the next hook call agrees with it.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient

from cds_hooks.date_shift import days_between, shift_json
from tests.conftest import REPO_ROOT

HOOK = "/cds-services/trd-patient-view"
REQUEST = REPO_ROOT / "tests" / "fixtures" / "patients" / "trd_meets_tms.request.json"
Doc = dict[str, Any]
AS_OF = date(2025, 6, 2)  # the fixture's visit, moved to today


def _cards(client: TestClient) -> dict[str, Doc]:
    doc: Doc = shift_json(
        json.loads(REQUEST.read_text("utf-8")), days_between(AS_OF, datetime.now(UTC).date())
    )
    doc["hookInstance"] = str(uuid.uuid4())
    response = client.post(HOOK, json=doc)
    assert response.status_code == 200, response.text
    return {c["source"]["topic"]["code"]: c for c in response.json()["cards"]}


def _item(card: Doc, outcome: str = "overridden", reason: Doc | None = None) -> Doc:
    item: Doc = {
        "card": card["uuid"],
        "outcome": outcome,
        "outcomeTimestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if reason is not None:
        item["overrideReason"] = {"reason": reason}
    if outcome == "accepted":
        item["acceptedSuggestions"] = [{"id": card["suggestions"][0]["uuid"]}]
    return item


def test_the_answer_names_the_overrides_that_snoozed_and_why_the_others_did_not(
    client: TestClient,
) -> None:
    first, second = _cards(client), _cards(client)
    tms, optimise = first["tms-referral"], first["optimize-switch-augment"]
    items = [
        _item(tms, reason=tms["overrideReasons"][0]),  # offered: snoozes
        _item(optimise, reason={"system": "urn:ehr:local", "code": "wrong-patient"}),
        _item(second["tms-referral"]),  # no reason
        _item(second["optimize-switch-augment"], "accepted"),  # an answer, not an override
    ]
    response = client.post(f"{HOOK}/feedback", json={"feedback": items})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "stored": 4,
        "received": 4,
        "snoozed": ["feedback.0"],
        "notSnoozed": [
            {"item": "feedback.1", "reason": "reason-not-offered"},
            {"item": "feedback.2", "reason": "no-override-reason"},
        ],
    }
    # As said: the TMS card is snoozed, the optimise card keeps showing.
    assert set(_cards(client)) == {"optimize-switch-augment"}


def test_an_accepted_card_alone_adds_neither_key(client: TestClient) -> None:
    card = _cards(client)["optimize-switch-augment"]
    response = client.post(f"{HOOK}/feedback", json={"feedback": [_item(card, "accepted")]})
    assert response.status_code == 200, response.text
    assert response.json() == {"stored": 1, "received": 1}
