"""A PostgreSQL that stalls on reads cannot hold a hook answer (session 23 L2 item 4).

Every answer reads the patient's snoozes and answered order cards before it leaves
(card_issuer.py). On PostgreSQL nothing bounded those reads: with `trd_snooze` locked (a
migration, a `LOCK TABLE`, VACUUM FULL) the answer waited as long as the lock, past the few
seconds an EHR waits, and the chart showed no card at all. Now they run under a statement timeout,
`[database] read_timeout_seconds`: past it the answer leaves with every card, none left out as
snoozed (the safer side: a snoozed card shows again), and `hook.store_read_timeout` is logged with
ids only. On SQLite the reads never wait: the setting changes nothing there.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from cds_hooks.app import create_app
from cds_hooks.observability import logs
from tests.deploy.test_issued_wait_bounded import (  # noqa: F401 - the fixture, by name
    SERVICE,
    _Lines,
    _settings,
    lines,
)
from tests.fixtures import sizes

# The old code answered once the lock went: it is held this long, so the test fails (too slow)
# on it rather than hangs.
HOLD = 6.0


def _override(card: dict[str, Any]) -> dict[str, Any]:
    """An override with a reason the card offers (it snoozes the card's topic)."""
    reason = card["overrideReasons"][0]
    return {
        "feedback": [
            {
                "card": card["uuid"],
                "outcome": "overridden",
                "outcomeTimestamp": "2026-11-20T10:00:00Z",
                "overrideReason": {"reason": {"code": reason["code"], "system": reason["system"]}},
            }
        ]
    }


def _topics(response: Any) -> list[str]:
    return [c["source"]["topic"]["code"] for c in response.json()["cards"]]


@pytest.fixture
def snooze_table_locked(database_url: str) -> Iterator[threading.Event]:
    """Set the event to take an ACCESS EXCLUSIVE lock on trd_snooze (PostgreSQL; held `HOLD`
    seconds or to the test's end), as a migration would."""
    start, done = threading.Event(), threading.Event()
    engine = create_engine(database_url, poolclass=NullPool)

    def hold() -> None:
        start.wait()
        if done.is_set():
            return
        with engine.connect() as conn:
            conn.execute(text("LOCK TABLE trd_snooze IN ACCESS EXCLUSIVE MODE"))
            locked.set()
            done.wait(HOLD)
            conn.rollback()

    locked = threading.Event()
    holder = threading.Thread(target=hold, daemon=True)
    holder.start()

    def take() -> None:
        start.set()
        assert locked.wait(5), "the lock was not taken"

    event = threading.Event()
    event.set = take  # type: ignore[method-assign]
    yield event
    done.set()
    start.set()
    holder.join(10)
    engine.dispose()


@pytest.mark.postgres
def test_a_stalled_snooze_read_answers_every_card_in_bounded_time(
    database_url: str,
    lines: _Lines,  # noqa: F811 - the fixture
    snooze_table_locked: threading.Event,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the statement timeout is PostgreSQL's (SQLite reads never wait)")
    app = create_app(_settings(database_url, read_timeout_seconds=0.3))
    logs.logger.addHandler(lines)
    body = sizes.typical()
    with TestClient(app) as client:
        first = client.post(SERVICE, json=body)
        assert first.status_code == 200
        card = first.json()["cards"][0]
        topic = card["source"]["topic"]["code"]
        feedback = client.post(f"{SERVICE}/feedback", json=_override(card))
        assert feedback.status_code == 200 and feedback.json().get("snoozed") == ["feedback.0"]
        body["hookInstance"] = "7e1d9a40-2c3b-4f5e-8a6d-9b0c1d2e3f40"
        assert topic not in _topics(client.post(SERVICE, json=body))  # snoozed: the control
        assert lines.named("hook.store_read_timeout") == []

        snooze_table_locked.set()  # a migration takes trd_snooze
        body["hookInstance"] = "a3c5e7f9-1b2d-4c6e-8f0a-2b4c6d8e0f12"
        started = time.monotonic()
        stalled = client.post(SERVICE, json=body)
        elapsed = time.monotonic() - started
        assert stalled.status_code == 200
        assert elapsed < 3.0, elapsed  # the timeout, not the lock's length
        assert topic in _topics(stalled)  # every card: the snooze could not be read
        (fields,) = lines.named("hook.store_read_timeout")
        assert fields == {"hookInstance": body["hookInstance"], "timeoutSeconds": 0.3}


def test_the_timeout_is_bounded_and_never_zero() -> None:
    assert (
        _settings("sqlite:///x.db", read_timeout_seconds=2.5).database.read_timeout_seconds == 2.5
    )
    assert _settings("sqlite:///x.db").database.read_timeout_seconds == 1.0  # the README's default
    for wrong in (0, -1, 31):
        with pytest.raises(Exception, match="read_timeout_seconds"):
            _settings("sqlite:///x.db", read_timeout_seconds=wrong)


def test_sqlite_answers_are_unchanged_by_the_setting(
    tmp_path: Any,
    lines: _Lines,  # noqa: F811 - the fixture
) -> None:
    """SQLite: the snooze still applies (nothing is bounded there, nothing timed out)."""
    app = create_app(_settings(f"sqlite:///{tmp_path / 'trd-cds.db'}", read_timeout_seconds=0.01))
    logs.logger.addHandler(lines)
    body = sizes.typical()
    with TestClient(app) as client:
        card = client.post(SERVICE, json=body).json()["cards"][0]
        assert client.post(f"{SERVICE}/feedback", json=_override(card)).status_code == 200
        body["hookInstance"] = "5d7f9b1d-3f5a-4c7e-9a1c-3e5f7a9c1e34"
        assert card["source"]["topic"]["code"] not in _topics(client.post(SERVICE, json=body))
    assert lines.named("hook.store_read_timeout") == []
