"""A hook's answer waits for its issued cards' commit, but not for long (review s22 RR finding 6).

Since review 21 M1 the answer leaves once its cards are committed (test_issued_before_answer.py).
Nothing bounded that wait: a locked SQLite file holds the writer for its 30 s busy timeout, and a
slow or unreachable PostgreSQL has no statement or connect timeout, so every answer, a critical
MAOI card included, waited past the few seconds the EHR gives a CDS service and was thrown away.
Now `[database] issued_wait_seconds` (1 s by default) bounds it: after that the answer leaves, the
commit finishes behind it, and `hook.record_late` says so (counts and ids only).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import Settings, load_settings
from cds_hooks.observability import logs
from cds_hooks.storage.store import Store
from tests.fixtures import sizes

SERVICE = "/cds-services/trd-patient-view"
# The old code answered only once the commit ended: the tests let it end this long after the call,
# so they fail (too slow) on it rather than hang for the database's own 30 s.
RELEASE_AFTER = 6.0


def _settings(url: str, **database: Any) -> Settings:
    return load_settings(None, database={"url": url, **database}, logging={"level": "INFO"})


def _committed(url: str, uuids: list[str], within: float = 10.0) -> list[str]:
    """The uuids not on record once the late commit has had `within` seconds to end."""
    reader = Store(url)
    try:
        deadline = time.monotonic() + within
        while True:
            missing = [u for u in uuids if reader.issued_card(u) is None]
            if not missing or time.monotonic() > deadline:
                return missing
            time.sleep(0.05)
    finally:
        reader.close()


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def named(self, event: str) -> list[dict[str, Any]]:
        return [r.__dict__["fields"] for r in self.records if r.getMessage() == event]


@pytest.fixture
def lines() -> Iterator[_Lines]:
    """The service's log events; add it after create_app, which resets the logger's handlers."""
    handler = _Lines()
    yield handler
    logs.logger.removeHandler(handler)


@pytest.fixture
def released() -> Iterator[Callable[[Callable[[], None]], None]]:
    """Runs a release `RELEASE_AFTER` seconds from now (or at the test's end, whichever first)."""
    timers: list[threading.Timer] = []

    def schedule(release: Callable[[], None]) -> None:
        timer = threading.Timer(RELEASE_AFTER, release)
        timer.daemon = True
        timers.append(timer)
        timer.start()

    yield schedule
    for timer in timers:
        timer.cancel()
        with contextlib.suppress(Exception):  # released already (a closed connection)
            timer.function()


def hang_issued_writes(
    store: Store, released: Callable[[Callable[[], None]], None]
) -> Callable[[], None]:
    """Make the store's issued-card writes hang (a slow disk, a network partition) until
    `released` lets them go, on the writer thread (not the event loop's own write); returns
    the release, for a test to let them go sooner."""
    gate = threading.Event()
    released(gate.set)
    write = store._issued_writer._write

    def blocked(rows: list[dict[str, Any]]) -> None:
        gate.wait()
        write(rows)

    store._issued_writer._write = blocked
    store.write_rows_on_loop = lambda _rows: False  # type: ignore[method-assign]  # the thread
    return gate.set


def test_a_locked_sqlite_file_delays_the_answer_by_the_bounded_wait_only(
    tmp_path: Path,
    lines: _Lines,
    released: Callable[[Callable[[], None]], None],
) -> None:
    """The review's case: another connection holds the SQLite write lock (a backup, a migration,
    a second process). The cards go to the writer thread, which waits up to 30 s for the lock."""
    url = f"sqlite:///{tmp_path / 'trd-cds.db'}"
    app = create_app(_settings(url))
    logs.logger.addHandler(lines)
    body = sizes.typical()
    with TestClient(app) as client:
        assert client.post(SERVICE, json=body).status_code == 200  # schema made, chart seen
        locker = sqlite3.connect(tmp_path / "trd-cds.db", check_same_thread=False)
        locker.execute("BEGIN IMMEDIATE")  # the write lock, until released
        released(locker.rollback)
        body["hookInstance"] = "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"  # a new call
        started = time.monotonic()
        response = client.post(SERVICE, json=body)
        elapsed = time.monotonic() - started
        assert response.status_code == 200
        uuids = [card["uuid"] for card in response.json()["cards"]]
        assert uuids
        # About the 1 s default, not the lock's length (the old code: RELEASE_AFTER and more).
        assert 0.9 <= elapsed < 3.0, elapsed
        (fields,) = lines.named("hook.record_late")
        assert fields["cards"] == len(uuids) and fields["hookInstance"] == body["hookInstance"]
        assert set(fields) == {"hookInstance", "cards", "waitedSeconds"}  # no patient data
        locker.rollback()  # the lock goes: the commit finishes behind the answer
        assert _committed(url, uuids) == []
    locker.close()


def test_a_store_whose_commit_blocks_is_waited_for_the_configured_time(
    database_url: str,
    lines: _Lines,
    released: Callable[[Callable[[], None]], None],
) -> None:
    """SQLite or PostgreSQL: the commit itself hangs (a slow disk, a network partition). The
    answer leaves after `issued_wait_seconds`; the cards are committed once the write ends."""
    app = create_app(_settings(database_url, issued_wait_seconds=0.3))
    logs.logger.addHandler(lines)
    store: Store = app.state.store
    release = hang_issued_writes(store, released)
    with TestClient(app) as client:
        started = time.monotonic()
        response = client.post(SERVICE, json=sizes.typical())
        elapsed = time.monotonic() - started
        assert response.status_code == 200
        uuids = [card["uuid"] for card in response.json()["cards"]]
        assert uuids
        assert 0.3 <= elapsed < 2.0, elapsed
        assert len(lines.named("hook.record_late")) == 1
        assert lines.named("hook.record_committed_late") == []
        release()
        assert _committed(database_url, uuids) == []
        deadline = time.monotonic() + 5
        while not lines.named("hook.record_committed_late"):
            assert time.monotonic() < deadline, "the late commit was not logged"
            time.sleep(0.02)
        (done,) = lines.named("hook.record_committed_late")
        assert done["cards"] == len(uuids) and done["seconds"] >= 0.3
        assert lines.named("hook.record_failed") == []


def test_a_commit_in_time_is_not_called_late(database_url: str, lines: _Lines) -> None:
    """The bound changes nothing when the database answers: the cards are committed before the
    answer leaves (test_issued_before_answer.py) and nothing is logged as late."""
    app = create_app(_settings(database_url))
    logs.logger.addHandler(lines)
    with TestClient(app) as client:
        response = client.post(SERVICE, json=sizes.typical())
    assert response.status_code == 200 and response.json()["cards"]
    assert lines.named("hook.record_late") == []
    assert any(r.getMessage() == "hook.answered" for r in lines.records)  # the lines are seen


@pytest.mark.parametrize("wait", [0, -1, 31])
def test_the_wait_is_bounded_and_never_zero(tmp_path: Path, wait: float) -> None:
    """0 would send every answer before its commit (review 21 M1 again); over 30 s is past any
    EHR's patience."""
    assert _settings("sqlite:///x.db", issued_wait_seconds=2.5).database.issued_wait_seconds == 2.5
    with pytest.raises(Exception, match="issued_wait_seconds"):
        _settings(f"sqlite:///{tmp_path / 'x.db'}", issued_wait_seconds=wait)


def test_a_late_write_that_fails_is_logged_as_failed(
    tmp_path: Path, lines: _Lines, released: Callable[[Callable[[], None]], None]
) -> None:
    """The answer has left; the write then fails: `hook.record_failed` names it (the exception's
    type only), not `hook.record_committed_late`."""
    app = create_app(_settings(f"sqlite:///{tmp_path / 'trd-cds.db'}", issued_wait_seconds=0.2))
    logs.logger.addHandler(lines)
    store: Store = app.state.store
    gate = threading.Event()
    released(gate.set)

    def broken(_rows: list[dict[str, Any]]) -> None:
        gate.wait()
        raise OSError("disk I/O error")

    store._issued_writer._write = broken
    store.write_rows_on_loop = lambda _rows: False  # type: ignore[method-assign]
    with TestClient(app) as client:
        response = client.post(SERVICE, json=sizes.typical())
        assert response.status_code == 200 and response.json()["cards"]
        assert len(lines.named("hook.record_late")) == 1
        gate.set()
        deadline = time.monotonic() + 5
        while not lines.named("hook.record_failed"):
            assert time.monotonic() < deadline, "the failed late write was not logged"
            time.sleep(0.02)
    (failure,) = lines.named("hook.record_failed")
    assert failure["exception"] == "OSError" and "disk" not in str(failure)
    assert lines.named("hook.record_committed_late") == []
