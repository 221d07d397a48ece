"""A card as the store remembers it once issued: its row, and the snooze key its topic column holds.
Separate from the Store because the runner, the batch writer and the loop connection all build
these rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cds_hooks.security.tenancy import LOCAL_ISSUER


@dataclass(frozen=True, slots=True)
class IssuedCard:
    card_uuid: str
    service_id: str
    hook_instance: str
    topic: str
    patient_key: str | None
    dedupe_key: str | None
    snoozable: bool
    issuer: str = LOCAL_ISSUER
    tenant: str | None = None
    # The uuids of the card's suggestions, which feedback may accept; None: not known (a row
    # issued before migration 0003), and then feedback is not checked against them.
    suggestion_ids: tuple[str, ...] | None = None


def issued_rows(cards: Iterable[IssuedCard], now: datetime) -> list[dict[str, Any]]:
    """The trd_issued_card rows of the cards a hook call issued at `now`."""
    return [
        {
            "card_uuid": c.card_uuid,
            "service_id": c.service_id,
            "hook_instance": c.hook_instance,
            "topic": c.topic,
            "patient_key": c.patient_key,
            "dedupe_key": c.dedupe_key,
            "snoozable": c.snoozable,
            "issued_at": now,
            "issuer": c.issuer,
            "tenant": c.tenant,
            "suggestion_ids": None
            if c.suggestion_ids is None
            else json.dumps(list(c.suggestion_ids)),
        }
        for c in cards
    ]


def snooze_key(topic: str, evidence_key: str | None) -> str:
    """What an issued card row's `topic` column and a snooze row hold for a card: its topic, or
    "topic@fingerprint" when the card carries an evidence fingerprint (issue 12:
    Recommendation.evidence_key, services/screen.py). An override snoozes that key, so the
    snooze matches only a card of the same topic resting on the same evidence: a new failed
    trial or a PHQ-9 in another band is a new key, and the card is back (the snooze ends early).
    No new column: a topic is at most 100 characters and a fingerprint 16."""
    return f"{topic}@{evidence_key}" if evidence_key else topic
