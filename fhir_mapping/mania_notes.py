"""Mania or hypomania written in a Condition's note (review s23 RO finding 6): a bipolar-spectrum
mention, as the same words in the entry's own text are (condition_text.py).

Oracle Health problems carry the clinician's comments in `Condition.note`; an MDD entry (F33.1)
with the note "Hypomanic episode on sertraline 2025-04; psychiatry to review bipolar spectrum"
was read as unipolar depression, and an adjunct and a class switch were offered with no
bipolar-spectrum caution. Antidepressant-emergent hypomania is the strongest marker of a missed
bipolar disorder (CANMAT 2023 para 184: re-evaluate for bipolarity), so the note is read with the
words a manic reaction is read by (data/mania_reactions.csv, manic_reaction.mania_words) and the
shared negation reader (text_negation.py: "denies hypomania", "no history of mania" are not read).
The finding is marked TEXT_MENTION, as a bipolar word in a coded entry's text is: the cards say
the problem's text mentions possible bipolar disorder and name the note's words, never a bipolar
diagnosis on record, and the unipolar pathway waits until psychiatry settles it, the safer
reading.

A note that only instructs ("monitor for hypomania", "stop if manic": the `instruction` rows of
mania_reactions.csv, cue before the word in its clause) records no episode and is not read: a
caution in every SSRI note would otherwise stop every patient's pathway.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.condition_text import TEXT_MENTION
from fhir_mapping.fhir_fields import parse_date
from fhir_mapping.manic_reaction import mania_words
from fhir_mapping.record import Finding, FindingKind, SourceRef
from fhir_mapping.text_bounds import SENTENCE, pieces
from fhir_mapping.text_negation import normalise_text

# The longest clause the card quotes before cutting it ("..."): a note may run to paragraphs.
_QUOTE_CHARS = 120


@dataclass(frozen=True, slots=True)
class NoteMention:
    """The clause of a note that says mania or hypomania, as written, and the note's date."""

    words: str
    on: date | None


@cache
def _instructions() -> re.Pattern[str] | None:
    text = resources.files("fhir_mapping").joinpath("data/mania_reactions.csv").read_text("utf-8")
    cues = [
        normalise_text(row["term"])
        for row in csv.DictReader(text.splitlines())
        if row["kind"] == "instruction"
    ]
    if not cues:
        return None
    ordered = sorted(cues, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(c) for c in ordered) + r")\b")


def _notes(resource: Mapping[str, Any]) -> list[tuple[str, date | None]]:
    notes = resource.get("note")
    if not isinstance(notes, list):
        return []
    return [
        (n["text"], parse_date(n.get("time")))
        for n in notes
        if isinstance(n, Mapping) and isinstance(n.get("text"), str) and n["text"].strip()
    ]


def note_mania(resource: Mapping[str, Any], *, as_of: date) -> NoteMention | None:
    """The first clause of the resource's notes that says mania or hypomania, not negated and
    not an instruction; None when none does (nearly every entry: most have no note). A note
    dated after `as_of` is not read."""
    for text, on in _notes(resource):
        if on is not None and on > as_of:
            continue
        for clause in pieces(text, SENTENCE):
            words = normalise_text(clause)
            match = mania_words(words) if words else None
            if match is None:
                continue
            instruction = _instructions()
            if instruction is not None and instruction.search(words[: match.start()]):
                continue
            said = " ".join(clause.split())
            if len(said) > _QUOTE_CHARS:
                said = said[: _QUOTE_CHARS - 3].rstrip() + "..."
            return NoteMention(said, on)
    return None


def has_mania_note(resource: Mapping[str, Any]) -> bool:
    """Whether any note of the resource says mania or hypomania (whatever its date): a Condition
    whose code and text name nothing this service reads is kept for it (conditions.py)."""
    return "note" in resource and note_mania(resource, as_of=date.max) is not None


def note_finding(
    noted: NoteMention, label: str | None, source: SourceRef | None, state: str
) -> Finding:
    """The BIPOLAR finding of a Condition whose note says mania or hypomania (`label`: the
    entry's name as the chart wrote it): named by the note's words and the entry they are on,
    dated by the note (else undated: the entry's onset is its own diagnosis's), marked
    TEXT_MENTION so no card calls it a bipolar diagnosis on record. Counted whatever the entry's
    status, as bipolar words in its text are (condition_text.py: an episode is not undone)."""
    on = f" ({label})" if label else ""
    return Finding(
        kind=FindingKind.BIPOLAR,
        code="",
        system="text",
        display=f'note on the problem{on}: "{noted.words}"',
        onset=noted.on,
        source=source,
        state=state,
        verification=TEXT_MENTION,
    )
