"""/docs works with no route to the internet (Swagger UI's files come from the service), and the
OpenAPI document tells the truth: the responses' schemas are the bodies the service really sends
(checked by validating real answers against them), `service_id` lists the services, and the
examples are the fixture's request and the cards the rules really give it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from cds_hooks import examples
from cds_hooks.offline import evaluate_document
from services import catalog
from services.policy import Policy

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests/fixtures/patients/trd_meets_tms.request.json"
HOOK_PATH = "/cds-services/{service_id}"
FEEDBACK_PATH = "/cds-services/{service_id}/feedback"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    import tempfile

    from cds_hooks.app import create_app
    from cds_hooks.config.settings import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(None, database={"url": f"sqlite:///{tmp}/db.sqlite"})
        with TestClient(create_app(settings)) as client:
            data: dict[str, Any] = client.get("/openapi.json").json()
    return data


def _validator(
    document: dict[str, Any], path: str, method: str, status: str
) -> Draft202012Validator:
    content = document["paths"][path][method]["responses"][status]["content"]
    schema = content["application/json"]["schema"]
    # OpenAPI 3.1 schemas are JSON Schema 2020-12; their $refs point into the document.
    return Draft202012Validator({**schema, "components": document["components"]})


def _assert_valid(document: dict[str, Any], path: str, method: str, status: int, body: Any) -> None:
    errors = list(_validator(document, path, method, str(status)).iter_errors(body))
    assert not errors, [e.message for e in errors[:3]]


# -- /docs offline ------------------------------------------------------------------------------------


def test_docs_page_loads_only_the_services_own_files(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    referenced = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert referenced, page.text
    for url in referenced:
        assert url.startswith("/docs/assets/"), url  # not a CDN, not any other host
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 1000, url
    assert not re.search(r"https?://", page.text)  # nothing else to fetch, validator off
    assert '"validatorUrl": null' in page.text
    assert "url: '/openapi.json'" in page.text


def test_the_bundled_swagger_ui_renders_openapi_3_1(client: TestClient) -> None:
    """FastAPI writes OpenAPI 3.1: Swagger UI 4 cannot show it, 5 can."""
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
    bundle = client.get("/docs/assets/swagger-ui-bundle.js").text
    assert "OpenAPI 3.1" in bundle or "openapi31" in bundle.lower() or "isOAS31" in bundle


# -- the document ----------------------------------------------------------------------------------


def test_service_id_is_documented_as_the_list_of_services(document: dict[str, Any]) -> None:
    ids = sorted(s.id for s in catalog.services())
    for path in (HOOK_PATH, FEEDBACK_PATH):
        (param,) = document["paths"][path]["post"]["parameters"]
        assert param["name"] == "service_id" and param["in"] == "path"
        assert sorted(param["schema"]["enum"]) == ids


def test_no_422_is_documented_since_the_service_answers_400(document: dict[str, Any]) -> None:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "422" not in operation.get("responses", {}), (path, method)
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_responses_name_the_real_models(document: dict[str, Any]) -> None:
    def ref(path: str, method: str, status: str) -> str:
        schema = document["paths"][path][method]["responses"][status]["content"][
            "application/json"
        ]["schema"]
        return str(schema["$ref"]).rsplit("/", 1)[1]

    assert ref(HOOK_PATH, "post", "200") == "CdsResponse"
    for status in ("400", "401", "404", "412", "413", "500"):
        assert ref(HOOK_PATH, "post", status) == "ErrorBody"
    assert ref(FEEDBACK_PATH, "post", "200") == "FeedbackStored"
    assert ref("/cds-services", "get", "200") == "DiscoveryResponse"
    assert ref("/livez", "get", "200") == "Liveness"
    for path in ("/readyz", "/health"):
        assert ref(path, "get", "200") == ref(path, "get", "503") == "Readiness"
    assert "details" in document["components"]["schemas"]["ErrorBody"]["properties"]


def test_real_answers_validate_against_the_documented_schemas(
    client: TestClient, document: dict[str, Any]
) -> None:
    request = examples.copy()
    answer = client.post("/cds-services/trd-patient-view", json=request)
    assert answer.status_code == 200 and answer.json()["cards"]
    _assert_valid(document, HOOK_PATH, "post", 200, answer.json())

    bad = client.post("/cds-services/trd-patient-view", json={"hook": "patient-view"})
    assert bad.status_code == 400 and "details" in bad.json()
    _assert_valid(document, HOOK_PATH, "post", 400, bad.json())

    no_data = {**request, "prefetch": {"patient": request["prefetch"]["patient"]}}
    missing = client.post("/cds-services/trd-patient-view", json=no_data)
    assert missing.status_code == 412
    _assert_valid(document, HOOK_PATH, "post", 412, missing.json())

    unknown = client.post("/cds-services/nope", json=request)
    _assert_valid(document, HOOK_PATH, "post", 404, unknown.json())

    card = answer.json()["cards"][0]["uuid"]
    feedback = {
        "feedback": [
            {"card": card, "outcome": "accepted", "outcomeTimestamp": "2026-01-01T00:00:00Z"}
        ]
    }
    stored = client.post("/cds-services/trd-patient-view/feedback", json=feedback)
    assert stored.status_code == 200
    _assert_valid(document, FEEDBACK_PATH, "post", 200, stored.json())

    _assert_valid(document, "/cds-services", "get", 200, client.get("/cds-services").json())
    _assert_valid(document, "/livez", "get", 200, client.get("/livez").json())
    _assert_valid(document, "/readyz", "get", 200, client.get("/readyz").json())


def test_a_wrong_body_does_not_validate(document: dict[str, Any]) -> None:
    """The check above can fail: a body the service does not send is refused by the schema."""
    assert list(_validator(document, HOOK_PATH, "post", "200").iter_errors({"cards": [{}]}))
    assert list(_validator(document, "/livez", "get", "200").iter_errors({"status": "ok"}))


def test_the_shipped_example_request_is_the_fixture() -> None:
    assert examples.hook_request() == json.loads(FIXTURE.read_text())


def test_the_examples_are_the_fixture_and_the_cards_it_really_gets(
    document: dict[str, Any],
) -> None:
    hook = document["paths"][HOOK_PATH]["post"]
    example = hook["requestBody"]["content"]["application/json"]["examples"]["trd_meets_tms"]
    assert example["value"] == json.loads(FIXTURE.read_text())
    cards = hook["responses"]["200"]["content"]["application/json"]["example"]
    expected = evaluate_document(
        json.loads(FIXTURE.read_text()),
        hook="patient-view",
        as_of=examples.FIXTURES_AS_OF,
        policy=Policy(),
    ).response.to_json()
    assert [c["summary"] for c in cards["cards"]] == [c["summary"] for c in expected["cards"]]
    assert [c["source"]["topic"]["code"] for c in cards["cards"]] == [
        "optimize-switch-augment",
        "tms-referral",
    ]
    _assert_valid(document, HOOK_PATH, "post", 200, cards)
    feedback = document["paths"][FEEDBACK_PATH]["post"]["requestBody"]["content"][
        "application/json"
    ]
    assert feedback["example"]["feedback"][0]["card"] == cards["cards"][0]["uuid"]
    examples_400 = hook["responses"]["400"]["content"]["application/json"]["example"]
    _assert_valid(document, HOOK_PATH, "post", 400, examples_400)


def test_the_fixtures_day_is_the_scenarios_day() -> None:
    from tests.fixtures import scenarios

    assert examples.FIXTURES_AS_OF == scenarios.AS_OF
