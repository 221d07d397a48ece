"""An item 9 answer sent with a data-absent-reason instead of a value, worded as what the record
shows (review K59b finding 7): "PHQ-9 item 9 on 2026-11-15 declined: ask it or assess", not "could
not be read ... look at it in the chart", since the chart holds nothing more than the refusal.

The reason is the one the score reader wrote into the answer's data-gap line
(fhir_mapping/score_unread_reason.py); the words are data/item9_absent_answers.csv's, for the
codes that say the patient was not asked or did not answer (asked-declined, asked-unknown,
not-asked, not-performed). The others (unknown, error, masked ...) keep the unread wording: a
value may exist in the chart. The level stays a warning (UNREAD): a declined answer may be a
yes, the safer reading.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterable
from functools import cache
from importlib import resources

from fhir_mapping.record import DataDomain, PatientRecord
from fhir_mapping.score_unread_reason import absent_code
from services.risk_signal import RiskEvent


@dataclasses.dataclass(frozen=True, slots=True)
class AbsentAnswer:
    said: str  # "declined"
    act: str  # in full, after the lead
    brief: str  # in brief: "ask it or assess"
    advice: str  # the card's paragraph


@cache
def _rows() -> dict[str, AbsentAnswer]:
    text = resources.files("services").joinpath("data/item9_absent_answers.csv")
    return {
        r["code"]: AbsentAnswer(r["said"], r["act"], r["brief"], r["advice"])
        for r in csv.DictReader(text.read_text("utf-8").splitlines())
    }


def of(event: RiskEvent, record: PatientRecord) -> AbsentAnswer | None:
    """The absent answer `event` (an UNREAD item 9 answer) is, by its resource's gap; None for an
    answer that is unreadable, or sent with a reason the table does not word."""
    if event.source is None or event.past is not None or event.doubt:
        return None
    for gap in record.gaps_in(DataDomain.SCORES):
        if gap.source == event.source and (code := absent_code(gap.reason)):
            return _rows().get(code)
    return None


def worded(event: RiskEvent, record: PatientRecord) -> RiskEvent:
    """`event` with its lead and action saying the reason ("PHQ-9 item 9 on 2026-11-15
    declined"), or unchanged."""
    found = of(event, record)
    if found is None:
        return event
    day = event.day.isoformat() if event.day is not None else "an unknown date"
    name = event.short.split(" item ", 1)[0]
    short = f"{name} item 9 on {day} {found.said}"
    return dataclasses.replace(
        event,
        text=f"{short} ({event.source})",
        short=short,
        terse=(f"{name} item 9 {found.said}",),
        act=(found.act, found.brief),
    )


def only(events: Iterable[RiskEvent], record: PatientRecord) -> AbsentAnswer | None:
    """The absent answer every one of `events` is (all declined, all not asked), else None. The
    one reader of the reason for every card (fix data66 item 2): the optimise and TMS cards said
    "could not be read ... check it in the chart" of a declined item 9 the suicide-risk card
    already called declined."""
    found = {of(e, record) for e in events}
    return found.pop() if len(found) == 1 else None


def said_words() -> tuple[str, ...]:
    """What the table says of an absent answer ("declined", "not asked"), for the optimise
    card's summary step (rules/hold_words.py)."""
    return tuple(dict.fromkeys(a.said for a in _rows().values()))


def advice(events: list[RiskEvent], record: PatientRecord) -> str:
    """The card's paragraph when every UNREAD event is one absent answer; "" otherwise."""
    found = only(events, record)
    return found.advice if found is not None else ""
