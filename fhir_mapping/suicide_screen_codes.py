"""Which code is which C-SSRS question: the screen's codes and what each question asks.

The codes of the C-SSRS panel, its questions and the documented suicide risk level are rows of
data/observation_codes.csv (so the Observation prefetch asks for them); what each question asks,
whether it is about ideation, recent or lifetime behaviour, and whether a yes escalates, is
data/suicide_screen_items.csv. build.py's Observation routing table is made from
`screen_concepts`, so the tables stand apart from suicide_screen.py's reading of one day's screen.

An Observation under a code not known (an Epic flowsheet row under a site's local code, vendor
README trap 8) whose code text or a display asks a screener question in its own words
(data/suicide_screen_wording.csv: "Have you actually had any thoughts of killing yourself?") is
that question (`worded`), as PHQ-9 item 9 rows under local codes are named by their words
(screen_lookalike.py): recheck K21 s30 disc c6, such a row answered Yes was read by nothing and
the day's other answers made the screen negative.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.codes import observation_code_rows
from fhir_mapping.fhir_fields import LOINC, array, codings

_PANEL = "cssrs-panel"
_LEVEL = "suicide-risk-level"


@dataclass(frozen=True, slots=True)
class _Question:
    concept: str
    question: str
    meaning: str  # "ideation" | "behaviour" (recent) | "history" (lifetime)
    escalate: bool


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def questions() -> dict[str, _Question]:
    """Concept -> what the question asks (data/suicide_screen_items.csv)."""
    return {
        row["concept"]: _Question(
            concept=row["concept"],
            question=row["question"],
            meaning=row["meaning"],
            escalate=row["escalate"] == "yes",
        )
        for row in _read("suicide_screen_items.csv")
    }


@cache
def screen_concepts() -> frozenset[str]:
    """The concepts of data/observation_codes.csv read here: the C-SSRS panel, its questions and
    the suicide risk level."""
    return frozenset(questions()) | {_PANEL, _LEVEL}


@cache
def _concepts() -> dict[tuple[str, str], str]:
    """(system, code) -> concept for the C-SSRS panel, questions and the risk level."""
    wanted = screen_concepts()
    return {
        key: row.concept for key, row in observation_code_rows().items() if row.concept in wanted
    }


@cache
def _loinc_concepts() -> dict[str, str]:
    return {code: concept for (system, code), concept in _concepts().items() if system == LOINC}


@cache
def _wordings() -> tuple[tuple[str, str], ...]:
    """(the question's words, `_plain`, padded with spaces; its concept)."""
    rows = _read("suicide_screen_wording.csv")
    return tuple((f" {_plain(row['wording'])} ", row["concept"]) for row in rows)


def _plain(text: str) -> str:
    """Lower case, punctuation as spaces, one space between words."""
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def worded(concept: object) -> str | None:
    """The screener question an Observation's code asks in its words (module docstring): its
    text or a coding's display holds a row of data/suicide_screen_wording.csv; or None."""
    if not isinstance(concept, Mapping):
        return None
    texts = [concept.get("text"), *(display for _, _, display in codings(concept))]
    for text in texts:
        if not isinstance(text, str) or "you" not in text.lower():
            continue  # the cheap first look: every wording speaks to the patient
        plain = f" {_plain(text)} "
        for words, found in _wordings():
            if words in plain:
                return found
    return None


def _concept_of(concept: object) -> str | None:
    table = _concepts()
    for system, code, _ in codings(concept):
        found = table.get((system, code))
        if found is not None:
            return found
    return None


_MAX_DEPTH = 32  # deeper nesting is not a form a person filled in


def _link_concept(link_id: object) -> str | None:
    """LHC-Forms linkIds: "/93246-7", or a nested path whose last segment is the LOINC code."""
    if not isinstance(link_id, str):
        return None
    segments = [s for s in link_id.strip().split("/") if s]
    return _loinc_concepts().get(segments[-1]) if segments else None


def response_items(resource: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(concept, item) of every C-SSRS question or risk level in a response, at any depth."""
    stack: list[tuple[object, int]] = [(resource.get("item"), 0)]
    while stack:
        items, depth = stack.pop()
        if depth > _MAX_DEPTH:
            continue
        for item in array(items):
            if not isinstance(item, Mapping):
                continue
            concept = None
            for code in array(item.get("code")):
                concept = concept or _concept_of({"coding": [code]})
            concept = concept or _link_concept(item.get("linkId"))
            if concept is not None and concept != _PANEL:
                yield concept, item
            stack.append((item.get("item"), depth + 1))
            for answer in array(item.get("answer")):
                if isinstance(answer, Mapping):
                    stack.append((answer.get("item"), depth + 1))
