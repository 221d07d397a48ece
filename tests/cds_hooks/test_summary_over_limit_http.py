"""Review s26 RK1 finding 1 over HTTP: one card summary over the CDS Hooks limit ("<140
characters") failed the whole answer with a 500 ("request.failed", ValidationError in to_card),
every card lost. Now the Recommendation -> Card conversion shortens it (cds_hooks/cards.
wire_summary: the items of its last bracket, then whole clauses, the action kept), logs
`card.summary_shortened` with the topic and lengths only, and the answer is 200 with every card.

The chart: tests/services/rk1_edges_charts/heart_block_resolved_then_active_again (a running
nortriptyline beside a complete heart block, no PHQ-9 item 9), moved so that 2026-12-01 is today.
The evaluation is the real one, with one card's summary lengthened after the rules (the runner
looks `evaluate` up at call time).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks import runner
from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.date_shift import days_between, shift_json
from services import screen
from services.card_format import SUMMARY_MAX
from services.evaluation import Evaluation
from services.policy import Policy
from tests.services import chart_files

Doc = dict[str, Any]
CHART_DAY = date(2026, 12, 1)
OPTIMISE = "optimize-switch-augment"
# Three hold reasons, as the review's 201-character summary had them.
LONG = (
    "Nortriptyline 25 mg/day is below the adequate range (75-150 mg/day): raise held (PHQ-9 "
    "item 9 not recorded; nortriptyline with complete heart block on record; nortriptyline with "
    "complete heart block on record (resolved 2025-01-10))"
)

_chart = chart_files.loader(Path(__file__).parent.parent / "services" / "rk1_edges_charts")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'trd.db'}"})
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def _post(client: TestClient) -> Any:
    doc = _chart("heart_block_resolved_then_active_again")
    body = shift_json(doc, days_between(CHART_DAY, datetime.now(UTC).date()))
    body["hookInstance"] = str(uuid.uuid4())
    return client.post("/cds-services/trd-patient-view", json=body)


def test_an_over_long_summary_costs_no_card_over_http(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = runner.evaluate

    def lengthened(call: Any, policy: Policy) -> Evaluation:
        evaluation = real(call, policy)
        recs = tuple(
            screen.with_fields(r, summary=LONG) if r.topic == OPTIMISE else r
            for r in evaluation.recommendations
        )
        assert recs != evaluation.recommendations  # the optimise card is there to lengthen
        return Evaluation(evaluation.record, recs, evaluation.hook, evaluation.selections)

    monkeypatch.setattr(runner, "evaluate", lengthened)
    with caplog.at_level(logging.WARNING):
        response = _post(client)
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    assert all(len(c["summary"]) <= SUMMARY_MAX for c in cards)
    (optimise,) = [c for c in cards if c["source"]["topic"]["code"] == OPTIMISE]
    assert optimise["summary"] == (
        "Nortriptyline 25 mg/day is below the adequate range (75-150 mg/day): raise held (PHQ-9 "
        "item 9 not recorded; …)"
    )
    assert len(cards) >= 2  # the running-drug caution card too
    logged = [r for r in caplog.records if r.getMessage() == "card.summary_shortened"]
    assert [r.__dict__["fields"] for r in logged] == [
        {"topic": OPTIMISE, "length": len(LONG), "limit": SUMMARY_MAX}
    ]


def test_the_wire_limit_is_the_services_limit() -> None:
    """services/card_format.SUMMARY_MAX is what the services fit to; the card model's max_length
    is what the wire accepts: one number."""
    from cds_hooks import cards

    assert cards._SUMMARY_MAX == SUMMARY_MAX
