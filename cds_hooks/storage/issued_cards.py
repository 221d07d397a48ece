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
    # The (system, code) pairs of the card's overrideReasons: an override snoozes the card only
    # with one of these (`snoozes_with`); None: not known (a row issued before migration 0004),
    # and then any reason snoozes, as before.
    override_reasons: tuple[tuple[str | None, str], ...] | None = None


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
            "override_reasons": None
            if c.override_reasons is None
            else json.dumps([list(r) for r in c.override_reasons]),
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


def override_reasons_of(stored: str | None) -> tuple[tuple[str | None, str], ...] | None:
    """The `override_reasons` column read back (None: a row from before migration 0004)."""
    if stored is None:
        return None
    return tuple((system, code) for system, code in json.loads(stored))


def snoozes_with(
    offered: tuple[tuple[str | None, str], ...] | None, system: str | None, code: str | None
) -> bool:
    """Whether an override with this reason snoozes a card that offered `offered`.

    Only a reason the card offered (review 18b M1). CDS Hooks lets the client offer reasons of
    its own (cds-hooks/docs f61d31c, FHIR-28737: "provide an additional overrideReason"); the
    service stores such feedback but cannot tell what it means for this patient ("wrong-patient"
    is no clinical decision about the card), so the card keeps showing: the safer way. A reason
    sent without its system matches the card's reason of that code (an EHR that drops the
    system of the Coding it echoes). A row from before migration 0004 (`offered` None): any
    reason snoozes, as before."""
    if not code:
        return False
    if offered is None:
        return True
    return any(c == code and (system is None or s == system) for s, c in offered)


# Why an override stored did not snooze its card (the feedback answer's `notSnoozed`, review s21
# RE M2: an EHR engineer could not tell that an override with its own reason keeps the card
# coming back).
NO_REASON = "no-override-reason"
REASON_NOT_OFFERED = "reason-not-offered"
NOT_SNOOZABLE = "card-not-snoozable"  # never snoozed (suicide risk...), or issued with no patient
SNOOZES_OFF = "snoozes-off"  # policy snooze_days 0


def why_not_snoozed(
    card_snoozable: bool,
    card_patient_key: str | None,
    offered: tuple[tuple[str | None, str], ...] | None,
    system: str | None,
    code: str | None,
    *,
    snooze_days: int,
) -> str | None:
    """None when an override with this reason snoozes the card (`snoozes_with`), else why not."""
    if snooze_days <= 0:
        return SNOOZES_OFF
    if not code:
        return NO_REASON
    if not card_snoozable or card_patient_key is None:
        return NOT_SNOOZABLE
    if not snoozes_with(offered, system, code):
        return REASON_NOT_OFFERED
    return None
