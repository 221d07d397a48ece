"""A jti is used once within its lifetime: in one process, and across replicas through the database."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool

from cds_hooks.app import create_app
from cds_hooks.config.settings import Settings
from cds_hooks.security.replay import (
    DatabaseReplayStore,
    MemoryReplayStore,
    ReplayStoreFull,
    replay_table,
)
from cds_hooks.storage.store import Store
from tests.security.tokens import SERVICE, Minter


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def race(claim: Callable[[], bool], threads: int = 16) -> list[bool]:
    """Run `claim` in many threads released at once; their results."""
    barrier = threading.Barrier(threads)
    results: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        barrier.wait()
        outcome = claim()
        with lock:
            results.append(outcome)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=30)
    return results


# --- in memory -----------------------------------------------------------------------------------


def test_memory_first_use_then_replay_then_expiry() -> None:
    clock = Clock()
    store = MemoryReplayStore(clock=clock)
    assert store.claim("iss", "jti-1", clock.now + 300) is True
    assert store.claim("iss", "jti-1", clock.now + 300) is False
    assert store.claim("other-iss", "jti-1", clock.now + 300) is True  # per issuer
    clock.now += 301
    assert store.claim("iss", "jti-1", clock.now + 300) is True  # lapsed: forgotten
    assert len(store) == 1  # the lapsed entries were purged


def test_memory_store_fails_closed_when_full() -> None:
    clock = Clock()
    store = MemoryReplayStore(max_entries=1000, clock=clock)
    for i in range(1000):
        assert store.claim("iss", f"j{i}", clock.now + 60)
    with pytest.raises(ReplayStoreFull):
        store.claim("iss", "one-too-many", clock.now + 60)
    assert store.claim("iss", "j0", clock.now + 60) is False  # still remembered
    clock.now += 61
    assert store.claim("iss", "after-expiry", clock.now + 60) is True


def test_memory_store_one_winner_under_concurrency() -> None:
    store = MemoryReplayStore()
    results = race(lambda: store.claim("iss", "same", time.time() + 60))
    assert sorted(results) == [False] * 15 + [True]


# --- in the database (SQLite always; PostgreSQL when configured) ------------------------------------


def test_database_first_use_then_replay(database_url: str) -> None:
    clock = Clock()
    engine = Store(database_url).engine
    store = DatabaseReplayStore(engine, clock=clock)
    assert store.claim("iss", "jti-1", clock.now + 300) is True
    assert store.claim("iss", "jti-1", clock.now + 300) is False
    assert store.claim("iss2", "jti-1", clock.now + 300) is True
    with engine.connect() as conn:
        keys = [row[0] for row in conn.execute(select(replay_table.c.token_key))]
    assert len(keys) == 2
    assert all(len(k) == 64 and "jti" not in k for k in keys)  # hashed, not stored as sent
    engine.dispose()


def test_database_expired_identifier_can_be_reused_and_is_purged(database_url: str) -> None:
    clock = Clock()
    engine = Store(database_url).engine
    store = DatabaseReplayStore(engine, purge_every_seconds=60, clock=clock)
    assert store.claim("iss", "a", clock.now + 100)
    assert store.claim("iss", "b", clock.now + 100)
    clock.now += 101
    assert store.claim("iss", "a", clock.now + 100) is True  # taken over: the old one lapsed
    assert store.claim("iss", "a", clock.now + 100) is False
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(replay_table)).scalar_one()
    assert count == 1  # "b" was purged by the claim after its expiry
    engine.dispose()


def test_database_two_replicas_one_winner(database_url: str) -> None:
    """Two service processes (two engines) racing with the same token: exactly one accepts it."""
    engines = [
        create_engine(database_url, poolclass=NullPool, connect_args=_connect_args(database_url))
        for _ in range(2)
    ]
    Store(database_url).close()  # creates the tables
    stores = [DatabaseReplayStore(e) for e in engines]
    counter = iter(range(1000))
    lock = threading.Lock()

    def claim() -> bool:
        with lock:
            replica = stores[next(counter) % 2]
        return replica.claim("iss", "raced", time.time() + 60)

    results = race(claim, threads=12)
    assert sorted(results) == [False] * 11 + [True]
    for e in engines:
        e.dispose()


def _connect_args(url: str) -> dict[str, Any]:
    return {"timeout": 30} if url.startswith("sqlite") else {}


def test_replicas_sharing_the_database_refuse_a_replayed_token(
    database_url: str, auth_settings: Callable[..., Settings], es_minter: Minter
) -> None:
    base = auth_settings(replay_store="database")
    settings = base.model_copy(
        update={"database": base.database.model_copy(update={"url": database_url})}
    )
    token = es_minter.token()
    body = {
        "hook": "patient-view",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"patientId": "1288992"},
        "prefetch": {
            k: {"resourceType": "Bundle", "type": "searchset", "entry": []}
            for k in ("medicationRequests", "conditions", "observations")
        },
    }
    headers = {"Authorization": f"Bearer {token}"}
    with (
        TestClient(create_app(settings)) as replica_a,
        TestClient(create_app(settings)) as replica_b,
    ):
        assert (
            replica_a.post(f"/cds-services/{SERVICE}", json=body, headers=headers).status_code
            == 200
        )
        assert (
            replica_b.post(f"/cds-services/{SERVICE}", json=body, headers=headers).status_code
            == 401
        )
        assert (
            replica_a.post(f"/cds-services/{SERVICE}", json=body, headers=headers).status_code
            == 401
        )


def test_the_default_replay_store_is_the_database_unless_it_is_sqlite(
    database_url: str, auth_settings: Callable[..., Settings]
) -> None:
    """`[auth] replay_store = "auto"` (the default): shared through PostgreSQL, so a second
    replica refuses a replayed token without any setting; in memory for the SQLite demo."""
    base = auth_settings()
    settings = base.model_copy(
        update={"database": base.database.model_copy(update={"url": database_url})}
    )
    assert settings.auth.replay_store == "auto"
    with TestClient(create_app(settings)) as client:
        replay = client.app.state.authenticator._replay  # type: ignore[attr-defined]
    expected = MemoryReplayStore if database_url.startswith("sqlite") else DatabaseReplayStore
    assert type(replay) is expected
