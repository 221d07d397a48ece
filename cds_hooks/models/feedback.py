"""CDS Hooks 2.0.1 feedback models (#feedback)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cds_hooks.models.card import Coding
from cds_hooks.models.text import OptionalStoredText, StoredText


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

    @field_validator("outcomeTimestamp")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        """The spec's timestamps are UTC: a naive one is read as UTC, an offset one converted
        (SQLite keeps no offset, so stored times must share one). A time whose UTC form falls
        outside years 1-9999 ("0001-01-01T00:00:00+14:00") cannot be stored: refused."""
        if value.tzinfo is None:
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
