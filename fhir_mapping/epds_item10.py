"""An EPDS item 10 answer given as its words (session 28 fix fx-selfharm2).

EPDS item 10, "The thought of harming myself has occurred to me", is answered "Yes, quite often"
(3), "Sometimes" (2), "Hardly ever" (1) or "Never" (0) (Cox JL et al. Br J Psychiatry
1987;150:782-6; data/epds_item10_answers.csv). Such a row under a code not known was an unread
answer whatever it said (screen_lookalike.py): "Yes, quite often" raised only the warning "could
not be read: check it in the chart", where a PHQ-9 item 9 of 3 raises the critical card. Now the
words are read as the answer, 0-3, and the suicide-risk rule takes it as it takes a PHQ-9 item 9
of the same place on the scale (services/risk_events.py words it "EPDS item 10 = 3 (yes, quite
often)"): "Hardly ever" asks for a risk assessment today (any answer above Never is followed
up), "Sometimes" and "Yes, quite often" as the PHQ-9's 2 and 3 do, and "Never" raises nothing.

Only the words are read: no LOINC answer code of the item could be confirmed, so a code is
never a reading (a number is not either: sites number their lists differently). A
valueCodeableConcept is read when every display and its text that name an answer name the same
one; two answers disagree and the answer stays unread (the "check it in the chart" card, as
answer_concept.py does for the PHQ-9). A "Never" is read only when every part says it: any
other words beside it ("Never (see note)") leave it unread, as a PHQ-9 0 is (a negative read
from doubtful words silences the card).

Session 28 fix fx-forms2 (review K10 findings 2 and 4): an answer with a question mark
("Never?") is the writer's doubt, not an answer: unread (the unread warning), as a C-SSRS level
with one is (suicide_screen_answers._UNCERTAIN); punctuation aside it read as a settled "Never"
and silenced the item. A doubted positive answer ("Sometimes?", "Yes, quite often?") still reads
as that answer: either way the item is above "Never", and reading it as unread would lower a
critical card to a warning (the lead's recheck of that fix). An Epic display that carries the answer's score, "3 - Yes, quite often",
"Yes, quite often (3)", "0 - Never", is read as its words when the number is the score those
words have (data/epds_item10_answers.csv); a number that disagrees ("1 - Yes, quite often")
leaves the answer unread: one of the two is wrong.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.fhir_fields import JSON_OBJECT, codings

__all__ = ["Item10Answer", "answer", "answers", "plain", "split_score"]

INSTRUMENT = "EPDS"


@dataclass(frozen=True, slots=True)
class Item10Answer:
    value: int
    display: str  # the form's words, for the card ("Yes, quite often")
    escalate: bool  # worded as the PHQ-9's "higher suicide risk" (data table source)


_PUNCTUATION = re.compile(r"[^\w\s]")
# A question mark: the writer was not sure of the answer (module docstring).
_UNCERTAIN = "?"
# The answer's score written beside its words (module docstring): "3 - Yes, quite often",
# "Yes, quite often (3)".
_SCORE_FIRST = re.compile(r"^\s*(\d+)\s*-\s*(.+)$", re.DOTALL)
_SCORE_LAST = re.compile(r"^(.+?)\s*\(\s*(\d+)\s*\)\s*$", re.DOTALL)


def plain(text: str) -> str:
    """Case folded, punctuation as space, runs of space as one: "Yes, quite often." ->
    "yes quite often"."""
    return " ".join(_PUNCTUATION.sub(" ", text.casefold()).split())


@cache
def _rows() -> tuple[dict[str, str], ...]:
    text = resources.files("fhir_mapping").joinpath("data/epds_item10_answers.csv")
    return tuple(csv.DictReader(text.read_text("utf-8").splitlines()))


@cache
def _by_words() -> dict[str, int]:
    return {plain(row["words"]): int(row["value"]) for row in _rows()}


def split_score(text: str) -> tuple[int | None, str]:
    """An answer's words and the score written beside them (module docstring): "3 - Yes, quite
    often" -> (3, "Yes, quite often"); (None, text) when none. Shared with phq9_form_item9.py
    (a PHQ-9 item 9 answer "3 - Nearly every day")."""
    first, last = _SCORE_FIRST.match(text), _SCORE_LAST.match(text)
    if first:
        return int(first.group(1)), first.group(2)
    if last:
        return int(last.group(2)), last.group(1)
    return None, text


def _worded(text: str) -> int | None:
    """The answer one text gives (module docstring): its words, with a score beside them that
    agrees, else None."""
    doubted = _UNCERTAIN in text
    number, words = split_score(text.replace(_UNCERTAIN, " "))
    value = _by_words().get(plain(words))
    if value is None or (number is not None and number != value):
        return None
    # A doubted "Never" is no answer; a doubted positive answer is still one (the safer reading).
    return None if doubted and value == 0 else value


@cache
def answers() -> dict[int, Item10Answer]:
    """Each score of the item -> its answer (the first row of that score: the form's words)."""
    found: dict[int, Item10Answer] = {}
    for row in _rows():
        value = int(row["value"])
        found.setdefault(
            value, Item10Answer(value, row["display"], row["escalate"].strip() == "true")
        )
    return found


def answer(resource: Mapping[str, Any]) -> int | None:
    """The item 10 answer (0..3) an Observation's value gives in words, else None (module
    docstring)."""
    text = resource.get("valueString")
    if isinstance(text, str):
        return _worded(text)
    concept = resource.get("valueCodeableConcept")
    if not isinstance(concept, JSON_OBJECT):
        return None
    parts = [display for _, _, display in codings(concept) if display]
    if isinstance(concept.get("text"), str):
        parts.append(concept["text"])
    named = {_worded(part) for part in parts if plain(part) or _UNCERTAIN in part}
    read = named - {None}
    if len(read) != 1:
        return None
    value = next(iter(read))
    if value == 0 and None in named:
        return None  # "Never" beside other words: not read (module docstring)
    return value
