"""The hook path's reads, bounded by a statement timeout (session 23 L2 item 4).

Every answer reads the patient's snoozes and answered order cards before it leaves
(card_issuer.py). On SQLite those reads never wait (WAL: a reader does not wait for a writer). On
PostgreSQL nothing bounded them: a server that stalls on reads (a table locked by a migration or a
`LOCK TABLE`, an overloaded server) held the answer, a critical card included, past the few
seconds an EHR waits for cards, and the EHR then showed the chart with none.

So each such read runs under `statement_timeout` = `[database] read_timeout_seconds`, set for its
own transaction only (`set_config(..., true)`: SET LOCAL, gone at the transaction's end, never on
the pooled connection). A read cancelled by it raises ReadTimedOut; the caller answers without the
filter that read serves (card_issuer.py: every card shown, the safer side of a snooze) and logs
`hook.store_read_timeout`. SQLite: the connection as is (its reads do not wait).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

# PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout (or a cancel request):
# query_canceled (PostgreSQL documentation, Appendix A, class 57).
_QUERY_CANCELED = "57014"
_SET_TIMEOUT = text("SELECT set_config('statement_timeout', :ms, true)")


class ReadTimedOut(Exception):
    """A hook-path read cancelled by its statement timeout (no query text, no parameters)."""


@contextmanager
def bounded_read(engine: Engine, seconds: float | None) -> Iterator[Connection]:
    """A connection whose statements, on PostgreSQL, are cancelled after `seconds` (None: not
    bounded); a cancelled one raises ReadTimedOut."""
    with engine.connect() as conn:
        if seconds is not None and conn.dialect.name == "postgresql":
            conn.execute(_SET_TIMEOUT, {"ms": str(max(1, round(seconds * 1000)))})
        try:
            yield conn
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) == _QUERY_CANCELED:
                raise ReadTimedOut("a hook-path read passed its statement timeout") from None
            raise
