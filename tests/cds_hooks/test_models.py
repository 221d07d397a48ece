"""The wire models enforce the CDS Hooks 2.0.1 invariants and tolerate what real EHRs send."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from cds_hooks.models import (
    Action,
    Card,
    CdsResponse,
    Coding,
    HookRequest,
    Link,
    Source,
    Suggestion,
)


def _card(**overrides: object) -> Card:
    fields: dict[str, object] = {
        "summary": "Consider a PHQ-9",
        "indicator": "info",
        "source": Source(label="CANMAT 2023"),
    }
    fields.update(overrides)
    return Card(**fields)  # type: ignore[arg-type]


def test_request_strips_patient_reference_and_keeps_unknown_fields() -> None:
    request = HookRequest.model_validate(
        {
            "hook": "patient-view",
            "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
            "context": {
                "patientId": "Patient/123",
                "encounterId": "Encounter/9",
                "userId": "Practitioner/1",
            },
            "extension": {"com.example.vendor": True},
        }
    )
    assert request.context.patientId == "123"
    assert request.context.encounterId == "9"
    assert request.model_extra == {"extension": {"com.example.vendor": True}}


def test_draft_orders_bundle_without_type_is_accepted() -> None:
    request = HookRequest.model_validate(
        {
            "hook": "order-select",
            "hookInstance": "x",
            "context": {"patientId": "1", "draftOrders": {"resourceType": "Bundle", "entry": []}},
        }
    )
    assert request.context.draftOrders == {"resourceType": "Bundle", "entry": []}


@pytest.mark.parametrize(
    "body, where",
    [
        ({"hookInstance": "x", "context": {}}, "hook"),
        ({"hook": "patient-view", "context": {}}, "hookInstance"),
        ({"hook": "patient-view", "hookInstance": "x"}, "context"),
        ({"hook": 5, "hookInstance": "x", "context": {}}, "hook"),
        ({"hook": "patient-view", "hookInstance": "x", "context": []}, "context"),
        (
            {
                "hook": "order-select",
                "hookInstance": "x",
                "context": {"draftOrders": {"resourceType": "Patient"}},
            },
            "draftOrders",
        ),
    ],
)
def test_request_rejects_wrong_shapes(body: dict[str, object], where: str) -> None:
    with pytest.raises(ValidationError) as info:
        HookRequest.model_validate(body)
    assert where in str(info.value)


def test_fhir_authorization_token_never_in_repr() -> None:
    request = HookRequest.model_validate(
        {
            "hook": "patient-view",
            "hookInstance": "x",
            "context": {},
            "fhirAuthorization": {"access_token": "s3cr3t-token", "token_type": "Bearer"},
        }
    )
    assert "s3cr3t-token" not in repr(request.fhirAuthorization)
    assert "s3cr3t-token" not in str(request.fhirAuthorization)
    assert "s3cr3t-token" not in repr(request)


def test_card_summary_must_be_under_140_characters() -> None:
    _card(summary="x" * 139)
    with pytest.raises(ValidationError):
        _card(summary="x" * 140)


def test_card_indicator_is_restricted() -> None:
    with pytest.raises(ValidationError):
        _card(indicator="hard-stop")


def test_card_needs_source_label() -> None:
    with pytest.raises(ValidationError):
        _card(source=Source(label=""))


def test_suggestions_require_selection_behavior() -> None:
    suggestion = Suggestion(
        label="Order TSH",
        actions=[
            Action(type="create", description="TSH", resource={"resourceType": "ServiceRequest"})
        ],
    )
    with pytest.raises(ValidationError, match="selectionBehavior"):
        _card(suggestions=[suggestion])
    card = _card(suggestions=[suggestion], selectionBehavior="at-most-one")
    assert card.suggestions[0].uuid != card.uuid


def test_override_reasons_need_display() -> None:
    with pytest.raises(ValidationError, match="display"):
        _card(overrideReasons=[Coding(code="x", system="urn:x")])


def test_create_action_needs_resource_and_delete_needs_id() -> None:
    with pytest.raises(ValidationError):
        Action(type="create", description="x")
    with pytest.raises(ValidationError):
        Action(type="delete", description="x")


def test_app_context_only_on_smart_links() -> None:
    with pytest.raises(ValidationError):
        Link(label="x", url="https://x", type="absolute", appContext="y")
    assert Link(label="x", url="https://x", type="smart", appContext="y").appContext == "y"


def test_response_json_has_no_nulls_or_empty_arrays_but_keeps_resources() -> None:
    resource = {"resourceType": "ServiceRequest", "status": "draft", "note": []}
    card = _card(
        suggestions=[
            Suggestion(
                label="Refer",
                actions=[Action(type="create", description="Refer", resource=resource)],
            )
        ],
        selectionBehavior="at-most-one",
    )
    body = CdsResponse(cards=[card, _card()]).to_json()

    def walk(value: object, inside_resource: bool = False) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if not inside_resource:
                    assert item is not None, key
                    assert item != [], key
                walk(item, inside_resource or key == "resource")
        elif isinstance(value, list):
            for item in value:
                walk(item, inside_resource)

    walk(body)
    assert body["cards"][1] == {
        "uuid": body["cards"][1]["uuid"],
        "summary": "Consider a PHQ-9",
        "indicator": "info",
        "source": {"label": "CANMAT 2023"},
    }
    assert body["cards"][0]["suggestions"][0]["actions"][0]["resource"] == resource


def test_empty_response_keeps_cards_array() -> None:
    assert CdsResponse().to_json() == {"cards": []}


def test_card_uuids_unique() -> None:
    card = _card()
    with pytest.raises(ValidationError):
        CdsResponse(cards=[card, card])
