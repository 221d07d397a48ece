"""A pathway snooze ends with a new TMS contraindication or a new adjunct (recheck 18b W1, M1).

The optimise and tms-course cards of a chart with a TMS course in week 5 (s06) overridden with
their first offered reason. Then:
- epilepsy coded the day before (s06b): both cards are back (the pathway fingerprint holds the TMS
  safety findings, services/screen.evidence_key); before, nothing showed;
- lithium started 9 weeks ago: the optimise card, which now names it ("Adjuncts already used in
  this episode: lithium"), is back (the fingerprint holds the episode's adjuncts);
- the same chart again: both stay hidden (noise).

Through the HTTP app on an SQLite file, as tests/cds_hooks/test_snooze_statements.py; charts from
tests/services/recheck18b_charts, dated 2025-06-02 and moved to today.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.date_shift import days_between, shift_json
from tests.fixtures import builders as b
from tests.services import chart_files

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent.parent / "services" / "recheck18b_charts"
Doc = dict[str, Any]
PATHWAY = ("optimize-switch-augment", "tms-course")

_chart = chart_files.loader(CHARTS)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'trd.db'}"})
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _cards(client: TestClient, doc: Doc) -> list[Doc]:
    body = shift_json(doc, days_between(AS_OF, datetime.now(UTC).date()))
    body["hookInstance"] = str(uuid.uuid4())  # a new call each time, never a cached answer
    response = client.post("/cds-services/trd-patient-view", json=body)
    assert response.status_code == 200, response.text
    cards: list[Doc] = response.json()["cards"]
    return cards


def _topic(cards: list[Doc], topic: str) -> Doc | None:
    return next((c for c in cards if c["source"]["topic"]["code"] == topic), None)


def _override(client: TestClient, card: Doc) -> None:
    item = {
        "card": card["uuid"],
        "outcome": "overridden",
        "outcomeTimestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "overrideReason": {"reason": card["overrideReasons"][0]},
    }
    response = client.post("/cds-services/trd-patient-view/feedback", json={"feedback": [item]})
    assert response.status_code == 200, response.text


def _snooze_pathway(client: TestClient) -> None:
    cards = _cards(client, _chart("s06_tms_course_running"))
    for topic in PATHWAY:
        card = _topic(cards, topic)
        assert card is not None, (topic, [c["summary"] for c in cards])
        _override(client, card)
    again = _cards(client, _chart("s06_tms_course_running"))
    assert [t for t in PATHWAY if _topic(again, t) is not None] == []


def test_epilepsy_coded_during_the_course_ends_the_pathway_snoozes(client: TestClient) -> None:
    _snooze_pathway(client)
    cards = _cards(client, _chart("s06b_tms_course_epilepsy_coded_during"))
    course = _topic(cards, "tms-course")
    assert course is not None, [c["summary"] for c in cards]
    assert course["indicator"] == "warning"
    assert "TMS contraindication" in course["summary"]
    optimise = _topic(cards, "optimize-switch-augment")
    assert optimise is not None
    assert "Why no TMS referral" in optimise["detail"]


def _with_lithium(doc: Doc) -> Doc:
    patient = doc["context"]["patientId"]
    lithium = b.medication_request(
        "42351",
        "lithium carbonate 300 MG Oral Capsule",
        AS_OF - timedelta(weeks=9),
        1,
        "capsule",
        2,
        1,
        "d",
        patient=patient,
        id="recheck18b-lithium",
        expected_supply_days=30,
        repeats=5,
    )
    doc["prefetch"]["medicationRequests"]["entry"].append(
        {"fullUrl": f"MedicationRequest/{lithium['id']}", "resource": lithium}
    )
    return doc


def test_a_new_adjunct_ends_the_optimise_snooze(client: TestClient) -> None:
    _snooze_pathway(client)
    cards = _cards(client, _with_lithium(_chart("s06_tms_course_running")))
    optimise = _topic(cards, "optimize-switch-augment")
    assert optimise is not None, [c["summary"] for c in cards]
    assert "Adjuncts already used in this episode: lithium" in optimise["detail"]
