"""Whether a result under a code this service does not know IS a screen's self-harm question
(PHQ-9 item 9, EPDS item 10) or another depression screen (PHQ-8), by its words.

Review s22 RR finding 7: a row was taken for the item whenever its text held the item's words
anywhere. An Epic nursing row "Nursing: PHQ-9 reviewed, patient denies thoughts of hurting yourself
or being better off dead" = "Denies", and a count row "Follow-up calls made after PHQ-9 item on
thoughts you would be better off dead" = "2", each raised "PHQ-9 item 9 answer ... could not be
read: ... assess suicide risk today": a warning that is noise, since neither row is the question.
A row names the item now only when its words are the row's question (data/screen_item_terms.csv,
`match` column):

- `question` words (the item's wording, "Thoughts that you would be better off dead ...") count
  when the row's question BEGINS with them, after what may come before a question in a row label
  (data/screen_row_words.csv `lead`: the instrument's name, the item's number, the form's stem
  "Over the last two weeks, how often have you been bothered by"), or anywhere in a row that also
  names the item by its number ("Q9", "item 9": `number` rows of the same instrument);
- `name` words (the item named with its instrument, "PHQ-9 Q9"; a screen's name, "PHQ-8") count
  anywhere;
- `form` words (a site's short label of the item, "Suicidal thoughts", "Thoughts of harming
  self") never count in a row: they say the item only on a form whose other items are the
  instrument's (phq9_form_item9.py, epds_forms.py: review s28 K13 findings, session 28 fix
  fx-forms3), read by `form_named` at the start of the item's text; a `question` term inside
  such a label at the text's start still counts ("Thoughts of being better off dead ...": the
  question's "better off dead"; recheck K14 s28 finding 2);
- a row that reads as a note or a task about the screen rather than its question ("reviewed",
  "denies", "follow-up", "calls": `note` rows) names nothing, whatever else it holds.

Every match is also not negated (tms_safety.negated, as scale_lookalike.py reads a scale's name).
Why not looser: a row wrongly taken for the item raises a suicide-risk warning on every chart
that carries it, while the real item is still read from its own row (LOINC-coded, or its own
local row whose label is the question); the note rows rejected here are about a screen whose
answers are filed elsewhere.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from fhir_mapping.fhir_fields import code_texts
from fhir_mapping.tms_safety import negated, normalise_text

Resource = Mapping[str, Any]

SELF_HARM = "self-harm"
SCREEN = "screen"
QUESTION = "question"  # the item's wording: at the start of the row's question, or with its number
NAME = "name"  # the item or screen named outright: anywhere
FORM = "form"  # a short label of the item: on a form worded as its instrument only (docstring)

# Between two parts of a row label ("PHQ-9 Q9: Thoughts", "9. Thoughts"): no letter or digit.
_GAP = r"[^a-z0-9]*"


@dataclass(frozen=True, slots=True)
class Term:
    pattern: re.Pattern[str]  # the words anywhere (whole words)
    kind: str  # SELF_HARM | SCREEN
    instrument: str  # "PHQ-9", "EPDS", "PHQ-8"
    item: str  # "item 9", "item 10"; "" for a screen
    match: str  # QUESTION | NAME | FORM
    # QUESTION only: the words at the start of the row's question (after any leads).
    opening: re.Pattern[str] | None = None


def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{name}")
    return list(csv.DictReader(text.read_text("utf-8").splitlines()))


def _words(rows: list[dict[str, str]], kind: str, instrument: str | None = None) -> list[str]:
    """The normalised words of one kind of data/screen_row_words.csv, longest first (so that
    "phq 9" is tried before "phq")."""
    found = {
        normalise_text(row["word"])
        for row in rows
        if row["kind"] == kind and (instrument is None or row["instrument"] == instrument)
    }
    return sorted(found, key=len, reverse=True)


def _either(words: list[str]) -> str:
    """One regex of `words`, their words apart by any spaces or punctuation ("two weeks, how")."""
    return "(?:" + "|".join(r"[^a-z0-9]+".join(map(re.escape, w.split())) for w in words) + ")"


@cache
def _leads() -> str:
    """What may come before a question in a row label, any number of times, as a regex."""
    return rf"(?:{_GAP}{_either(_words(_csv('screen_row_words.csv'), 'lead'))}\b)*{_GAP}"


@cache
def _numbers(instrument: str) -> re.Pattern[str] | None:
    """The item's number, named ("q9", "item 9"), for `instrument`; None when the table has
    none."""
    words = _words(_csv("screen_row_words.csv"), "number", instrument)
    return re.compile(rf"\b{_either(words)}\b") if words else None


@cache
def _notes() -> re.Pattern[str]:
    """Words of a note or task row about a screen (module docstring)."""
    return re.compile(rf"\b{_either(_words(_csv('screen_row_words.csv'), 'note'))}\b")


@cache
def terms() -> tuple[Term, ...]:
    """The table's terms, self-harm questions first (a row naming both is a self-harm answer)."""
    rows = _csv("screen_item_terms.csv")
    rows.sort(key=lambda row: row["kind"] != SELF_HARM)
    found: list[Term] = []
    for row in rows:
        words = re.escape(normalise_text(row["term"]))
        opening = re.compile(rf"^{_leads()}{words}\b") if row["match"] in (QUESTION, FORM) else None
        found.append(
            Term(
                re.compile(rf"\b{words}\b"),
                row["kind"],
                row["instrument"],
                row["item"],
                row["match"],
                opening,
            )
        )
    return tuple(found)


@cache
def self_harm_item(instrument: str) -> str:
    """The self-harm question's number in `instrument` ("item 9" for the PHQ-9, "item 10" for
    the EPDS), from data/screen_item_terms.csv; "" for a screen read as a whole (the C-SSRS) and
    for a question of no scale (form_self_harm.INSTRUMENT, recheck K14 s28 finding 4)."""
    for term in terms():
        if term.kind == SELF_HARM and term.instrument == instrument:
            return term.item
    return ""


def _names(term: Term, text: str) -> bool:
    """Whether one normalised text names `term` (module docstring), not negated."""
    matches = [m for m in term.pattern.finditer(text) if not negated(text, m.start(), m.end())]
    if not matches or term.match == FORM:
        return False  # a form's short label names nothing in a row (module docstring)
    if term.match != QUESTION:
        return True
    if term.opening is not None and term.opening.match(text):
        return True
    if _in_form_label(term, text, matches):
        return True
    numbers = _numbers(term.instrument)
    return numbers is not None and numbers.search(text) is not None


def _in_form_label(term: Term, text: str, matches: list[re.Match[str]]) -> bool:
    """Whether a question term's words lie inside a `form` label of its instrument that the text
    begins with ("Thoughts of being better off dead or hurting yourself": the form row
    "thoughts of being better off dead" holds the question's "better off dead"). The form row
    alone is refused off a form worded as its instrument, but the question's own words still
    name the item, as they would at the start (recheck K14 s28 finding 2: a PHQ-2 + item 9
    form answered "Nearly every day" raised nothing)."""
    for form in terms():
        if form.match != FORM or form.instrument != term.instrument or form.opening is None:
            continue
        found = form.opening.match(text)
        if found and any(m.end() <= found.end() for m in matches):
            return True
    return False


def named(resource: Resource) -> Term | None:
    """The first term (self-harm questions first) an Observation's texts name as the row's
    question or name (module docstring); None for a note or task row about a screen."""
    return named_in(code_texts(resource))


def named_in(raw_texts: Iterable[str]) -> Term | None:
    """`named` of any texts: a form item's or an Observation component's question (epds_forms.py)
    is held to the same rule as a row's."""
    firsts = [_first_named(raw) for raw in raw_texts]
    found = [i for i in firsts if i is not None]
    return terms()[min(found)] if found else None


@lru_cache(maxsize=4096)
def _first_named(raw: str) -> int | None:
    """The index in terms() of the first term one text names, None for none or a note.
    Remembered by the text as sent: a form's item wordings repeat on every form of a chart and
    across charts (every item of every QuestionnaireResponse and every Observation component is
    asked: phq9_form_item9.py, epds_forms.py), and the answer depends on the text and the table
    alone. The first term over several texts is the least index."""
    text = normalise_text(raw)
    if _notes().search(text):
        return None
    return next((i for i, term in enumerate(terms()) if _names(term, text)), None)


@lru_cache(maxsize=4096)
def self_harm_words(raw: str) -> bool:
    """Whether one text holds the words of any self-harm term of the table, any instrument and
    any `match`, anywhere, not negated and not a note: the safety net's wider reading of a form
    item no reader takes (form_self_harm.py; recheck K14 s28 finding 4), never a row's."""
    text = normalise_text(raw)
    if _notes().search(text):
        return False
    return any(
        not negated(text, m.start(), m.end())
        for term in terms()
        if term.kind == SELF_HARM
        for m in term.pattern.finditer(text)
    )


@lru_cache(maxsize=4096)
def denies_self_harm(raw: str) -> bool:
    """Whether one text (a form's answer) names the words of a self-harm term of the table and
    every one it names is negated ("No SI", "Denies SI/HI": tms_safety.negated, the project's
    NegEx reading): a denial, the lowest answer of the safety net (form_self_harm_answers.py;
    review s29 K16 chart f16). A text that also names one not negated ("denies SI, past suicide
    attempt") is none."""
    text = normalise_text(raw)
    found = [
        negated(text, m.start(), m.end())
        for term in terms()
        if term.kind == SELF_HARM
        for m in term.pattern.finditer(text)
    ]
    return bool(found) and all(found)


def form_named(raw_texts: Iterable[str], instrument: str) -> Term | None:
    """The `form` term of `instrument` (a self-harm item's short label, module docstring) that
    one of the texts begins with, not negated and not a note; None when none. The caller has
    found the form worded as the instrument."""
    texts = [normalise_text(raw) for raw in raw_texts]
    notes = _notes()
    texts = [text for text in texts if not notes.search(text)]
    for term in terms():
        if term.match != FORM or term.instrument != instrument or term.opening is None:
            continue
        for text in texts:
            found = term.opening.match(text)
            if found and not negated(text, found.start(), found.end()):
                return term
    return None
