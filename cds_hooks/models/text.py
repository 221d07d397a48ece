"""Strings the service stores: PostgreSQL text cannot hold NUL (U+0000), so an insert of one fails
(a 500 on PostgreSQL, while SQLite accepts it). No identifier or reason anyone meant contains NUL:
such input is refused at the edge, with a 400 naming the field, on every database alike."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def no_nul(value: str | None) -> str | None:
    if value is not None and "\x00" in value:
        raise ValueError("must not contain NUL (U+0000) characters")
    return value


StoredText = Annotated[str, AfterValidator(no_nul)]
OptionalStoredText = Annotated[str | None, AfterValidator(no_nul)]
