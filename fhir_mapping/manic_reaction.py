"""Whether a recorded reaction or stop reason says mania or hypomania (review 10 finding 4): the
one judgement of a manic reaction.

A manic or hypomanic switch on an antidepressant is more than an intolerance: it is the strongest
marker of bipolarity (CANMAT 2023 para 184: re-evaluate for missed bipolar disorder; DSM-5 counts
a full manic episode that outlasts the antidepressant's effect as bipolar I). The manifestation
counts by a code of data/mania_reactions.csv or a bipolar code of data/condition_codes.csv, or by
words ("mania", "manic", "hypomanic"; not negated). A reaction coded SNOMED 231494001 with no
words, or with words that say something else, is a switch as much as one typed "mania".

`says_mania` decides both the bipolar finding (mania_findings.py) and
`Intolerance.manic_reaction` (intolerance.py), which makes the course the reaction ended a manic
switch, never a failed trial (trial_record). An allergy recorded against an antidepressant class
("SSRIs") counts for mania too (`antidepressant_classes`).
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

from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.concept_words import concept_label, concept_words, whole_words
from fhir_mapping.fhir_fields import array, codings, parse_date
from fhir_mapping.record import FindingKind
from fhir_mapping.tms_safety import negated, normalise_text

_BIPOLAR = FindingKind.BIPOLAR


@dataclass(frozen=True, slots=True)
class _Mania:
    codes: Mapping[tuple[str, str], str]  # (canonical system, lower-case code) -> its term
    terms: re.Pattern[str]  # words of a manifestation that says mania or hypomania
    classes: re.Pattern[str]  # antidepressant class names an allergy may be recorded against


@cache
def _mania() -> _Mania:
    text = resources.files("fhir_mapping").joinpath("data/mania_reactions.csv").read_text("utf-8")
    codes: dict[tuple[str, str], str] = {}
    terms: list[str] = []
    classes: list[str] = []
    for row in csv.DictReader(text.splitlines()):
        if row["kind"] == "code":
            codes[(canonical_system(row["system"]), row["code"].strip().lower())] = row["term"]
        elif row["kind"] == "term":
            terms.append(normalise_text(row["term"]))
        elif row["kind"] == "drug-class":
            classes.append(normalise_text(row["term"]))
    return _Mania(codes, whole_words(terms), whole_words(classes))


def antidepressant_classes() -> re.Pattern[str]:
    """The antidepressant class names an allergy may be recorded against ("SSRIs")."""
    return _mania().classes


def says_mania(concept: object) -> tuple[str, str, str] | None:
    """(system, code, label) of a reaction that says mania or hypomania, else None: the one
    judgement of a manic reaction, for the bipolar finding (reaction_findings) and for the
    intolerance that makes the course it ended a switch (`Intolerance.manic_reaction`). A coding
    of data/mania_reactions.csv or a bipolar code of data/condition_codes.csv (F30.x: manic
    episode) wins, named by its code and labelled by what the code says (its display, else the
    table's term: the text beside a code may say something else, "Agitated, not sleeping"); else
    the words, not negated ("no mania"), as typed ("text", "")."""
    if not isinstance(concept, Mapping):
        return None
    inner = concept.get("concept")
    said: Mapping[str, Any] = inner if isinstance(inner, Mapping) else concept  # R5 reference
    table = _mania()
    for system, code, display in codings(said):
        term = table.codes.get((system, code.lower()))
        if term is None:
            term = next(
                (row.display for row in condition_matches(system, code) if row.kind is _BIPOLAR),
                None,
            )
        if term is not None:
            return system, code, display.strip() or term
    words = concept_words(said)
    match = mania_words(words)
    if match is not None:
        return "text", "", concept_label(said) or match.group(0)
    return None


def mania_words(words: str) -> re.Match[str] | None:
    """The first word of `words` (normalise_text output) that says mania or hypomania
    (data/mania_reactions.csv terms) and is not negated ("no mania", "denies hypomania"), else
    None: the word half of `says_mania`, shared with the notes reader (mania_notes.py)."""
    for match in _mania().terms.finditer(words):
        if not negated(words, match.start(), match.end()):
            return match
    return None


def allergy_mania(resource: Mapping[str, Any]) -> tuple[tuple[str, str, str], date | None] | None:
    """The first manifestation that says mania or hypomania, with its reaction's onset."""
    for reaction in array(resource.get("reaction")):
        if not isinstance(reaction, Mapping):
            continue
        for concept in array(reaction.get("manifestation")):
            said = says_mania(concept)
            if said is not None:
                return said, parse_date(reaction.get("onset"))
    return None
