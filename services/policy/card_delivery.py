"""Card delivery: how long an overridden card snoozes, which order-hook cards are not sent
again, and when a long-deceased patient's chart gets no card.

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
    # Chart open (patient-view) for a patient whose recorded date of death is more than this many
    # days before as-of, with nothing in the record dated after it: no card at all (review s21
    # RN: a chart dead fourteen years still got "Patient recorded deceased: treatment-pathway
    # cards not shown" on every open). Within it the status card stays (a chart opened to
    # complete the notes, or a status just entered in error); past it, a record dated after the
    # death is a conflict said on one card (services/deceased.py). 90 days: the notes of a death
    # are completed and reviewed within weeks; a clinic may set it longer. Not a clinical fact.
    deceased_quiet_after_days: int = 90


class CardDeliveryPolicyConfig(BaseModel):
    snooze_days: int = Field(90, ge=0)
    order_dedupe_hours: int = Field(24, ge=0)
    deceased_quiet_after_days: int = Field(90, ge=0, le=36500)
