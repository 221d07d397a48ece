"""The fingerprint of what an order card states (`statement_key`), which its dedupe key ends
with (`with_statement`): feedback that a clinician accepted or overrode an order card hides only
the same statement about the same drafts (review 18b U1, U2), never a card that a new finding, a
higher indicator or another drug made. Apart from order_checks/model.py (the per-draft part of
the key) so the unidentified-draft card (services/unidentified_drafts.py), which the data-gap
layer builds, uses it too without an import cycle."""

from __future__ import annotations

import dataclasses
import hashlib
import re

from services.recommendation import Recommendation

# Elapsed-time counts ("stopped 9 days ago", "ordered 12 days after phenelzine stopped", "on it
# for 7 weeks") move with the clock, not with the record: masked in the statement's fingerprint,
# so the same card a day later keeps its key (the dates the cards print stay in it).
_ELAPSED = re.compile(r"\b\d+(?:\.\d+)? ?(?:day|week|month|year)s?\b")


def statement_key(rec: Recommendation) -> str:
    """The fingerprint of what an order card states: its indicator, summary and detail, which
    name every finding the card rests on (the condition, the lab result with its value and date,
    the running drug, the interval). Hashed as services/screen.py `pairs_key` hashes a chart-open
    card's evidence. A new finding behind the card (epilepsy coded beside the anorexia a bupropion
    card was overridden for), a higher indicator or another drug changes it (review 18b U2)."""
    material = "\n".join(
        (rec.indicator.value, _ELAPSED.sub("#", rec.summary), _ELAPSED.sub("#", rec.detail))
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def with_statement(rec: Recommendation) -> Recommendation:
    """`rec` with its dedupe key followed by "#" and `statement_key`: an answer (accepted or
    overridden) hides only the same statement about the same drafts. Worked out before the
    screen is composed (services/screen.py moves shared sections between cards, and the
    protocol layer composes it again without the hidden cards), so the key does not depend on
    which other cards are shown."""
    if not rec.dedupe_key:
        return rec
    return dataclasses.replace(rec, dedupe_key=f"{rec.dedupe_key}#{statement_key(rec)}")
