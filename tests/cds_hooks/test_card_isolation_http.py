"""s26-kf over HTTP: a card the CDS Hooks model rejects no longer fails the whole answer with a
500 ("request.failed", every card lost, the critical heart-block caution with them). The answer
is 200: the other cards as usual, in the broken card's place the generic stand-in
(cds_hooks/card_stand_in.py) with the timeline link, and one `card.not_built` log line (topic and
rejected field names only). The stand-in is issued never snoozable and answering no order: an
override of it, even with a reason the lost card offered, does not hide the real card later.

The chart: tests/services/card_isolation_charts/nortriptyline_heart_block_caution_and_optimise,
moved so that 2026-12-01 is today; the evaluation is the real one with one card broken after the
rules (the runner looks `evaluate` up at call time). Offline: tests/services/
test_card_isolation_kf.py.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks import runner
from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.date_shift import days_between, shift_json
from services import screen
from services.evaluation import Evaluation
from services.policy import Policy
from services.recommendation import Action, Suggestion
from tests.services import chart_files

Doc = dict[str, Any]
HOOK = "/cds-services/trd-patient-view"
CHART_DAY = date(2026, 12, 1)
OPTIMISE = "optimize-switch-augment"
CAUTION = "running-drug-caution"

_chart = chart_files.loader(Path(__file__).parent.parent / "services" / "card_isolation_charts")

BROKEN: dict[str, tuple[str, dict[str, Any], list[str], str]] = {
    "blank-summary": (OPTIMISE, {"summary": ""}, ["Card.summary"], "warning"),
    "unknown-indicator": (
        OPTIMISE,
        {"indicator": SimpleNamespace(value="urgent")},
        ["Card.indicator"],
        "warning",
    ),
    "action-without-payload": (
        OPTIMISE,
        {"suggestions": (Suggestion("Stop it", (Action("delete", "Stop the order"),)),)},
        ["Action"],
        "warning",
    ),
    "detail-not-text": (OPTIMISE, {"detail": 42}, ["Card.detail"], "warning"),
    "critical-blank-summary": (CAUTION, {"summary": ""}, ["Card.summary"], "critical"),
}


def _client(folder: Path) -> TestClient:
    settings = load_settings(None, database={"url": f"sqlite:///{folder / 'trd.db'}"})
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> list[Doc]:
    """The unbroken answer (another service: the evaluation cache would answer the broken call
    with this evaluation)."""
    with _client(tmp_path_factory.mktemp("whole")) as test_client:
        response = _post(test_client)
    assert response.status_code == 200, response.text
    cards: list[Doc] = response.json()["cards"]
    return cards


def _break(monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    topic, change, _fields, _indicator = BROKEN[case]
    real = runner.evaluate

    def broken(call: Any, policy: Policy) -> Evaluation:
        evaluation = real(call, policy)
        recs = tuple(
            screen.with_fields(r, **change) if r.topic == topic else r
            for r in evaluation.recommendations
        )
        assert any(a is not b for a, b in zip(recs, evaluation.recommendations, strict=True))
        return Evaluation(evaluation.record, recs, evaluation.hook, evaluation.selections)

    monkeypatch.setattr(runner, "evaluate", broken)


def _post(client: TestClient) -> Any:
    body = shift_json(_chart("nortriptyline_heart_block_caution_and_optimise"), days_between(CHART_DAY, datetime.now(UTC).date()))  # fmt: skip
    body["hookInstance"] = str(uuid.uuid4())
    return client.post(HOOK, json=body)


def _topics(cards: list[Doc]) -> dict[str, Doc]:
    return {c["source"]["topic"]["code"]: c for c in cards}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_card_not_built_is_a_stand_in_in_a_200(
    case: str,
    client: TestClient,
    whole: list[Doc],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    topic, _change, fields, indicator = BROKEN[case]
    _break(monkeypatch, case)
    with caplog.at_level(logging.INFO):
        response = _post(client)
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    assert [c["source"]["topic"]["code"] for c in cards] == [CAUTION, OPTIMISE]
    other = next(t for t in (CAUTION, OPTIMISE) if t != topic)
    kept, same = _topics(cards)[other], _topics(whole)[other]
    # The same card; its uuids and its link's token are this call's own.
    assert {k: v for k, v in kept.items() if k not in ("uuid", "links")} == {
        k: v for k, v in same.items() if k not in ("uuid", "links")
    }
    assert [x["label"] for x in kept.get("links", ())] == [
        x["label"] for x in same.get("links", ())
    ]
    stand_in = _topics(cards)[topic]
    assert stand_in["summary"] == (
        f"A card could not be built (topic {topic}): open the chart's timeline / contact support"
    )
    assert stand_in["indicator"] == indicator
    assert [link["label"] for link in stand_in["links"]] == ["View treatment timeline"]
    assert "suggestions" not in stand_in and "overrideReasons" not in stand_in
    logged = [r for r in caplog.records if r.getMessage() == "card.not_built"]
    assert [r.__dict__["fields"] for r in logged] == [{"topic": topic, "rejected": fields}]
    assert not [r for r in caplog.records if r.getMessage() == "request.failed"]
    answered = [r.__dict__["fields"] for r in caplog.records if r.getMessage() == "hook.answered"]
    assert [(a["status"], a["cards"]) for a in answered] == [(200, [CAUTION, OPTIMISE])]
    assert "nortriptyline" not in json.dumps(logged[0].__dict__["fields"]).lower()


def test_an_override_of_the_stand_in_snoozes_nothing(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lost optimise card offered "already-addressed" and is snoozable: the stand-in is
    issued without its reasons and never snoozable, so the override snoozes nothing and the
    next answer still shows it."""
    _break(monkeypatch, "blank-summary")
    response = _post(client)
    assert response.status_code == 200, response.text
    stand_in = _topics(response.json()["cards"])[OPTIMISE]
    item = {
        "card": stand_in["uuid"],
        "outcome": "overridden",
        "outcomeTimestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "overrideReason": {
            "reason": {"system": "urn:trd-cds:override-reason", "code": "already-addressed"}
        },
    }
    answer = client.post(f"{HOOK}/feedback", json={"feedback": [item]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["notSnoozed"] == [{"item": "feedback.0", "reason": "card-not-snoozable"}]
    assert OPTIMISE in _topics(_post(client).json()["cards"])


def test_the_lost_card_offered_the_reason_and_was_snoozable(
    client: TestClient,
) -> None:
    """The premise of the test above: unbroken, the same override snoozes the optimise card."""
    card = _topics(_post(client).json()["cards"])[OPTIMISE]
    reasons = [(o["system"], o["code"]) for o in card["overrideReasons"]]
    assert ("urn:trd-cds:override-reason", "already-addressed") in reasons
    item = {
        "card": card["uuid"],
        "outcome": "overridden",
        "outcomeTimestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "overrideReason": {
            "reason": {"system": "urn:trd-cds:override-reason", "code": "already-addressed"}
        },
    }
    answer = client.post(f"{HOOK}/feedback", json={"feedback": [item]})
    assert answer.json()["snoozed"] == ["feedback.0"]
