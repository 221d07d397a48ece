"""Review s28 RG findings 1 and 2 through HTTP: a card answered at order-select stays answered at
order-sign when it states the same about the same drafts.

- Finding 1: phenelzine drafted earlier, the renewal of the running venlafaxine selected: the
  critical MAOI card comes at select (before: no card), overridden there, and left out at sign.
- Finding 2: two SSRIs drafted over running venlafaxine, escitalopram selected: the same-class
  and the repeat cards name both drafts; their keys did not (select keyed escitalopram alone,
  sign both), so an answer at select did not hold at sign. Now each card keys both drafts in the
  order's own order and states the same at select and sign.

Through the HTTP app on an SQLite file, as test_order_answer_same_statement.py. Charts:
tests/services/s28_order_select_charts/ (dated 2025-06-02, moved to today: the HTTP path judges
as of today, cds_hooks/date_shift.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from cds_hooks.date_shift import days_between, shift_json

AS_OF = date(2025, 6, 2)  # the charts' as-of date
CHARTS = Path(__file__).resolve().parents[1] / "services" / "s28_order_select_charts"
MAOI = "order-maoi-interaction"
REPEATS = "order-repeats-failed-trial"
SAME_CLASS = "order-same-class-running"
Doc = dict[str, Any]


# `client`: tests/conftest.py (a fresh SQLite store per test).


def _request(name: str, instance: str, selections: Sequence[str] = ()) -> Doc:
    """The chart's order-sign request, or its order-select with `selections` (draft ids)."""
    doc: Doc = json.loads((CHARTS / f"{name}.json").read_text("utf-8"))
    doc["hookInstance"] = instance
    if selections:
        doc["hook"] = "order-select"
        doc["context"]["selections"] = [f"MedicationRequest/{s}" for s in selections]
    shifted: Doc = shift_json(doc, days_between(AS_OF, datetime.now(UTC).date()))
    return shifted


def _cards(client: TestClient, body: Doc) -> dict[str, Doc]:
    response = client.post(f"/cds-services/trd-{body['hook']}", json=body)
    assert response.status_code == 200, response.text
    return {c["source"]["topic"]["code"]: c for c in response.json()["cards"]}


def _override(client: TestClient, card: Doc) -> None:
    reasons = card.get("overrideReasons") or []
    item: Doc = {
        "card": card["uuid"],
        "outcome": "overridden",
        "outcomeTimestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if reasons:
        item["overrideReason"] = {"reason": reasons[0], "userComment": "weighed"}
    response = client.post("/cds-services/trd-order-select/feedback", json={"feedback": [item]})
    assert response.status_code == 200, response.text


def test_the_maoi_card_answered_at_select_stays_answered_at_sign(client: TestClient) -> None:
    chart = "phenelzine_drafted_venla_renewed"
    selected = _cards(client, _request(chart, "select-1", ["eV1"]))
    assert selected[MAOI]["indicator"] == "critical"
    assert selected[MAOI]["summary"].startswith(
        "Phenelzine (MAOI) ordered while venlafaxine is running (renewed on this order)"
    )
    # Not answered yet: order-sign shows it again.
    assert MAOI in _cards(client, _request(chart, "sign-1"))
    _override(client, selected[MAOI])
    assert MAOI not in _cards(client, _request(chart, "sign-2"))


def test_cards_naming_both_ssris_answered_at_select_stay_answered_at_sign(
    client: TestClient,
) -> None:
    chart = "two_ssris_over_venlafaxine"
    selected = _cards(client, _request(chart, "select-1", ["eE1"]))
    assert {SAME_CLASS, REPEATS} <= set(selected)
    _override(client, selected[SAME_CLASS])
    _override(client, selected[REPEATS])
    signed = _cards(client, _request(chart, "sign-1"))
    assert SAME_CLASS not in signed and REPEATS not in signed
    # Answered for the pair, whichever draft was selected when it was answered.
    assert not {SAME_CLASS, REPEATS} & set(_cards(client, _request(chart, "select-2", ["eF1"])))
