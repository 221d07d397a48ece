"""The store's clock: timezone-aware UTC datetimes, as its DateTime(timezone=True) columns hold
them (SQLite hands them back naive). Separate because the runner and the routes stamp with it too.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
