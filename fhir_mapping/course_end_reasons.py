"""Whether a course's Procedure says the course was given as planned (recheck K18 s29 finding 3).

proca30 judged a TMS course documented as one Procedure over a period by the most sessions it
could hold at one a day (device_course_scores.most_daily_sessions): a course over fewer days than
policy.tms_min_course_sessions "stopped after N days, not an adequate course". That rule is for a
course that stopped: a `completed` one over 5 days ("Accelerated iTBS (SAINT) 50 sessions": ten
sessions a day, the FDA-cleared SAINT protocol: 10 a day for 5 days, Clinical TMS Society
statement, cleared 2022-09-06) was read as stopped, and so was one `stopped` because the patient remitted. R4
event-status `completed` says the procedure was given as planned; a `stopped` or `on-hold` one
whose statusReason says remission or completion (data/course_end_reasons.csv) ended the same way.
ProcedureRecord.completed carries it; the cards then say the course's length is to confirm,
never that it was not adequate (services/tms_course.py).

Negated words ("no remission", "not in remission") are no such reason.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping import course_protocols
from fhir_mapping.concept_words import concept_label, concepts, whole_words
from fhir_mapping.fhir_fields import codings
from fhir_mapping.tms_safety import normalise_text

Resource = Mapping[str, Any]

_PAUSED = frozenset({"stopped", "on-hold"})
# A negation a few words before the term: "no remission", "not yet in remission".
_NEGATED = re.compile(r"\b(?:no|not|without|never|failed to)\b(?:\W+\w+){0,2}\W*$")
# ... or right after it: "Remission not achieved", "remission was not reached" (recheck K24c s30),
# "Remission: no", "remission unlikely", "remission pending", "Remission?", "Remission targeted"
# (recheck K25a s30 finding 10).
# "Remission criteria not met", "Remission: N", "remission unachieved" (recheck K27b s31 finding
# 2: each read as a course ended as planned and withheld the TMS referral).
_DENIED_AFTER = re.compile(
    r"^(?:\W*(?:criteria\s+)?(?:was\s+|is\s+|were\s+)?"
    r"(?:not|never|no|n(?!\s*=)|unlikely|pending|targeted|doubtful|unachieved|unmet)\b|\s*\?)"
)
# Fewer sessions given than planned: "Only 12 of 36 sessions completed", "Incomplete course - 14
# of 36 sessions" (recheck K27b s31 finding 3): the course was cut short, and its "sessions
# completed" is no course completed.
_FEWER_OF = re.compile(
    r"\b(\d+)\s*(?:of|/|out of)\s*(\d+)\s*(?:planned\s+)?(?:sessions|treatments)\b"
)
# The start of a clause: where a `cut_short_lead` phrase with no subject of its own names the
# record's subject, the course ("Stopped early due to seizure").
_CLAUSE_START = re.compile(r"(?:^|[;.:!?\n])\W*$")


@cache
def _terms(meaning: str) -> re.Pattern[str]:
    text = (
        resources.files("fhir_mapping").joinpath("data/course_end_reasons.csv").read_text("utf-8")
    )
    rows = csv.DictReader(text.splitlines())
    return whole_words(row["term"].lower() for row in rows if row["meaning"] == meaning)


def _voided(words: str, start: int, end: int) -> bool:
    """A term negated before or after it, or a remission not reached ("partial remission",
    "goal was remission": the `not_remission` words just before it)."""
    before = words[:start]
    if _NEGATED.search(before) or _DENIED_AFTER.search(words[end:]):
        return True
    last = before.rstrip(" :-").rsplit(None, 3)
    return any(
        _terms("not_remission").fullmatch(" ".join(last[i:])) is not None for i in range(len(last))
    )


def _fewer_than_planned(lower: str) -> bool:
    return any(int(m.group(1)) < int(m.group(2)) for m in _FEWER_OF.finditer(lower))


def _says(words: str, meaning: str) -> bool:
    # "non-remission", "no-showed": a hyphen inside a word read as a space, as the tables spell it.
    lower = normalise_text(words)
    return any(not _voided(lower, m.start(), m.end()) for m in _terms(meaning).finditer(lower))


def _says_cut_short(words: str) -> bool:
    lower = normalise_text(words)
    if _says(lower, "cut_short") or _fewer_than_planned(lower):
        return True
    return any(
        _CLAUSE_START.search(lower[: m.start()]) and not _voided(lower, m.start(), m.end())
        for m in _terms("cut_short_lead").finditer(lower)
    )


def _says_completed(words: str) -> bool:
    return _says(words, "as_planned") and not _fewer_than_planned(normalise_text(words))


def _words_of(resource: Resource) -> list[str]:
    """The free words a Procedure gives about how it ended: statusReason, outcome, notes."""
    labels: list[str] = []
    for field in ("statusReason", "outcome"):
        for concept in concepts(resource.get(field)):
            labels += [concept_label(concept) or "", *(d for _, _, d in codings(concept))]
    notes = resource.get("note")
    for note in notes if isinstance(notes, list) else ():
        if isinstance(note, Mapping) and isinstance(note.get("text"), str):
            labels.append(note["text"])
    return labels


def cut_short(resource: Resource) -> bool:
    """A `completed` record whose own words say the course was cut short ("Course discontinued
    after 12 days due to scalp pain": recheck K21 s30 finding 8): worded "stopped", not
    "completed", since the sender's status is the less specific. Words of remission or
    completion beside them win (a course stopped early at remission ended as it should)."""
    labels = _words_of(resource)
    return any(_says_cut_short(label) for label in labels) and not any(
        _says_completed(label) for label in labels
    )


def ended_as_planned(resource: Resource) -> bool:
    """`completed` naming an accelerated protocol, or `stopped` / `on-hold` with a statusReason
    that says remission or completion. A `completed` record of a standard protocol ("rTMS 10 Hz
    left DLPFC" over 12 days) gave one session a day: judged by its days as before (recheck
    K19b s29; course_protocols.py)."""
    status = resource.get("status")
    if status == "completed":
        return course_protocols.names(resource, "accelerated")
    if status not in _PAUSED:
        return False
    for concept in concepts(resource.get("statusReason")):
        labels = [concept_label(concept) or "", *(d for _, _, d in codings(concept))]
        if any(_says_completed(label) for label in labels):
            return True
    return False


def course_flags(resource: Resource, end: date | None) -> dict[str, Any]:
    """ProcedureRecord.completed (a record over a period given as planned), .recorded_completed
    (one whose status is `completed`) and .maintenance (a record named maintenance:
    course_protocols.py)."""
    return {
        "completed": end is not None and ended_as_planned(resource),
        "recorded_completed": end is not None
        and resource.get("status") == "completed"
        and not cut_short(resource),
        "maintenance": course_protocols.names(resource, "maintenance"),
    }
