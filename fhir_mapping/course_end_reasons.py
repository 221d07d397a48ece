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
from fhir_mapping.text_bounds import SENTENCE_OR_MARK, span_after
from fhir_mapping.tms_safety import normalise_text

Resource = Mapping[str, Any]

_PAUSED = frozenset({"stopped", "on-hold"})
# Words that deny a remission or completion term before it ("no remission", "not yet in remission":
# `negated_before` rows, a few words back) or right after it ("Remission not achieved", "remission
# was not reached", "Remission: N", "Remission criteria not met": `denied_after` rows, after an
# optional `denied_after_subject` and `denied_after_verb`, or a question mark) live in
# data/course_end_reasons.csv (recheck K24c, K25a s30, K27b s31; logic as data, recheck K28a s31).
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
def _words(meaning: str) -> tuple[str, ...]:
    text = (
        resources.files("fhir_mapping").joinpath("data/course_end_reasons.csv").read_text("utf-8")
    )
    rows = csv.DictReader(text.splitlines())
    return tuple(row["term"].lower() for row in rows if row["meaning"] == meaning)


@cache
def _terms(meaning: str) -> re.Pattern[str]:
    return whole_words(_words(meaning))


def _either(meaning: str) -> str:
    """A regex alternation of a meaning's words, longest first, without whole_words' plural "s"
    ("no" is not "nos"). A one-letter answer ("Remission: N") is no variable's name ("n = 12")."""
    words = sorted(_words(meaning), key=len, reverse=True)
    return "|".join(re.escape(w) + (r"(?!\s*=)" if len(w) == 1 else "") for w in words)


@cache
def _negated() -> re.Pattern[str]:
    """A negation a few words before the term: "no remission", "not yet in remission"."""
    return re.compile(rf"\b(?:{_either('negated_before')})\b(?:\W+\w+){{0,2}}\W*$")


@cache
def _denied_after() -> re.Pattern[str]:
    """A denial right after the term: "Remission not achieved", "remission was not reached",
    "Remission: N", "Remission criteria not met", "Remission?"."""
    subject = _either("denied_after_subject")
    verb = _either("denied_after_verb")
    return re.compile(
        rf"^(?:\W*(?:(?:{subject})\s+)?(?:(?:{verb})\s+)?"
        rf"(?:{_either('denied_after')})\b|\s*\?)"
    )


def _voided(words: str, start: int, end: int) -> bool:
    """A term negated before or after it, or a remission not reached ("partial remission",
    "goal was remission": the `not_remission` words just before it)."""
    before = words[:start]
    if _negated().search(before) or _denied_after().search(words[end:]):
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
    leads = [*_terms("cut_short_lead").finditer(lower)]
    leads += (m for m in _terms("cut_short_bare").finditer(lower) if not _names_other(lower, m))
    return any(
        _CLAUSE_START.search(lower[: m.start()]) and not _voided(lower, m.start(), m.end())
        for m in leads
    )


def _names_other(lower: str, lead: re.Match[str]) -> bool:
    """Whether a `cut_short_bare` lead ("Not completed") names in its sentence something else
    not completed (`other_task` rows: "Not completed: PHQ-9 at session 10"): then it says nothing
    of the course (recheck K28a s31: a 18-day course read "stopped after 18 days")."""
    rest = span_after(lower, lead.end(), SENTENCE_OR_MARK)
    return _terms("other_task").search(rest) is not None


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
