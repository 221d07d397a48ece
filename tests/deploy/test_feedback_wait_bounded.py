"""The feedback route waits for a late commit of issued cards no longer than an answer does
(session 23 L2 item 3).

A hook answer waits at most `[database] issued_wait_seconds` for its cards' commit
(test_issued_wait_bounded.py); feedback naming a card not yet on record waited for the same
commit without a bound (`IssuedRecorder.settle`), so with the SQLite file locked by another
connection the EHR's feedback call hung for as long as the lock. Now it waits the same bound; a
card still being stored then gets 503 `cards-still-storing` with Retry-After and the items named,
nothing stored (the resent batch is stored once the commit ends), never a 400 an EHR would not
resend, nor a 500. A card this service never issued is still a 400 `unknown-card`.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.observability import logs
from cds_hooks.storage.store import Store
from tests.deploy.test_issued_wait_bounded import (  # noqa: F401 - fixtures used by name
    SERVICE,
    _committed,
    _Lines,
    _settings,
    hang_issued_writes,
    lines,
    released,
)
from tests.fixtures import sizes

FEEDBACK = f"{SERVICE}/feedback"


def _overridden(*cards: str) -> dict[str, Any]:
    return {
        "feedback": [
            {
                "card": card,
                "outcome": "overridden",
                "outcomeTimestamp": "2026-11-20T10:00:00Z",
                "overrideReason": {
                    "reason": {"code": "patient-declined", "system": "urn:trd-cds:override-reason"}
                },
            }
            for card in cards
        ]
    }


def test_feedback_on_a_card_whose_commit_is_held_by_a_lock_answers_503_in_bounded_time(
    tmp_path: Path,
    lines: _Lines,  # noqa: F811 - the fixture
    released: Callable[[Callable[[], None]], None],  # noqa: F811 - the fixture
) -> None:
    """Another connection holds the SQLite write lock: the answer leaves after the bound with its
    cards not yet committed, and feedback on one of them comes at once. Before: the route waited
    for the lock (RELEASE_AFTER here, 30 s or more in production)."""
    url = f"sqlite:///{tmp_path / 'trd-cds.db'}"
    app = create_app(_settings(url, issued_wait_seconds=0.5))
    logs.logger.addHandler(lines)
    body = sizes.typical()
    with TestClient(app) as client:
        assert client.post(SERVICE, json=body).status_code == 200  # schema made, chart seen
        locker = sqlite3.connect(tmp_path / "trd-cds.db", check_same_thread=False)
        locker.execute("BEGIN IMMEDIATE")  # the write lock, until released
        released(locker.rollback)
        body["hookInstance"] = "5b0f7c1e-8d4f-4c36-9a55-0e2b8f1d3c77"  # a new call
        answer = client.post(SERVICE, json=body)
        assert answer.status_code == 200
        uuids = [card["uuid"] for card in answer.json()["cards"]]
        assert uuids and len(lines.named("hook.record_late")) == 1  # not on record yet

        started = time.monotonic()
        early = client.post(FEEDBACK, json=_overridden(uuids[0]))
        elapsed = time.monotonic() - started
        assert early.status_code == 503, early.text
        assert 0.5 <= elapsed < 3.0, elapsed  # the bound, not the lock's length
        assert early.headers["Retry-After"] == "1"
        assert early.json()["error"] == "cards-still-storing"
        assert early.json()["details"] == {"items": ["feedback.0.card"]}
        assert uuids[0] not in early.text  # paths only, as for unknown cards
        (refused,) = lines.named("request.refused")
        assert refused["status"] == 503 and refused["fields"] == ["feedback.0.card"]

        locker.rollback()  # the lock goes: the cards are committed behind the answers
        assert _committed(url, uuids) == []
        again = client.post(FEEDBACK, json=_overridden(uuids[0]))
        assert again.status_code == 200, again.text
        assert again.json()["stored"] == 1  # nothing was lost: the resend is stored
    locker.close()


def test_a_card_never_issued_is_still_unknown_while_another_commit_is_late(
    tmp_path: Path,
    lines: _Lines,  # noqa: F811 - the fixture
    released: Callable[[Callable[[], None]], None],  # noqa: F811 - the fixture
) -> None:
    """Only cards in a batch still being written are "still being stored": a uuid this service
    never issued is refused as before (400 unknown-card), after the same bounded wait. The late
    commit here is a writer that hangs (a slow disk), the file itself not locked."""
    url = f"sqlite:///{tmp_path / 'trd-cds.db'}"
    app = create_app(_settings(url, issued_wait_seconds=0.5))
    logs.logger.addHandler(lines)
    store: Store = app.state.store
    release = hang_issued_writes(store, released)
    with TestClient(app) as client:
        answer = client.post(SERVICE, json=sizes.typical())
        assert answer.status_code == 200 and len(lines.named("hook.record_late")) == 1
        started = time.monotonic()
        unknown = client.post(FEEDBACK, json=_overridden("f3b1c2d4-0000-4000-8000-000000000000"))
        elapsed = time.monotonic() - started
        assert unknown.status_code == 400 and unknown.json()["error"] == "unknown-card"
        assert 0.5 <= elapsed < 3.0, elapsed  # waited the bound for the late batch, no more
        early = client.post(FEEDBACK, json=_overridden(answer.json()["cards"][0]["uuid"]))
        assert early.status_code == 503 and early.json()["error"] == "cards-still-storing"
        release()
