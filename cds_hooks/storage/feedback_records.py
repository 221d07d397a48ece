"""A feedback item as the store keeps it, what storing a batch did, and the refusal of feedback
for cards not issued to the caller. Separate from the Store so the feedback route can build and refuse items without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class CardNotIssued(Exception):
    """Feedback names cards this service did not issue to this caller (nothing was stored)."""

    def __init__(self, positions: list[int]) -> None:
        super().__init__(f"feedback items {positions} name cards not issued to this caller")
        self.positions = positions


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    service_id: str
    card_uuid: str
    outcome: str
    outcome_timestamp: datetime
    accepted_suggestions: tuple[str, ...]
    override_code: str | None
    override_system: str | None
    override_comment: str | None


@dataclass(frozen=True, slots=True)
class StoredFeedback:
    """What storing a feedback batch did: `stored` new rows (an item sent again is not one), and
    the positions in the batch of the items naming no card issued to the caller (`unknown`),
    which were not stored (Store.add_known_feedback)."""

    stored: int
    unknown: tuple[int, ...] = ()
