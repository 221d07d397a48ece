"""A snooze given before the "PHQ-9 item 9 not recorded" line existed does not hide it (review s21
RE W1), and a card that shows only once others are snoozed keeps its own snooze.

trd_meets_tms (v0): the optimise and TMS cards overridden with reasons they offer. Fourteen days
on, a PHQ-9 total of 17 with no item 9 (the band of the 18 on record). Before, the answer was
`{"cards": []}`: both fingerprints were unchanged and the line rode on the snoozed optimise card.
Now:
- the optimise card is back, led by the item-9 line, its adjuncts held (that PHQ-9 is in its
  fingerprint: services/screen_fingerprint.stating_key);
- overridden again, the item-9 card shows on its own (a snoozed card carries no line);
- overridden too, it stays hidden (cds_hooks/card_issuer.py checks the snoozes of a card that
  shows only in the screen composed without the snoozed ones).

Through the HTTP app on an SQLite file; charts from tests/services/snoozed_lines_charts, dated
2025-06-02 and 2025-06-16, both moved by one offset (2025-06-16 is today), so the trials keep
their dates between the calls, as in an EHR; v0's chart is read 14 days after it was written.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.date_shift import days_between, shift_json
from tests.services import chart_files

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
ITEM9 = "phq9-item9-not-recorded"
D14 = date(2025, 6, 16)

_chart = chart_files.loader(Path(__file__).parent.parent / "services" / "snoozed_lines_charts")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'trd.db'}"})
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _cards(client: TestClient, name: str) -> dict[str, Doc]:
    body = shift_json(_chart(name), days_between(D14, datetime.now(UTC).date()))
    body["hookInstance"] = str(uuid.uuid4())  # a new call each time, never a cached answer
    response = client.post("/cds-services/trd-patient-view", json=body)
    assert response.status_code == 200, response.text
    return {c["source"]["topic"]["code"]: c for c in response.json()["cards"]}


def _override(client: TestClient, *cards: Doc) -> None:
    items = [
        {
            "card": card["uuid"],
            "outcome": "overridden",
            "outcomeTimestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "overrideReason": {"reason": card["overrideReasons"][0]},
        }
        for card in cards
    ]
    response = client.post("/cds-services/trd-patient-view/feedback", json={"feedback": items})
    assert response.status_code == 200, response.text


def test_a_total_only_phq9_after_the_pathway_snoozes_is_said(client: TestClient) -> None:
    first = _cards(client, "v0_trd_meets_tms")
    _override(client, first[OPTIMISE], first[TMS])
    assert _cards(client, "v0_trd_meets_tms") == {}

    later = _cards(client, "d14_phq9_total_only_same_band")
    assert list(later) == [OPTIMISE]
    assert "ask PHQ-9 item 9 (not recorded) first, then" in later[OPTIMISE]["summary"]

    _override(client, later[OPTIMISE])
    alone = _cards(client, "d14_phq9_total_only_same_band")
    assert list(alone) == [ITEM9]
    assert "item 9 not recorded" in alone[ITEM9]["summary"]

    _override(client, alone[ITEM9])
    assert _cards(client, "d14_phq9_total_only_same_band") == {}
