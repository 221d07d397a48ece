"""CDS Hooks 2.0.1 feedback models (#feedback)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cds_hooks.models.card import Coding
from cds_hooks.models.text import OptionalStoredText, StoredText

# RFC 3339 section 5.6 `date-time`, as CDS Hooks 2.0 #feedback asks of outcomeTimestamp: a full
# date, "T", a full time and an offset ("Z" or +hh:mm). A date alone, a number (epoch seconds?
# milliseconds?) and a time with no offset (whose zone?) do not say when the card was answered,
# and the snooze runs from that moment (review s24 M3). Letters case-insensitive (RFC 3339 5.6
# NOTE); the values themselves are checked by the datetime parse after.
# An offset written without its colon ("+0000": ISO 8601's basic form, which Java's `Z` pattern
# letter writes) is accepted too and normalised to "+00:00": the moment is as unambiguous, and
# refusing it lost the EHR's whole feedback batch (review s24 RB finding 8).
_RFC3339_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2}|(?P<basic>[+-]\d{4}))"
)


class AcceptedSuggestion(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str = Field(min_length=1, max_length=200)


class ReasonCoding(Coding):
    """The coding of an override reason, as the store keeps it (trd_feedback.override_code is
    200 characters, override_system 500: PostgreSQL refuses longer values)."""

    code: StoredText = Field(min_length=1, max_length=200)
    system: OptionalStoredText = Field(None, max_length=500)


class OverrideReason(BaseModel):
    model_config = ConfigDict(extra="allow")
    reason: ReasonCoding | None = None
    userComment: OptionalStoredText = Field(None, max_length=10_000)


class FeedbackItem(BaseModel):
    model_config = ConfigDict(extra="allow")
    card: StoredText = Field(min_length=1, max_length=200)
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: list[AcceptedSuggestion] | None = None
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: datetime

    @field_validator("outcomeTimestamp", mode="before")
    @classmethod
    def _rfc3339(cls, value: Any) -> Any:
        """Only an RFC 3339 date-time string, or one whose offset lacks its colon
        (`_RFC3339_DATE_TIME`); the 400 names the field."""
        found = _RFC3339_DATE_TIME.fullmatch(value) if isinstance(value, str) else None
        if found is None:
            raise ValueError(
                "outcomeTimestamp must be an RFC 3339 date-time string with an offset "
                '("2026-12-05T14:30:00Z")'
            )
        if found["basic"] is not None:  # "+0000" -> "+00:00" (`_RFC3339_DATE_TIME`)
            return f"{value[:-2]}:{value[-2:]}"
        return value

    @field_validator("outcomeTimestamp")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        """The spec's timestamps are UTC: an offset one is converted (SQLite keeps no offset, so
        stored times must share one). A time whose UTC form falls outside years 1-9999
        ("0001-01-01T00:00:00+14:00") cannot be stored: refused."""
        if value.tzinfo is None:  # not after `_rfc3339`; kept for a model built in code
            return value.replace(tzinfo=UTC)
        try:
            return value.astimezone(UTC)
        except OverflowError as exc:
            raise ValueError("outcomeTimestamp is out of range once converted to UTC") from exc

    @model_validator(mode="after")
    def _consistent(self) -> FeedbackItem:
        if self.outcome == "accepted" and self.overrideReason is not None:
            raise ValueError("an accepted card has no overrideReason")
        if self.outcome == "overridden" and self.acceptedSuggestions:
            raise ValueError("an overridden card has no acceptedSuggestions")
        return self


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    feedback: list[FeedbackItem] = Field(min_length=1, max_length=1000)
