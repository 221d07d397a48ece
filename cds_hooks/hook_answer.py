"""What the runner's paths hand one another: a prepared evaluation, what the event loop read of
a request it could not answer (LoopMiss), and the answer itself. Separate so the routes and the
card issuer can name them without the runner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cds_hooks.cards import CardTemplate, IssuedCards
from cds_hooks.fhir_data.prefetch import Gathered
from cds_hooks.storage.issued_cards import IssuedCard
from services.evaluation import Evaluation, HookInput
from services.recommendation import Recommendation


class MayWait(Exception):
    """This answer needs something that may wait: it cannot be given on the event loop."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """An evaluation and what every answer from it shares, computed once: its cards rendered
    (templates[i] is recommendations[i]'s card), the patient's id (keyed in the store per caller:
    two EHRs may send the same chart), and the timeline token handed out for its record (reused
    while it has more than half its life)."""

    evaluation: Evaluation
    templates: tuple[CardTemplate, ...]
    patient_id: str | None
    timeline: list[tuple[str, float]] = field(default_factory=list)  # [(token, expires_at)]
    # The screen without some topics (snoozed, answered), by those topics: card_issuer.py.
    without: dict[frozenset[str], tuple[tuple[Recommendation, CardTemplate], ...]] = field(
        default_factory=dict
    )


class UnsetKey:
    """The type of UNSET_KEY: no patient key was made (None is a key: "no patient")."""


UNSET_KEY = UnsetKey()


@dataclass(frozen=True, slots=True)
class LoopMiss:
    """What `answer_on_loop` read of a request before finding no cached evaluation: its complete
    prefetch (nothing to fetch, no page to follow, no Medication to read), the hook input and its
    cache key, for `answer` in the thread pool."""

    gathered: Gathered
    call: HookInput
    key: bytes | None
    started: float  # perf_counter() when the call reached the runner (durationMs)
    snoozed: frozenset[str] | None  # the patient's snoozes, read on the loop (None: not read)
    # The caller's key of the patient (Store.patient_key), made on the loop with the snoozes, so
    # the answer does not compute the same HMAC again (UNSET_KEY: not made; None: no patient).
    patient_key: str | None | UnsetKey = UNSET_KEY


@dataclass(frozen=True, slots=True)
class Answer:
    """A hook call's cards, and the issued-card rows to store once they are sent."""

    cards: IssuedCards
    issued: tuple[IssuedCard, ...]
    issued_at: datetime
    hook_instance: str

    def to_json(self) -> dict[str, Any]:
        return self.cards.to_json()
