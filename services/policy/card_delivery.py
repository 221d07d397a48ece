"""Card delivery: how long an overridden card snoozes, and which order-hook cards are not sent
again.

The settings' defaults, with their sources, and their `[policy]` table bounds (README "Policy").
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field


@dataclass(frozen=True)
class CardDeliveryPolicy:
    # Feedback: an overridden card snoozes its topic for this patient for N days from its first
    # override (cds_hooks/storage/snooze_writes.py), or until the evidence it rests on changes
    # (a new failed trial, a PHQ-9 in another band: issue 12).
    snooze_days: int = 90
    # Order hooks: a card is left out only when feedback shows the clinician already accepted or
    # overrode that same card (same draft, topic and dose) on a card issued within this many hours
    # by another hook call; a card merely sent is shown again (issue 11 item 15, cds_hooks/storage/store.py
    # acknowledged_dedupe_keys). 0 leaves nothing out.
    order_dedupe_hours: int = 24


class CardDeliveryPolicyConfig(BaseModel):
    snooze_days: int = Field(90, ge=0)
    order_dedupe_hours: int = Field(24, ge=0)
