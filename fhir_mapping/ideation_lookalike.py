"""Suicidal-ideation words that name something else by the words around them (session 31 fix
forms36; each raised the critical suicide-risk card):

- a living arrangement: "Doesn't want to live with her mother", "doesn't want to live alone",
  "does not want to live there anymore". A `living_term` ("want to live") followed by "with"
  and a person (data/self_harm_terms.csv `relative`, after its `relative_lead` words: "her
  mother", "his parents", "roommate") or by a `living_place` ("alone", "at home", "there") says
  where or with whom the patient will not live, not that they do not want to be alive. "Doesn't
  want to live", "doesn't want to live like this", "doesn't want to live with this pain" stay
  ideation (C-SSRS item 1, wish to be dead): only a person or a place ends the wish there;
- counselling: "Lethal dose of lithium discussed with pharmacist", "Educated on lethal dose":
  a `counsel_term` ("lethal dose") in a sentence (up to a full stop or semicolon) with a
  `counsel` word ("discussed", "counselled", "educated") is the clinician's safety advice, as
  lithium's narrow therapeutic index asks (NICE CG185 1.10.x lithium monitoring), not the
  patient's search for a method. Unless the sentence also holds an `inquiry` word ("asked",
  "googled", "researched", "wants to know"): "Pt asked about lethal dose, discussed with
  pharmacist" is preparatory behaviour (C-SSRS), read.

The phrases are blanked, same length, before the diagnosis terms are read (diagnosis_text.py),
as the look-alike rows of diagnosis_terms.csv are. Where the words leave it open the mention is
read: a false critical card is noise, a missed wish to die is the unsafe mistake. The words are
data (data/ideation_context_terms.csv; the persons data/self_harm_terms.csv's).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.text_negation import normalise_text

__all__ = ["blank_other_meanings"]

_SENTENCE_END = re.compile(r"[.;]")


def _rows(name: str, column: str) -> dict[str, list[str]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{name}").read_text("utf-8")
    found: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        found.setdefault(row[column], []).append(normalise_text(row["term"]))
    return found


def _alternation(terms: list[str]) -> str:
    # A closing "*" any ending ("counsel*"), else the whole word; longest first.
    ordered = sorted(terms, key=len, reverse=True)
    return "|".join(
        re.escape(t.rstrip("*")) + (r"\w*" if t.endswith("*") else r"\b") for t in ordered
    )


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(living arrangement, counsel term, counsel word, inquiry word): module docstring."""
    own = _rows("ideation_context_terms.csv", "role")
    persons = _rows("self_harm_terms.csv", "role")
    lead = _alternation(persons.get("relative_lead", []))
    person = rf"with\s+(?:(?:{lead})\s+)*(?:{_alternation(persons.get('relative', []))})"
    living = re.compile(
        rf"\b(?:{_alternation(own['living_term'])})\s+"
        rf"(?:{person}|(?:{_alternation(own['living_place'])}))"
    )
    return (
        living,
        re.compile(rf"\b(?:{_alternation(own['counsel_term'])})"),
        re.compile(rf"\b(?:{_alternation(own['counsel'])})"),
        re.compile(rf"\b(?:{_alternation(own['inquiry'])})"),
    )


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def blank_other_meanings(text: str) -> str:
    """`text` (normalised) with each living arrangement and counselled lethal dose blanked, same
    length (module docstring)."""
    living, term, counsel, inquiry = _patterns()
    for m in reversed(list(living.finditer(text))):
        text = _blank(text, m.start(), m.end())
    offset = 0
    for sentence in _SENTENCE_END.split(text):
        if counsel.search(sentence) and not inquiry.search(sentence):
            for m in reversed(list(term.finditer(sentence))):
                text = _blank(text, offset + m.start(), offset + m.end())
        offset += len(sentence) + 1
    return text
