"""A feedback item as the store keeps it, what storing a batch did, and the refusals: feedback for
cards not issued to the caller, accepting suggestions a card never had, or contradicting what is
stored for the card. Separate from the Store so the feedback route can build and refuse items
without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class CardNotIssued(Exception):
    """Feedback names cards this service did not issue to this caller (nothing was stored)."""

    def __init__(self, positions: list[int]) -> None:
        super().__init__(f"feedback items {positions} name cards not issued to this caller")
        self.positions = positions


UNKNOWN_SUGGESTION = "unknown-suggestion"
FEEDBACK_CONFLICT = "feedback-conflict"


@dataclass(frozen=True, slots=True)
class RefusedItem:
    """An item of a batch naming a card issued to the caller but refused for what it says
    (integration review 16 M2): it accepts suggestions the card was not issued with
    (`UNKNOWN_SUGGESTION`: `unknown_suggestions`), or contradicts the feedback stored for the
    card (`FEEDBACK_CONFLICT`: the stored outcome and accepted suggestions). Not stored."""

    position: int
    error: str
    card_uuid: str
    unknown_suggestions: tuple[str, ...] = ()
    # Their places in the item's acceptedSuggestions: the answer names these, never the ids a
    # caller sent (review s25 RP L3).
    unknown_at: tuple[int, ...] = ()
    stored_outcome: str | None = None
    stored_suggestions: tuple[str, ...] = ()
    # The position of the earlier item of the same batch it contradicts (None: a stored row).
    conflicts_with: int | None = None


class FeedbackRefused(Exception):
    """No item of a batch could be stored, and not every one for naming an unknown card (that
    alone is CardNotIssued): nothing was stored."""

    def __init__(self, refused: tuple[RefusedItem, ...], unknown: tuple[int, ...]) -> None:
        super().__init__(f"feedback items {[r.position for r in refused]} refused")
        self.refused = refused
        self.unknown = unknown


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
    """What storing a feedback batch did: `stored` new rows (an item sent again is not one), the
    positions in the batch of the items naming no card issued to the caller (`unknown`,
    Store.add_known_feedback) and the items refused for what they say (`refused`); neither of
    these was stored. `snoozes`: whether each override stored snoozed its card."""

    stored: int
    unknown: tuple[int, ...] = ()
    refused: tuple[RefusedItem, ...] = ()
    # Each override stored, by its position in the batch: None when it snoozed its card, else
    # why not (issued_cards.why_not_snoozed).
    snoozes: tuple[tuple[int, str | None], ...] = ()
