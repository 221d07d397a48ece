"""Single use of a JWT's `jti` within the token's lifetime (CDS Hooks 2.0.1 #trusting-cds-clients:
"jti: a nonce string value that uniquely identifies this authentication JWT").

A token is claimed only after everything else about it has been verified, so an invalid token never
burns an identifier. Entries are kept until the token's `exp` plus the clock skew, the last moment
the verifier would still accept it.

- `DatabaseReplayStore`: table `trd_jwt_replay` in the service's database, shared by every worker
  and replica. Identifiers are stored hashed with their issuer. The default whenever
  `[database] url` is not SQLite (`[auth] replay_store = "auto"`).
- `MemoryReplayStore`: in this process. Right for one process only: behind a load balancer or with
  several gunicorn workers, a replay sent to another process would pass. The default with SQLite
  (the single-host demo). When full it refuses new tokens (fails closed) rather than forget
  unexpired ones.

The table is created by the migrations (schema.py), not here: the service's database user needs
no DDL rights.
"""

from __future__ import annotations

import hashlib
import heapq
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import Column, DateTime, Engine, String, Table, delete, update

from cds_hooks.storage.inserts import dialect_insert
from cds_hooks.storage.tables import metadata

replay_table = Table(
    "trd_jwt_replay",
    metadata,
    Column("token_key", String(64), primary_key=True),  # sha256(iss NUL jti), hex
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)


class ReplayStoreFull(Exception):
    """The in-process store holds its maximum of unexpired identifiers."""


class ReplayStore(Protocol):
    def claim(self, issuer: str, jti: str, expires_at: float) -> bool:
        """Record (issuer, jti) until `expires_at` (epoch seconds). True the first time; False
        when it was already claimed and has not expired (a replay)."""
        ...

    def close(self) -> None: ...


def token_key(issuer: str, jti: str) -> str:
    return hashlib.sha256(f"{issuer}\x00{jti}".encode()).hexdigest()


class MemoryReplayStore:
    def __init__(self, max_entries: int = 200_000, clock: Callable[[], float] = time.time) -> None:
        self._max = max_entries
        self._clock = clock
        self._expiry: dict[str, float] = {}
        self._heap: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._expiry)

    def claim(self, issuer: str, jti: str, expires_at: float) -> bool:
        key = token_key(issuer, jti)
        with self._lock:
            now = self._clock()
            self._purge(now)
            known = self._expiry.get(key)
            if known is not None and known > now:
                return False
            if len(self._expiry) >= self._max:
                raise ReplayStoreFull(f"{self._max} unexpired token identifiers held")
            self._expiry[key] = expires_at
            heapq.heappush(self._heap, (expires_at, key))
            return True

    def _purge(self, now: float) -> None:
        while self._heap and self._heap[0][0] <= now:
            expires_at, key = heapq.heappop(self._heap)
            if self._expiry.get(key) == expires_at:
                del self._expiry[key]

    def close(self) -> None:
        return None


class DatabaseReplayStore:
    """Replay protection shared by all replicas through the service's database."""

    def __init__(
        self,
        engine: Engine,
        *,
        purge_every_seconds: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._purge_every = purge_every_seconds
        self._purged_at = 0.0

    def claim(self, issuer: str, jti: str, expires_at: float) -> bool:
        key = token_key(issuer, jti)
        now_ts = self._clock()
        now = datetime.fromtimestamp(now_ts, UTC)
        expires = datetime.fromtimestamp(expires_at, UTC)
        with self._engine.begin() as conn:
            if now_ts - self._purged_at >= self._purge_every:
                self._purged_at = now_ts
                conn.execute(delete(replay_table).where(replay_table.c.expires_at <= now))
            dialect = "postgresql" if conn.dialect.name == "postgresql" else "sqlite"
            # RETURNING says whether the row went in (psycopg reports rowcount -1 here).
            stmt = (
                dialect_insert(dialect, replay_table)
                .on_conflict_do_nothing(index_elements=["token_key"])
                .returning(replay_table.c.token_key)
            )
            if conn.execute(stmt, {"token_key": key, "expires_at": expires}).first() is not None:
                return True
            # Already there. Only an expired row (not purged yet) may be taken over: the issuer
            # reused an identifier after its first token lapsed. The WHERE makes this atomic: of
            # two concurrent takers, one updates the row and the other matches nothing.
            taken = conn.execute(
                update(replay_table)
                .where(replay_table.c.token_key == key, replay_table.c.expires_at <= now)
                .values(expires_at=expires)
            ).rowcount
            return bool(taken)

    def close(self) -> None:
        return None
