"""An abbreviation of a diagnosis term written beside words of another meaning: "SI" (suicidal
ideation) beside the words of the sacroiliac joint (recheck K7 s28 finding 3).

"SI" is read as suicidal ideation (diagnosis_terms.csv, session 28 fix fx-selfharm2), but the
same two letters are the sacroiliac joint: "SI arthritis", "Left SI inj", "Sprain of left SI
ligament", "Low back pain radiating to SI region", "Sacroiliitis, SI", "SI tenderness on exam"
each raised the critical suicide-risk card. Listing every such phrase as a look-alike row does not
end (each anatomy word times each side, laterality, abbreviation), so the rule reads the context:
an abbreviation is not read when, in its own clause (up to a comma, full stop or semicolon),
one of its context words stands within two words `before` it (laterality: "left SI", "R SI" is
not read, a side names a body part) or `after` it (what the joint has: "SI joint", "SI inj",
"SI arthritis", "SI tenderness"), or when a `text` word stands anywhere in the text
("sacroili*": the text is about the sacroiliac joint). The words are data
(data/abbreviation_contexts.csv), not literals.

Why the context and not "SI only in psychiatric phrasing": psychiatric "SI" is mostly written
alone or with words that say nothing of anatomy ("+SI", "SI w/o plan", "passive SI", "c/o SI
after argument", "r/o SI"), and an ED reason is often that abbreviation alone; requiring a
psychiatric word beside it would miss the bare "SI" visit reason, the unsafe mistake. The
sacroiliac "SI" on the other hand is nearly always written with its anatomy or procedure. The
words were chosen so that a reason listing SI beside an unrelated complaint stays read: pain
counts only after SI ("SI pain"), not before ("Chest pain SI"), and a word of the back counts
only before it ("Low back pain radiating to SI", "back pain SI": recheck K11 s28 finding 4), so
"SI and back pain" is read, the safer mistake for a critical card.

"SI" is also serum iron, the shock index and the International System of Units (review s29 RQ3:
"Iron deficiency anemia, low SI and ferritin", "Low SI/TIBC ratio", "GI bleed, shock index (SI)
1.1", "Lab results reviewed in SI units" each raised the critical card). Read the same way: a
word of the iron studies, the shock index or a lab unit within two words of "SI" in its clause
("SI/TIBC", "SI and ferritin", "shock index (SI)", "SI units", "SI 40 ug/dL"; anemia only before
it: "anemia low SI"), or a `text` word naming the iron studies or the shock index anywhere
("ferritin", "TIBC", "transferrin", "serum iron", "shock index"). Anemia and iron deficiency are
no `text` words: an ED reason "Anemia, SI" names two complaints and stays read. Decision (safer
but quiet): a `text` word blanks only a bare "SI"; one with a `keep` word of its own meaning
within two words in its clause ("SI with plan", "passive SI", "SI/HI", "endorses SI") is read
whatever the text holds ("Ferritin low; SI with plan"; "Sacroiliitis; SI with plan" too).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.text_bounds import CLAUSE, span_after, span_before
from fhir_mapping.text_negation import term_pattern
from fhir_mapping.voices_verb import blank_voices_verb

__all__ = ["blank_out_of_context"]

# Words either side that are read (a laterality or what the joint has is the next word or one
# after: "left SI", "Sprain of left SI ligament", "SI jt dysfunction").
_NEAR_WORDS = 2
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class _Context:
    abbreviation: re.Pattern[str]
    before: tuple[re.Pattern[str], ...]
    after: tuple[re.Pattern[str], ...]
    text: tuple[re.Pattern[str], ...]
    # Words within `_NEAR_WORDS` that say the abbreviation means the diagnosis ("SI with plan",
    # "passive SI"): a `text` word does not blank it then (module docstring).
    keep: tuple[re.Pattern[str], ...]


def _word(term: str) -> re.Pattern[str]:
    # "inj*" -> any ending ("injection"); else the whole word.
    body = re.escape(term.rstrip("*")) + (r"[a-z0-9]*" if term.endswith("*") else "")
    return re.compile(r"^" + body + r"$")


def _in_text(term: str) -> re.Pattern[str]:
    return term_pattern(term)


@cache
def _contexts() -> tuple[_Context, ...]:
    data = resources.files("fhir_mapping").joinpath("data/abbreviation_contexts.csv")
    by_abbreviation: dict[str, dict[str, list[str]]] = {}
    for row in csv.DictReader(data.read_text("utf-8").splitlines()):
        sides = by_abbreviation.setdefault(row["abbreviation"].strip().lower(), {})
        sides.setdefault(row["side"], []).append(row["word"].strip().lower())
    return tuple(_context(abbreviation, sides) for abbreviation, sides in by_abbreviation.items())


def _context(abbreviation: str, sides: Mapping[str, list[str]]) -> _Context:
    return _Context(
        abbreviation=re.compile(r"\b" + re.escape(abbreviation) + r"\b"),
        before=tuple(_word(w) for w in sides.get("before", ())),
        after=tuple(_word(w) for w in sides.get("after", ())),
        text=tuple(_in_text(w) for w in sides.get("text", ())),
        keep=tuple(_word(w) for w in sides.get("keep", ())),
    )


def _any(words: list[str], patterns: tuple[re.Pattern[str], ...]) -> bool:
    return any(p.match(w) for w in words for p in patterns)


def _near(text: str, start: int, end: int) -> tuple[list[str], list[str]]:
    """The words within `_NEAR_WORDS` before and after text[start:end], in its clause."""
    before = _WORD.findall(span_before(text, start, CLAUSE))[-_NEAR_WORDS:]
    after = _WORD.findall(span_after(text, end, CLAUSE))[:_NEAR_WORDS]
    return before, after


def _out_of_context(text: str, start: int, end: int, context: _Context) -> bool:
    before, after = _near(text, start, end)
    return _any(before, context.before) or _any(after, context.after)


def _kept(text: str, start: int, end: int, context: _Context) -> bool:
    before, after = _near(text, start, end)
    return _any(before + after, context.keep)


def blank_out_of_context(text: str) -> str:
    """`text` (lower case, normalised) with each abbreviation written in another meaning's context
    blanked, same length (positions stay; module docstring). So is "voices" written as a verb
    ("pt voices told to RTC": voices_verb.py, fix text109), another meaning of a term's word."""
    text = blank_voices_verb(text)
    for context in _contexts():
        other_text = any(p.search(text) for p in context.text)
        for m in reversed(list(context.abbreviation.finditer(text))):
            if (other_text and not _kept(text, m.start(), m.end(), context)) or _out_of_context(
                text, m.start(), m.end(), context
            ):
                text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    return text
