"""order-select / order-sign whose context does not agree with itself (review 8 finding 8): a
selection naming no draft order, a draft whose medication has no readable shape. Never a quiet
`{"cards": []}`: every draft is checked when no selection names one, and what could not be
matched or read is named on the cards (cds_hooks/order_drafts.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.order_drafts import checked_drafts
from services.evaluation import HookInput

FIXTURE = (
    Path(__file__).resolve().parents[1]
    / "fixtures/patients/order_select_failed_class.order-select.request.json"
)
SELECT = "/cds-services/trd-order-select"
REPEAT = "order-repeats-failed-trial"  # the card this chart's escitalopram draft gets


def _request(instance: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(FIXTURE.read_text())
    body["hookInstance"] = instance
    return body


def _draft(body: dict[str, Any]) -> dict[str, Any]:
    draft: dict[str, Any] = body["context"]["draftOrders"]["entry"][0]["resource"]
    return draft


def _cards(client: TestClient, url: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = client.post(url, json=body)
    assert response.status_code == 200, response.text
    cards: list[dict[str, Any]] = response.json()["cards"]
    return cards


def _topics(cards: list[dict[str, Any]]) -> list[str]:
    return [c["source"]["topic"]["code"] for c in cards]


def test_selections_naming_no_draft_check_every_draft_and_say_so(client: TestClient) -> None:
    baseline = _cards(client, SELECT, _request("sel-1"))
    assert REPEAT in _topics(baseline)  # the control: the selected draft is checked
    body = _request("sel-2")
    body["context"]["selections"] = ["MedicationRequest/some-other-id"]
    cards = _cards(client, SELECT, body)
    # Checked as order-sign would: the same order cards as with the right selection ...
    assert _topics(cards) == _topics(baseline)
    # ... and the mismatch is named, on the cards it concerns.
    text = json.dumps(cards)
    assert "the selected order MedicationRequest/some-other-id is not among the draft orders" in (
        text
    )
    assert "the one draft order was checked instead" in text


def test_a_selection_naming_no_draft_beside_one_that_does_is_named(client: TestClient) -> None:
    body = _request("sel-3")
    body["context"]["selections"].append("MedicationRequest/ghost")
    cards = _cards(client, SELECT, body)
    assert REPEAT in _topics(cards)
    assert "MedicationRequest/ghost is not among the draft orders" in json.dumps(cards)
    assert "not checked" in json.dumps(cards)


@pytest.mark.parametrize(
    "hook, url",
    [("order-select", SELECT), ("order-sign", "/cds-services/trd-order-sign")],
)
def test_a_draft_whose_medication_is_an_array_is_named_not_dropped(
    client: TestClient, hook: str, url: str
) -> None:
    body = _request(f"{hook}-array")
    body["hook"] = hook
    if hook == "order-sign":
        del body["context"]["selections"]
    draft = _draft(body)
    draft["medicationCodeableConcept"] = [draft["medicationCodeableConcept"]]
    cards = _cards(client, url, body)
    assert cards, "a draft that could not be read must not get a quiet {'cards': []}"
    quality = [c for c in cards if c["source"]["topic"]["code"] == "data-quality"]
    assert len(quality) == 1
    detail = quality[0]["detail"]
    assert f"draft order MedicationRequest/{draft['id']}" in detail
    assert "medicationCodeableConcept is an array, not a CodeableConcept" in detail


@pytest.mark.parametrize(
    "medication, why",
    [
        ({}, "no medicationCodeableConcept or medicationReference"),
        ({"medicationCodeableConcept": {"coding": [{}]}}, "has no code and no text"),
        ({"medicationCodeableConcept": "sertraline"}, "is a string"),
        ({"medicationReference": {}}, "medicationReference has no reference and no display"),
    ],
)
def test_unreadable_draft_shapes_are_named(medication: dict[str, Any], why: str) -> None:
    draft = {"resourceType": "MedicationRequest", "id": "d1", "status": "draft", **medication}
    checked = checked_drafts(_input("order-sign", [draft]))
    assert why in checked.incomplete["MedicationRequest"]
    assert "MedicationRequest/d1" in checked.incomplete["MedicationRequest"]


def _input(hook: str, drafts: list[dict[str, Any]], selections: tuple[str, ...] = ()) -> HookInput:
    return HookInput(
        service_id=f"trd-{hook}",
        hook=hook,
        hook_instance="h",
        patient_id="p1",
        resources=(),
        as_of=date(2026, 1, 5),
        draft_orders=drafts,
        selections=selections,
        incomplete={"MedicationRequest": "the 'medicationRequests' Bundle has more pages"},
    )


def test_a_context_that_agrees_with_itself_is_left_as_it_is() -> None:
    """The spec's own example: a NutritionOrder and a MedicationRequest selected, both drafts,
    one by text only, one by reference; selections by "Type/id" or by bare id."""
    drafts: list[dict[str, Any]] = [
        {"resourceType": "NutritionOrder", "id": "pureeddiet-simple"},
        {
            "resourceType": "MedicationRequest",
            "id": "smart-MedicationRequest-103",
            "medicationCodeableConcept": {"text": "ZOLOFT 50 MG PO TABS"},
        },
        {
            "resourceType": "MedicationRequest",
            "id": "m2",
            "medicationReference": {"reference": "Medication/x"},
        },
    ]
    for selections in (
        ("NutritionOrder/pureeddiet-simple", "MedicationRequest/smart-MedicationRequest-103"),
        ("m2",),
    ):
        call = _input("order-select", drafts, selections)
        assert checked_drafts(call) is call


def test_the_protocol_layers_own_report_is_kept_beside_the_new_one() -> None:
    call = _input("order-select", [{"resourceType": "MedicationRequest", "id": "d1"}], ("x",))
    checked = checked_drafts(call)
    assert checked.selections == ()  # every draft checked
    report = checked.incomplete["MedicationRequest"]
    assert report.startswith("the 'medicationRequests' Bundle has more pages; ")
    assert "the selected order x is not among the draft orders" in report


def test_patient_view_is_not_touched() -> None:
    call = _input("patient-view", [])
    assert checked_drafts(call) is call


def test_no_draft_at_all_says_none_was_checked() -> None:
    checked = checked_drafts(_input("order-select", [], ("MedicationRequest/a",)))
    assert "there are none, so no order was checked" in checked.incomplete["MedicationRequest"]


def test_the_fixture_selects_its_own_draft() -> None:
    """The control the HTTP tests above rest on: unedited, the selection names the draft."""
    body = _request("x")
    assert body["context"]["selections"] == [f"MedicationRequest/{_draft(body)['id']}"]
