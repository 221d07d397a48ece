"""Two EHRs (issuers), or two organisations on one EHR (the JWT `tenant` claim), never share
clinical state: snoozes, de-duplication and issued cards are keyed by the caller as well as the
patient, and feedback is accepted only from the EHR the card was issued to (cds_hooks/security/tenancy.py).

The two issuers of tests/security/conftest.py (the sandbox, ES384; an EHR, RS384) send the same
chart under the same patient id, as two hospitals whose EHRs number patients alike would.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.security.tenancy import LOCAL_ISSUER, Scope
from cds_hooks.storage.store import Store
from tests.security import chart
from tests.security.tokens import PUBLIC_URL, RSA_ISS, SANDBOX_ISS, SERVICE, Minter

TOPIC = "optimize-switch-augment"  # snoozable, on the security chart
ORDER_SELECT = "trd-order-select"
ORDER_REQUEST = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "patients"
    / "order_select_low_dose.order-select.request.json"
)
DOSE_TOPIC = "order-dose-above-range"


def _service_url(service: str) -> str:
    return f"{PUBLIC_URL}/cds-services/{service}"


def call(
    client: TestClient,
    minter: Minter,
    body: dict[str, Any] | None = None,
    service: str = SERVICE,
    **claims: Any,
) -> dict[str, dict[str, Any]]:
    """The cards of one hook call, by topic."""
    token = minter.token(aud=_service_url(service), **claims)
    response = client.post(
        f"/cds-services/{service}",
        json=body if body is not None else chart.hook_request(),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return {card["source"]["topic"]["code"]: card for card in response.json()["cards"]}


def override(
    client: TestClient,
    minter: Minter,
    card: dict[str, Any],
    service: str = SERVICE,
    **claims: Any,
) -> Response:
    """Feedback "overridden" with the card's first reason (which snoozes a snoozable topic)."""
    token = minter.token(aud=f"{_service_url(service)}/feedback", **claims)
    item = {
        "card": card["uuid"],
        "outcome": "overridden",
        # Now: a snooze runs `snooze_days` from the override.
        "outcomeTimestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "overrideReason": {"reason": card["overrideReasons"][0]},
    }
    return client.post(
        f"/cds-services/{service}/feedback",
        json={"feedback": [item]},
        headers={"Authorization": f"Bearer {token}"},
    )


def order_request(instance: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(ORDER_REQUEST.read_text("utf-8"))
    body["hookInstance"] = instance
    # Sertraline 300 mg/day (12 tablets of 25): above the maximum, a dose card to answer (a
    # first start at 25 mg is titration and gets none: review s25 RO finding 5).
    draft = body["context"]["draftOrders"]["entry"][0]["resource"]
    draft["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] = 12
    return body


@pytest.fixture
def client(auth_client: Callable[..., TestClient]) -> TestClient:
    return auth_client()


def test_an_override_sent_by_one_ehr_never_hides_the_card_of_another_ehrs_patient(
    client: TestClient, es_minter: Minter, rs_minter: Minter
) -> None:
    card = call(client, es_minter)[TOPIC]
    assert override(client, es_minter, card).status_code == 200
    assert TOPIC not in call(client, es_minter)  # snoozed for the sandbox's patient ...
    assert TOPIC in call(client, rs_minter)  # ... not for the other EHR's patient of that id
    # And the other way round: the second EHR's override leaves the first one's snooze alone and
    # snoozes its own patient only.
    assert override(client, rs_minter, call(client, rs_minter)[TOPIC]).status_code == 200
    assert TOPIC not in call(client, rs_minter)


def test_tenants_of_one_issuer_do_not_share_snoozes(client: TestClient, es_minter: Minter) -> None:
    card = call(client, es_minter, tenant="hospital-a")[TOPIC]
    assert override(client, es_minter, card, tenant="hospital-a").status_code == 200
    assert TOPIC not in call(client, es_minter, tenant="hospital-a")
    assert TOPIC in call(client, es_minter, tenant="hospital-b")
    assert TOPIC in call(client, es_minter)  # no tenant claim is a tenant of its own


def test_feedback_from_an_ehr_the_card_was_not_issued_to_is_refused_and_changes_nothing(
    client: TestClient, es_minter: Minter, rs_minter: Minter
) -> None:
    card = call(client, es_minter)[TOPIC]
    for minter, claims in ((rs_minter, {}), (es_minter, {"tenant": "hospital-b"})):
        response = override(client, minter, card, **claims)
        assert response.status_code == 400
        assert response.json()["error"] == "unknown-card"
        assert response.json()["details"] == {"items": ["feedback.0.card"]}
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    assert store.feedback_rows() == []
    assert TOPIC in call(client, es_minter)  # no snooze was recorded for anyone
    assert override(client, es_minter, card).status_code == 200  # its own EHR may answer it


def test_an_order_card_answered_by_one_ehr_still_shows_for_another(
    client: TestClient, es_minter: Minter, rs_minter: Minter
) -> None:
    """De-duplication (issue 11 item 15: an order card is left out once answered) is per EHR."""
    card = call(client, es_minter, order_request("select-1"), ORDER_SELECT)[DOSE_TOPIC]
    assert override(client, es_minter, card, ORDER_SELECT).status_code == 200
    assert DOSE_TOPIC not in call(client, es_minter, order_request("select-2"), ORDER_SELECT)
    assert DOSE_TOPIC in call(client, rs_minter, order_request("select-3"), ORDER_SELECT)


def test_issued_cards_record_their_ehr(
    client: TestClient, es_minter: Minter, rs_minter: Minter
) -> None:
    cards = [
        call(client, es_minter)[TOPIC],
        call(client, rs_minter)[TOPIC],
        call(client, es_minter, tenant="hospital-a")[TOPIC],
    ]
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    issued = [store.issued_card(card["uuid"]) for card in cards]
    assert [(i.issuer, i.tenant) for i in issued if i is not None] == [
        (SANDBOX_ISS, None),
        (RSA_ISS, None),
        (SANDBOX_ISS, "hospital-a"),
    ]
    keys = {i.patient_key for i in issued if i is not None}
    assert len(keys) == 3  # one patient id, three patients
    assert store.patient_key(chart.PATIENT_ID, Scope(SANDBOX_ISS)) in keys


@pytest.mark.parametrize(
    "tenant",
    [5, "", "t" * 201, "hospital\x00a", "hospital\na", ["hospital-a"]],
    ids=["number", "empty", "too-long", "nul", "newline", "list"],
)
def test_a_tenant_claim_the_service_cannot_key_by_is_refused(
    client: TestClient, es_minter: Minter, tenant: Any
) -> None:
    response = client.post(
        f"/cds-services/{SERVICE}",
        json=chart.hook_request(),
        headers={"Authorization": f"Bearer {es_minter.token(tenant=tenant)}"},
    )
    assert response.status_code == 401


def test_patient_keys_are_per_issuer_and_tenant_and_unambiguous(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'keys.db'}")
    key = store.patient_key
    assert key("p-1", Scope("a")) == key("p-1", Scope("a"))
    assert len({key("p-1", Scope("a")), key("p-1", Scope("b")), key("p-1", Scope("a", "t"))}) == 3
    # Values that would run together if simply concatenated are still different callers.
    assert key("1", Scope("a", "bc")) != key("1", Scope("ab", "c"))
    assert key("c1", Scope("a", "b")) != key("1", Scope("a", "bc"))
    assert key("p-1", Scope()) == key("p-1", Scope(LOCAL_ISSUER, None))  # auth off: one caller
    assert key(None, Scope()) is None
    store.close()


def test_with_auth_off_every_call_is_the_local_issuer(tmp_path: Path) -> None:
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'off.db'}"})
    with TestClient(create_app(settings)) as local:
        response = local.post(f"/cds-services/{SERVICE}", json=chart.hook_request())
        card = next(c for c in response.json()["cards"] if c["source"]["topic"]["code"] == TOPIC)
        issued = local.app.state.store.issued_card(card["uuid"])  # type: ignore[attr-defined]
    assert issued is not None and (issued.issuer, issued.tenant) == (LOCAL_ISSUER, None)
