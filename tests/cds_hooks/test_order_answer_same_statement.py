"""Review 18b U1, U2 through HTTP: an answered order card hides only the same statement.

An order card is left out of a later order-select or order-sign call once feedback shows the
clinician accepted or overrode it (cds_hooks/card_issuer.py). Its key named the draft, the topic
and the dose only, so:

- U1 (f04): the critical MAOI card for draft-1 escitalopram, overridden with "washout complete",
  hid the critical MAOI card when draft-1 became fluoxetine (an EHR keeps the order line's id while
  the drug is changed in the composer, or numbers drafts by position);
- U2 (f05): a bupropion XL draft's anorexia warning, overridden, hid the same draft's CRITICAL
  seizure contraindication card once epilepsy was coded.

The key now names the drug and ends with the fingerprint of what the card states
(services/order_statement.py). Through the HTTP app on an SQLite file, as the other feedback tests
(test_order_card_repeat.py). Charts: tests/services/review18_charts/ (dated 2025-06-02, moved to
today: the HTTP path judges as of today, cds_hooks/date_shift.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.date_shift import days_between, shift_json

AS_OF = date(2025, 6, 2)  # the charts' as-of date
CHARTS = Path(__file__).resolve().parents[1] / "services" / "review18_charts"
MAOI = "order-maoi-interaction"
CONTRAINDICATED = "order-drug-contraindicated"
Doc = dict[str, Any]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'trd.db'}"})
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _request(name: str, instance: str, hook: str = "order-select") -> Doc:
    doc: Doc = json.loads((CHARTS / f"{name}.json").read_text("utf-8"))
    doc["hook"] = hook
    doc["hookInstance"] = instance
    if hook == "order-sign":
        doc["context"].pop("selections", None)
    shifted: Doc = shift_json(doc, days_between(AS_OF, datetime.now(UTC).date()))
    return shifted


def _cards(client: TestClient, body: Doc) -> dict[str, Doc]:
    response = client.post(f"/cds-services/trd-{body['hook']}", json=body)
    assert response.status_code == 200, response.text
    return {c["source"]["topic"]["code"]: c for c in response.json()["cards"]}


def _override(client: TestClient, card: Doc, reason: str) -> None:
    body = {
        "feedback": [
            {
                "card": card["uuid"],
                "outcome": "overridden",
                "outcomeTimestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "overrideReason": {
                    "reason": next(r for r in card["overrideReasons"] if r["code"] == reason),
                    "userComment": "weighed",
                },
            }
        ]
    }
    response = client.post("/cds-services/trd-order-select/feedback", json=body)
    assert response.status_code == 200, response.text


def test_an_override_for_escitalopram_does_not_hide_the_maoi_card_when_the_draft_is_fluoxetine(
    client: TestClient,
) -> None:
    first = _cards(client, _request("f04_phenelzine_escitalopram_draft1", "select-1"))[MAOI]
    assert first["indicator"] == "critical"
    assert first["summary"].startswith("Escitalopram ordered while phenelzine (MAOI) is running")
    _override(client, first, "washout-complete")
    # The same statement at order-sign: answered, left out (unchanged).
    signed = _cards(client, _request("f04_phenelzine_escitalopram_draft1", "sign-1", "order-sign"))
    assert MAOI not in signed
    # The same draft id now holds fluoxetine: before, no cards at all.
    again = _cards(client, _request("f04_phenelzine_fluoxetine_draft1", "select-2"))
    assert again[MAOI]["indicator"] == "critical"
    assert again[MAOI]["summary"].startswith(
        "Fluoxetine ordered while phenelzine (MAOI) is running"
    )


def test_an_override_for_anorexia_does_not_hide_the_seizure_card_once_epilepsy_is_coded(
    client: TestClient,
) -> None:
    first = _cards(client, _request("f05_bupropion_xl_anorexia", "select-1"))[CONTRAINDICATED]
    assert first["indicator"] == "warning"
    assert "anorexia nervosa" in first["summary"]
    _override(client, first, "risk-benefit-ratio")
    # Nothing new on record: the answered card stays out at order-sign (unchanged).
    assert CONTRAINDICATED not in _cards(
        client, _request("f05_bupropion_xl_anorexia", "sign-1", "order-sign")
    )
    # Epilepsy coded since: the card is critical and about seizures; before, no cards at all.
    card = _cards(client, _request("f05_bupropion_xl_anorexia_epilepsy", "sign-2", "order-sign"))[
        CONTRAINDICATED
    ]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Bupropion: contraindicated in seizure disorders")
