"""One card that cannot be built never costs the others: the per-card guard of the Recommendation
-> card conversion (offline `cards.to_cards`, HTTP `cards.card_template`).

Before, any card the wire model rejected (a blank summary, an unknown indicator, a suggestion
action without its payload, a detail that is not text, ...) failed the whole answer: offline no
cards, over HTTP a 500. A 201-character summary once made a heart-block chart lose its critical
contraindication card with every other card (review s26 RK1 finding 1; the summary itself is
shortened since, `cards.wire_summary`). The services should never produce such a card; this is
the guard for a defect they did not foresee.

In its place a generic card that is not silent: it says a card on this topic could not be shown
and where to look (the treatment timeline, linked; support). Its indicator is `critical` when the
lost card was critical (a safety card must stay as visible as it was meant to be), else
`warning`: the clinician cannot tell what the lost card said, so it is never shown as mere `info`
(the safer side). No suggestions and no override reasons (the lost card's content is unknown to
the reader), never snoozed, no order de-duplication key: a dismissed stand-in must not silence
the real card once it can be built again (card_issuer.py issues it so).

One `card.not_built` log line per lost card: the topic and the names of the fields the model
rejected (`Card.summary`, `Source.url`), or the exception's type for an error outside the model; no
values and no messages (a message may quote patient text).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import TypeVar

from pydantic import ValidationError

from cds_hooks.observability import logs
from services.recommendation import Indicator, Recommendation, Source

T = TypeVar("T")

# What building a card from a Recommendation raises when the Recommendation is malformed: the
# model's ValidationError (a ValueError), or a value of the wrong type met before the model
# (`rec.indicator.value` on a plain string: AttributeError; a detail of another type: TypeError).
_NOT_BUILT = (ValueError, TypeError, AttributeError)

# A topic the stand-in may name: the shape of topics.csv's codes. Anything else (a blank, a
# value of another type, free text) is named "unknown": the summary must fit and say nothing of
# the patient.
_TOPIC = re.compile(r"[a-z0-9][a-z0-9-]{0,47}")
UNKNOWN_TOPIC = "unknown"

STAND_IN_SOURCE = "Treatment-resistant depression pathway service"
STAND_IN_DISPLAY = "Card not built"


def stand_in_summary(topic: str) -> str:
    return f"A card could not be built (topic {topic}): open the chart's timeline / contact support"


STAND_IN_DETAIL = (
    "The service found something to show on this topic but could not put the card into CDS "
    "Hooks form, so its content is not shown. The other cards of this answer are complete.\n\n"
    "Review the patient's treatment timeline (linked from this card) and tell the service's "
    "support team; the error is logged as `card.not_built`, without patient data."
)


def built(rec: Recommendation, build: Callable[[Recommendation], T]) -> tuple[T, bool]:
    """`build(rec)`, or `build` of the stand-in when `rec` cannot be built (logged); and whether
    it is the stand-in. Any other error, and one building the stand-in itself, propagates."""
    try:
        return build(rec), False
    except _NOT_BUILT as error:
        topic = _topic(rec)
        logs.event(
            "card.not_built",
            logging.ERROR,
            topic=topic,
            rejected=_field_names(error),
        )
        return build(stand_in(rec, topic)), True


def stand_in(rec: Recommendation, topic: str) -> Recommendation:
    """The generic card in place of `rec` (see the module docstring)."""
    return Recommendation(
        topic=topic,
        indicator=Indicator.CRITICAL if _was_critical(rec) else Indicator.WARNING,
        summary=stand_in_summary(topic),
        detail=STAND_IN_DETAIL,
        source=Source(label=STAND_IN_SOURCE, topic_code=topic, topic_display=STAND_IN_DISPLAY),
        topic_snoozable=False,
        wants_timeline=True,
    )


def _was_critical(rec: Recommendation) -> bool:
    # Indicator is a StrEnum: the enum member and a plain "critical" string both compare equal.
    indicator = getattr(rec, "indicator", None)
    return isinstance(indicator, str) and indicator == Indicator.CRITICAL


def _topic(rec: Recommendation) -> str:
    topic = getattr(rec, "topic", None)
    if type(topic) is str and _TOPIC.fullmatch(topic):
        return topic
    return UNKNOWN_TOPIC


def _field_names(error: BaseException) -> list[str]:
    """The rejected fields as model.path (`Card.summary`, `Source.url`, `Action` for a rule of
    the whole action; no values, no messages); the type for any other error. `to_card` builds
    the parts one model at a time, so the path is the part's own."""
    if isinstance(error, ValidationError):
        return sorted(
            {".".join([error.title, *(str(part) for part in e["loc"])]) for e in error.errors()}
        )
    return [type(error).__name__]
