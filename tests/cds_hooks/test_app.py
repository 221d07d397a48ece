"""The HTTP surface: discovery, errors, CORS, limits, feedback and snoozes.

The decision services are replaced here by a fake `evaluate` so these tests pin the protocol layer's
own behaviour; the real pathway runs end to end in tests/services and tests/integration.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks import runner as runner_module
from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.security.tenancy import Scope
from fhir_mapping.record import Patient, PatientRecord
from services.evaluation import Evaluation, HookInput
from services.policy import Policy
from services.recommendation import Indicator, OverrideReason, Recommendation, Source

PREFETCH_KEYS = ("medicationRequests", "conditions", "observations")


def _rec(topic: str, **kw: Any) -> Recommendation:
    fields: dict[str, Any] = {
        "topic": topic,
        "indicator": Indicator.WARNING,
        "summary": f"{topic} summary",
        "detail": "basis",
        "source": Source(
            label="CANMAT 2023", url="https://pmc.ncbi.nlm.nih.gov/articles/PMC11351064/"
        ),
        "override_reasons": (OverrideReason(code="patient-declined", display="Patient declined"),),
    }
    fields.update(kw)
    return Recommendation(**fields)


class FakeServices:
    def __init__(self) -> None:
        self.recommendations: tuple[Recommendation, ...] = (
            _rec("tms-referral", wants_timeline=True),
        )
        self.inputs: list[HookInput] = []

    def __call__(self, hook_input: HookInput, policy: Policy) -> Evaluation:
        self.inputs.append(hook_input)
        record = PatientRecord(
            patient=Patient(hook_input.patient_id, 40, "female"), as_of=hook_input.as_of
        )
        return Evaluation(record=record, recommendations=self.recommendations)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeServices:
    fake = FakeServices()
    monkeypatch.setattr(runner_module, "evaluate", fake)
    return fake


def _body(
    hook: str = "patient-view", instance: str = "h-1", patient: str = "p1", **extra: Any
) -> dict[str, Any]:
    prefetch = {k: {"resourceType": "Bundle", "type": "searchset"} for k in PREFETCH_KEYS}
    context: dict[str, Any] = {"patientId": patient, "userId": "Practitioner/1"}
    if hook in ("order-select", "order-sign"):
        # The context fields these hooks require (CDS Hooks 2.0.1), else the call is a 400.
        context["draftOrders"] = {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": {"resourceType": "MedicationRequest", "id": "d1"}}],
        }
        if hook == "order-select":
            context["selections"] = ["MedicationRequest/d1"]
    body: dict[str, Any] = {
        "hook": hook,
        "hookInstance": instance,
        "context": context,
        "prefetch": prefetch,
    }
    body.update(extra)
    return body


# -- discovery ------------------------------------------------------------------------------------

ALLOWED_TOKEN = re.compile(r"\{\{context\.[A-Za-z]+\}\}")


def test_discovery_lists_one_service_per_hook(client: TestClient) -> None:
    services = client.get("/cds-services").json()["services"]
    assert sorted(s["hook"] for s in services) == ["order-select", "order-sign", "patient-view"]
    for service in services:
        assert service["id"] and service["description"] and service["title"]


def test_discovery_answers_with_a_trailing_slash_without_a_redirect(client: TestClient) -> None:
    response = client.get("/cds-services/", follow_redirects=False)
    assert response.status_code == 200
    assert response.json() == client.get("/cds-services").json()


def test_prefetch_templates_use_only_the_allowed_syntax(client: TestClient) -> None:
    for service in client.get("/cds-services").json()["services"]:
        for key, template in service["prefetch"].items():
            assert "sort:desc" not in template and ":" not in template.split("?")[0], key
            tokens = re.findall(r"\{\{[^}]*\}\}", template)
            assert tokens and all(ALLOWED_TOKEN.fullmatch(t) for t in tokens), template
            if "?" in template:
                for param in template.split("?", 1)[1].split("&"):
                    name = param.split("=", 1)[0]
                    # `subject`: a resource reference like `patient` (spec: "Resource references");
                    # R4 AdverseEvent has no `patient` search parameter.
                    allowed = {
                        "patient",
                        "subject",
                        "code",
                        "_count",
                        "_sort",
                        "status",
                        "category",
                    }
                    assert name in allowed, template
                    assert ":" not in name, template  # no modifiers


def test_observation_prefetch_is_limited_by_loinc_code(client: TestClient) -> None:
    service = client.get("/cds-services").json()["services"][0]
    query = service["prefetch"]["observations"]
    assert "code=http://loinc.org|44261-6," in query and "http://loinc.org|44260-8" in query


# -- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, message",
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not valid UTF-8"),
        (b"", "empty"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"hook": "patient-view"}', "hookInstance"),
        (b'{"hook": 1, "hookInstance": "x", "context": {}}', "hook"),
        (b'{"hook": "patient-view", "hookInstance": "x", "context": "p1"}', "context"),
    ],
)
def test_malformed_bodies_get_400_naming_the_problem(
    client: TestClient, content: bytes, message: str
) -> None:
    response = client.post(
        "/cds-services/trd-patient-view",
        content=content,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "bad-request"
    assert message in response.json()["message"]


def test_unknown_service_is_404(client: TestClient, fake: FakeServices) -> None:
    response = client.post("/cds-services/no-such-service", json=_body())
    assert response.status_code == 404
    # The field named, not the caller's value (review s25 RP L3).
    assert response.json()["message"] == (
        "no CDS service has the id in the URL path (GET /cds-services lists them)"
    )


def test_hook_mismatch_is_400(client: TestClient, fake: FakeServices) -> None:
    response = client.post("/cds-services/trd-patient-view", json=_body(hook="Quintanilla-Brandt"))
    assert response.status_code == 400
    # The service's own id and hook, never the caller's hook (review s25 RP L3).
    assert response.json()["message"] == (
        "the request's hook does not match service 'trd-patient-view', which handles 'patient-view'"
    )


def test_body_over_the_limit_is_413(tmp_path: Path) -> None:
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'db.sqlite'}"},
        server={"max_body_bytes": 2048},
    )
    with TestClient(create_app(settings)) as client:
        response = client.post("/cds-services/trd-patient-view", json=_body(padding="x" * 5000))
    assert response.status_code == 413
    assert "2048" in response.json()["message"]


def test_missing_required_data_is_412_naming_the_keys(
    client: TestClient, fake: FakeServices
) -> None:
    body = _body()
    del body["prefetch"]["observations"]
    response = client.post("/cds-services/trd-patient-view", json=body)
    assert response.status_code == 412
    assert set(response.json()["details"]["missing"]) == {"observations"}
    # Nothing of the patient's own in hand (empty Bundles): the rules are not run even to look
    # for a critical suicide-risk card to answer alone (services/required_gap.py).
    assert fake.inputs == []


def test_unexpected_failure_is_a_generic_500_without_trace(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(hook_input: HookInput, policy: Policy) -> Evaluation:
        raise RuntimeError("secret internals /path/to/file.py")

    monkeypatch.setattr(runner_module, "evaluate", boom)
    local = TestClient(client.app, raise_server_exceptions=False)
    response = local.post("/cds-services/trd-patient-view", json=_body())
    assert response.status_code == 500
    assert response.json() == {"error": "internal-error", "message": "the service failed to answer"}


def test_unknown_route_and_method_are_json(client: TestClient) -> None:
    assert client.get("/nope").json()["error"] == "not-found"
    assert client.put("/cds-services").status_code == 405


# -- CORS -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, method",
    [
        ("/cds-services", "GET"),
        ("/cds-services/trd-patient-view", "POST"),
        ("/cds-services/trd-patient-view/feedback", "POST"),
    ],
)
def test_cors_preflight(client: TestClient, path: str, method: str) -> None:
    response = client.options(
        path,
        headers={
            "Origin": "https://sandbox.cds-hooks.org",
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert method in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed


# -- the call path ----------------------------------------------------------------------------------


def test_cards_carry_uuid_topic_and_timeline_link(client: TestClient, fake: FakeServices) -> None:
    response = client.post("/cds-services/trd-patient-view", json=_body(patient="Patient/p1"))
    assert response.status_code == 200
    (card,) = response.json()["cards"]
    assert card["source"]["topic"]["code"] == "tms-referral"
    assert card["overrideReasons"] == [
        {
            "code": "patient-declined",
            "system": "urn:trd-cds:override-reason",
            "display": "Patient declined",
        }
    ]
    (link,) = card["links"]
    assert link["type"] == "absolute" and link["label"] == "View treatment timeline"
    assert link["url"].startswith("http://testserver/timeline/")
    # The link carries an opaque token, never the patient id (a random token may contain the
    # letters "p1", so check the token is not the id and no query names it).
    token = link["url"].removeprefix("http://testserver/timeline/")
    assert token != "p1" and "?" not in token and len(token) >= 32
    assert fake.inputs[0].patient_id == "p1"
    page = client.get(link["url"].removeprefix("http://testserver"))
    assert page.status_code == 200 and "<svg" in page.text


def test_timeline_link_uses_public_url(tmp_path: Path, fake: FakeServices) -> None:
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'db.sqlite'}"},
        server={"public_url": "https://cds.example.org/"},
    )
    with TestClient(create_app(settings)) as client:
        card = client.post("/cds-services/trd-patient-view", json=_body()).json()["cards"][0]
    assert card["links"][0]["url"].startswith("https://cds.example.org/timeline/")


def test_as_of_and_draft_orders_reach_the_services(client: TestClient, fake: FakeServices) -> None:
    draft = {
        "resourceType": "MedicationRequest",
        "id": "d1",
        "status": "draft",
        "intent": "order",
        "subject": {"reference": "Patient/p1"},
    }
    body = _body(hook="order-select", instance="sel-1")
    body["context"]["draftOrders"] = {"resourceType": "Bundle", "entry": [{"resource": draft}]}
    body["context"]["selections"] = ["MedicationRequest/d1"]
    assert client.post("/cds-services/trd-order-select", json=body).status_code == 200
    seen = fake.inputs[-1]
    assert seen.draft_orders == [draft]
    assert seen.selections == ("MedicationRequest/d1",)
    assert seen.as_of == datetime.now(UTC).date()


def test_order_sign_repeats_a_card_shown_at_order_select_until_it_is_answered(
    client: TestClient, fake: FakeServices
) -> None:
    """Sent is not seen (issue 11 item 15): the card comes back at order-sign; once overridden
    for that draft and dose it does not (tests/cds_hooks/test_order_card_repeat.py has more)."""
    fake.recommendations = (_rec("order-check", dedupe_key="d1:order-check:10"),)
    select = _body(hook="order-select", instance="sel-1")
    card = client.post("/cds-services/trd-order-select", json=select).json()["cards"][0]
    sign = _body(hook="order-sign", instance="sign-1")
    assert len(client.post("/cds-services/trd-order-sign", json=sign).json()["cards"]) == 1
    client.post("/cds-services/trd-order-select/feedback", json=_feedback(card["uuid"]))
    sign = _body(hook="order-sign", instance="sign-2")
    assert client.post("/cds-services/trd-order-sign", json=sign).json()["cards"] == []
    # Another patient's identical draft is not affected.
    other = _body(hook="order-sign", instance="sign-3", patient="p2")
    assert len(client.post("/cds-services/trd-order-sign", json=other).json()["cards"]) == 1


# -- feedback ---------------------------------------------------------------------------------------


def _feedback(
    card: str, outcome: str = "overridden", code: str | None = "patient-declined"
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "card": card,
        "outcome": outcome,
        "outcomeTimestamp": "2026-11-20T10:00:00Z",
    }
    if outcome == "overridden" and code:
        item["overrideReason"] = {
            "reason": {"code": code, "system": "urn:trd-cds:override-reason"},
            "userComment": "discussed",
        }
    # The fake card has no suggestions: accepted names none (an id it never had is refused).
    return {"feedback": [item]}


def test_feedback_is_stored_once(client: TestClient, fake: FakeServices) -> None:
    card = client.post("/cds-services/trd-patient-view", json=_body()).json()["cards"][0]["uuid"]
    first = client.post("/cds-services/trd-patient-view/feedback", json=_feedback(card, "accepted"))
    again = client.post("/cds-services/trd-patient-view/feedback", json=_feedback(card, "accepted"))
    assert first.status_code == again.status_code == 200
    assert first.json() == {"stored": 1, "received": 1} and again.json() == {
        "stored": 0,
        "received": 1,
    }
    rows = client.app.state.store.feedback_rows(card)  # type: ignore[attr-defined]
    assert len(rows) == 1 and rows[0]["outcome"] == "accepted"


def test_override_with_reason_snoozes_the_topic_for_that_patient(
    client: TestClient, fake: FakeServices
) -> None:
    card = client.post("/cds-services/trd-patient-view", json=_body()).json()["cards"][0]["uuid"]
    assert (
        client.post("/cds-services/trd-patient-view/feedback", json=_feedback(card)).status_code
        == 200
    )
    assert (
        client.post("/cds-services/trd-patient-view", json=_body(instance="h-2")).json()["cards"]
        == []
    )
    assert (
        len(
            client.post(
                "/cds-services/trd-patient-view", json=_body(instance="h-3", patient="p2")
            ).json()["cards"]
        )
        == 1
    )


def test_override_without_reason_does_not_snooze(client: TestClient, fake: FakeServices) -> None:
    card = client.post("/cds-services/trd-patient-view", json=_body()).json()["cards"][0]["uuid"]
    client.post("/cds-services/trd-patient-view/feedback", json=_feedback(card, code=None))
    assert (
        len(
            client.post("/cds-services/trd-patient-view", json=_body(instance="h-2")).json()[
                "cards"
            ]
        )
        == 1
    )


def test_unsnoozable_topics_are_never_snoozed(client: TestClient, fake: FakeServices) -> None:
    fake.recommendations = (
        _rec("suicide-risk", indicator=Indicator.CRITICAL, topic_snoozable=False),
    )
    card = client.post("/cds-services/trd-patient-view", json=_body()).json()["cards"][0]["uuid"]
    client.post("/cds-services/trd-patient-view/feedback", json=_feedback(card))
    assert (
        len(
            client.post("/cds-services/trd-patient-view", json=_body(instance="h-2")).json()[
                "cards"
            ]
        )
        == 1
    )


def test_store_holds_no_raw_patient_id(client: TestClient, fake: FakeServices) -> None:
    client.post("/cds-services/trd-patient-view", json=_body(patient="patient-raw-id-42"))
    store = client.app.state.store  # type: ignore[attr-defined]
    with store.engine.connect() as conn:
        dump = "\n".join(
            str(tuple(row))
            for table in ("trd_issued_card", "trd_snooze")
            for row in conn.exec_driver_sql(f"select * from {table}")
        )
    assert "patient-raw-id-42" not in dump
    assert store.patient_key("patient-raw-id-42", Scope()) in dump  # auth off: the local issuer


@pytest.mark.parametrize(
    "body",
    [
        {"feedback": []},
        {
            "feedback": [
                {"card": "x", "outcome": "maybe", "outcomeTimestamp": "2026-01-01T00:00:00Z"}
            ]
        },
        {"feedback": [{"card": "x", "outcome": "accepted"}]},
        {"feedback": [{"card": "x", "outcome": "accepted", "outcomeTimestamp": "yesterday"}]},
        {"cards": []},
    ],
)
def test_bad_feedback_is_400_and_stores_nothing(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post("/cds-services/trd-patient-view/feedback", json=body)
    assert response.status_code == 400
    assert client.app.state.store.feedback_rows() == []  # type: ignore[attr-defined]


def test_feedback_for_unknown_service_is_404(client: TestClient) -> None:
    assert client.post("/cds-services/nope/feedback", json=_feedback("c")).status_code == 404


def test_health(client: TestClient) -> None:
    from cds_hooks.observability.version import VERSION

    assert client.get("/health").json() == {"status": "ok", "database": True, "version": VERSION}


def test_timeline_links_resolve_across_replicas_with_the_database_store(
    tmp_path: Path, fake: FakeServices
) -> None:
    # Two app instances sharing one database stand for two replicas behind a load balancer.
    db = {"url": f"sqlite:///{tmp_path / 'shared.sqlite'}"}
    one = load_settings(None, database=db, timeline={"store": "database"})
    two = load_settings(None, database=db, timeline={"store": "database"})
    with TestClient(create_app(one)) as first, TestClient(create_app(two)) as second:
        card = first.post("/cds-services/trd-patient-view", json=_body()).json()["cards"][0]
        path = card["links"][0]["url"].removeprefix("http://testserver")
        page = second.get(path)
        assert page.status_code == 200 and "<svg" in page.text
        assert second.get(path[:-3] + "xyz").status_code == 404


def test_expired_timeline_links_are_404(
    tmp_path: Path, fake: FakeServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time as time_module

    real = time_module.time

    def later() -> float:
        return real() + 16 * 60  # past the 15-minute default lifetime

    for store in ("memory", "database"):
        settings = load_settings(
            None,
            database={"url": f"sqlite:///{tmp_path / (store + '.sqlite')}"},
            timeline={"store": store},
        )
        with TestClient(create_app(settings)) as client:
            card = client.post("/cds-services/trd-patient-view", json=_body()).json()["cards"][0]
            path = card["links"][0]["url"].removeprefix("http://testserver")
            assert client.get(path).status_code == 200
            monkeypatch.setattr(time_module, "time", later)
            assert client.get(path).status_code == 404, store
            monkeypatch.setattr(time_module, "time", real)
