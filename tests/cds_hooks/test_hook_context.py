"""Issue 10 3a through HTTP, with the real services: one patient, whole data, the hook's context.

A hook call without the context its hook is defined by is a 400 naming the fields (not a 412, not
an empty answer); a prefetch whose clinical data are all another patient's is a 400; mixed data is
read for the context patient only, and what was left out is named on the cards.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from scripts.date_shift import days_between, shift_json
from tests.fixtures.scenarios import AS_OF

PATIENTS = Path(__file__).resolve().parents[1] / "fixtures" / "patients"


def _request(name: str) -> dict[str, Any]:
    """A fixture request with its dates moved so that today is the fixtures' as-of date (the HTTP
    path evaluates as of today)."""
    data: dict[str, Any] = json.loads((PATIENTS / name).read_text("utf-8"))
    shifted: dict[str, Any] = shift_json(data, days_between(AS_OF, datetime.now(UTC).date()))
    return shifted


@pytest.mark.parametrize(
    ("hook", "service", "drop", "named"),
    [
        ("patient-view", "trd-patient-view", ("patientId",), ["patientId"]),
        ("order-select", "trd-order-select", ("selections",), ["selections"]),
        ("order-select", "trd-order-select", ("draftOrders",), ["draftOrders"]),
        ("order-sign", "trd-order-sign", ("draftOrders",), ["draftOrders"]),
        (
            "order-sign",
            "trd-order-sign",
            ("patientId", "draftOrders"),
            ["patientId", "draftOrders"],
        ),
    ],
)
def test_a_hook_without_its_required_context_is_a_400_naming_it(
    client: TestClient, hook: str, service: str, drop: tuple[str, ...], named: list[str]
) -> None:
    body = _request("order_select_low_dose.order-select.request.json")
    body["hook"] = hook
    for name in drop:
        body["context"].pop(name, None)
    if hook == "order-sign":
        body["context"].pop("selections", None)
    response = client.post(f"/cds-services/{service}", json=body)
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["details"]["missingContext"] == named
    for name in named:
        assert f"context.{name}" in error["message"]


def test_empty_selections_check_every_draft_and_say_so(client: TestClient) -> None:
    """CDS Hooks 2.0 order-select: `selections` is REQUIRED, an array with no minimum, so `[]`
    is sent, not missing: read as selections naming no draft (every draft checked, as when the
    selections name none of them), never a 400 (review s28 RG finding 4)."""
    body = _request("order_select_low_dose.order-select.request.json")
    named = client.post("/cds-services/trd-order-select", json=body)
    body["context"]["selections"] = []
    response = client.post("/cds-services/trd-order-select", json=body)
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    # The selected draft's cards still come (it is the only draft), with the line saying why.
    assert {c["summary"] for c in named.json()["cards"]} <= {c["summary"] for c in cards}
    assert "context.selections is empty" in json.dumps(cards)
    assert "draft order was checked instead" in json.dumps(cards)


def test_a_prefetch_that_is_all_another_patients_is_a_400(client: TestClient) -> None:
    body = _request("item9_positive.request.json")
    body["context"]["patientId"] = "someone-else"
    response = client.post("/cds-services/trd-patient-view", json=body)
    assert response.status_code == 400, response.text
    assert "context.patientId" in response.json()["message"]
    assert response.json()["details"]["foreignResources"] > 10


def test_another_patients_phq9_never_raises_a_card_for_this_one(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """The landed service once merged a stranger's item-9 answer into the context patient's chart."""
    positive = _request("item9_positive.request.json")
    calm = _request("remission.request.json")
    mixed = copy.deepcopy(calm)
    strangers = positive["prefetch"]["observations"]["entry"]
    mixed["prefetch"]["observations"]["entry"].extend(strangers)
    baseline = client.post("/cds-services/trd-patient-view", json=calm)
    alone = client.post("/cds-services/trd-patient-view", json=positive)
    response = client.post("/cds-services/trd-patient-view", json=mixed)
    assert response.status_code == baseline.status_code == alone.status_code == 200
    # The stranger's answer does raise the card on the stranger's own chart (the control).
    assert "suicide-risk" in [c["source"]["topic"]["code"] for c in alone.json()["cards"]]
    topics = [c["source"]["topic"]["code"] for c in response.json()["cards"]]
    assert "suicide-risk" not in topics
    # ... and what was left out is said, by resource, not dropped in silence.
    text = json.dumps(response.json())
    assert "another patient" in text
    stranger_id = strangers[0]["resource"]["id"]
    assert f"Observation/{stranger_id}" in text
    # The log counts what was left out, by reason, with no ids and no patient data.
    (answered,) = [r for r in caplog.records if r.getMessage() == "hook.answered"][-1:]
    left_out = answered.fields["leftOut"]  # type: ignore[attr-defined]
    assert left_out == {"scores: another patient's resource": len(strangers)}
    assert stranger_id not in json.dumps(answered.fields)  # type: ignore[attr-defined]
