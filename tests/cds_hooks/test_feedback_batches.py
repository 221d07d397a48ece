"""Feedback batches naming a card the service does not know (review 8 finding 5), and the order of
the hook route's checks (finding 12).

EHRs batch feedback ("the feedback endpoint may be called for multiple hook instances or multiple
cards at the same time", CDS Hooks 2.0.1 #feedback) and do not resend after a 4xx: one card the
service no longer knows (a database reset, a lost batch of issued cards) must not lose the valid
overrides sent with it, since an override with a reason snoozes its topic.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks import runner as runner_module
from fhir_mapping.record import Patient, PatientRecord
from services.evaluation import Evaluation, HookInput
from services.policy import Policy
from services.recommendation import Indicator, OverrideReason, Recommendation, Source

FEEDBACK = "/cds-services/trd-patient-view/feedback"
NEVER_ISSUED = "00000000-0000-4000-8000-000000000000"


def _evaluate(hook_input: HookInput, policy: Policy) -> Evaluation:
    record = PatientRecord(
        patient=Patient(hook_input.patient_id, 40, "female"), as_of=hook_input.as_of
    )
    rec = Recommendation(
        topic="tms-referral",
        indicator=Indicator.WARNING,
        summary="tms-referral summary",
        detail="basis",
        source=Source(
            label="CANMAT 2023", url="https://pmc.ncbi.nlm.nih.gov/articles/PMC11351064/"
        ),
        override_reasons=(OverrideReason(code="patient-declined", display="Patient declined"),),
    )
    return Evaluation(record=record, recommendations=(rec,))


@pytest.fixture(autouse=True)
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner_module, "evaluate", _evaluate)


def _call(client: TestClient, instance: str) -> list[dict[str, Any]]:
    empty = {"resourceType": "Bundle", "type": "searchset"}
    body = {
        "hook": "patient-view",
        "hookInstance": instance,
        "context": {"patientId": "p1", "userId": "Practitioner/1"},
        "prefetch": dict.fromkeys(("medicationRequests", "conditions", "observations"), empty),
    }
    response = client.post("/cds-services/trd-patient-view", json=body)
    assert response.status_code == 200, response.text
    cards: list[dict[str, Any]] = response.json()["cards"]
    return cards


def _override(card: str) -> dict[str, Any]:
    return {
        "card": card,
        "outcome": "overridden",
        "outcomeTimestamp": "2026-12-02T10:09:00Z",
        "overrideReason": {
            "reason": {"code": "patient-declined", "system": "urn:trd-cds:override-reason"}
        },
    }


def test_known_items_of_a_batch_are_stored_and_the_unknown_ones_named(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    card = _call(client, "h-1")[0]["uuid"]
    batch = {"feedback": [_override(NEVER_ISSUED), _override(card)]}
    response = client.post(FEEDBACK, json=batch)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "stored": 1,
        "received": 2,
        "unknownCards": ["feedback.0.card"],
        "snoozed": ["feedback.1"],
    }
    store = client.app.state.store  # type: ignore[attr-defined]
    assert [r["card_uuid"] for r in store.feedback_rows()] == [card]
    # The override stored did its work: the topic is snoozed for this patient.
    assert _call(client, "h-2") == []
    # Counted in the log, without the uuids.
    (stored,) = [r for r in caplog.records if r.getMessage() == "feedback.stored"][-1:]
    fields = stored.fields  # type: ignore[attr-defined]
    assert fields["unknownCards"] == 1 and fields["new"] == 1 and fields["items"] == 2
    assert NEVER_ISSUED not in json.dumps(fields)
    # Idempotent: the same batch again stores nothing more and names the same item.
    again = client.post(FEEDBACK, json=batch)
    # Sent again, it is said again: a resend applies the snooze again (review s21 RE M3, open).
    assert again.json() == {
        "stored": 0,
        "received": 2,
        "unknownCards": ["feedback.0.card"],
        "snoozed": ["feedback.1"],
    }
    assert len(store.feedback_rows()) == 1


def test_a_batch_naming_no_known_card_is_refused_and_stores_nothing(client: TestClient) -> None:
    """A caller posting to the wrong service (or about another EHR's cards) hears it: 400."""
    card = _call(client, "h-1")[0]["uuid"]
    other = "11111111-1111-4111-8111-111111111111"
    response = client.post(FEEDBACK, json={"feedback": [_override(NEVER_ISSUED), _override(other)]})
    assert response.status_code == 400
    assert response.json()["error"] == "unknown-card"
    assert response.json()["details"] == {"items": ["feedback.0.card", "feedback.1.card"]}
    # This service's card sent to another service's feedback URL is unknown there too.
    wrong = client.post(
        "/cds-services/trd-order-sign/feedback", json={"feedback": [_override(card)]}
    )
    assert wrong.status_code == 400 and wrong.json()["error"] == "unknown-card"
    assert client.app.state.store.feedback_rows() == []  # type: ignore[attr-defined]
    assert len(_call(client, "h-2")) == 1  # nothing snoozed


def test_a_batch_of_known_cards_answers_as_before(client: TestClient) -> None:
    card = _call(client, "h-1")[0]["uuid"]
    response = client.post(FEEDBACK, json={"feedback": [_override(card)]})
    # No unknownCards key; the override with a reason the card offered snoozed it.
    assert response.json() == {"stored": 1, "received": 1, "snoozed": ["feedback.0"]}


# -- finding 12: the service is looked up before the body is read ---------------------------------


@pytest.mark.parametrize("body", [b"{}", b"{not json", b"[]"])
def test_an_unknown_service_is_404_whatever_the_body(client: TestClient, body: bytes) -> None:
    response = client.post(
        "/cds-services/nope", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 404, response.text
    assert response.json()["error"] == "unknown-service"
    assert "nope" not in response.text  # the field is named, not the value (review s25 RP L3)


def test_a_known_service_with_a_bad_body_is_still_400(client: TestClient) -> None:
    response = client.post("/cds-services/trd-patient-view", json={})
    assert response.status_code == 400
    assert "hook" in response.json()["message"]
