"""A quoted screening item with its negative answer after it names no finding (recheck K24a and
K25b s30; session 30 fixes forms34, forms35).

'PHQ-9 item 9 "better off dead": not at all' and 'PHQ-9 item 9 "Thoughts that you would be
better off dead, or of hurting yourself in some way": 0' quote the item's own wording, which
holds suicidal-ideation terms, with the answer 0 ("Not at all"): no ideation. The quoted words
and the answer are blanked before the diagnosis terms are read (diagnosis_text.py), same length;
so are the item's words unquoted after a `lookalike_item` lead up to a colon ('PHQ-9 item 9
better off dead: not at all').
Only the negative answer itself is quiet: when the words after it hold an `lookalike_undo` row
of data/diagnosis_terms.csv (a later score 1-3, "yes", "several days", "nearly every day": '0 on
10/1, 3 today', ': 0 -> 2') or inside the item's words, nothing is blanked and the item is read, the safer mistake. A
number inside a date ("10/1") is no score. The answers are rows of kind `lookalike_answer`.

Only a CURRENT later score undoes (recheck K27a s31; session 31 fix sib37): '"Better off dead":
not at all (previously 3)', '... not at all; last visit 3', '... 0 today (3 on 11/1)' were
critical, though today's answer is 0. A later score is a past one when a `lookalike_undo_past`
word ("previously", "last visit", "was") stands right before it in its part of the clause (at
most one word between: "last visit was 3") or right after it ("3 previously", "3 at last
visit"), or when a day follows it ("3 on 11/1") and a `lookalike_answer_now` word ("today")
follows the negative answer itself. A `lookalike_answer_now` word beside the later score ("3
today", "now 3") makes it current whatever else is said: '"better off dead": 0 on 10/1, 3 today'
stays read. A dated later score beside an undated answer ("0 (3 on 11/1)") still undoes: which
is today's the words do not say, so the item is read.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.text_negation import normalise_text

__all__ = ["blank_answered_items", "blank_quoted_negatives"]


def _terms(kind: str) -> list[str]:
    text = resources.files("fhir_mapping").joinpath("data/diagnosis_terms.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return sorted(
        (normalise_text(r["term"]) for r in rows if r["kind"] == kind), key=len, reverse=True
    )


def _alternation(terms: list[str]) -> str:
    # A closing "*" any ending ("endorse*"), else the whole word.
    return "|".join(re.escape(t.rstrip("*")) + (r"\w*" if t.endswith("*") else "") for t in terms)


@cache
def _words(kind: str) -> re.Pattern[str]:
    """The rows of one kind as whole words ("(?!x)x", matching nothing, when there are none)."""
    terms = _terms(kind)
    return re.compile(rf"(?:{_alternation(terms)})(?![\w'])") if terms else re.compile(r"(?!x)x")


# Where the part of a clause before a later score starts: "(previously 3)", "; last visit 3".
_PART_START = re.compile(r"[,;(/]|->")
# A day after a score: "3 on 11/1", "3 on 2026-11-01", "3 (11/1)".
_DATED = re.compile(r"\s*(?:on\s+|\(\s*)?\d{1,4}[/-]\d{1,2}")


@cache
def _timing() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a past word right before a score, a past word right after one); `_words` of the rows."""
    past = _words("lookalike_undo_past").pattern
    return (
        re.compile(rf"(?<![\w'])(?:{past})\s*:?\s*(?:[\w']+\s+)?$"),
        re.compile(rf"^\s*:?\s*(?:{past})"),
    )


def _current(text: str, answer_end: int, start: int, end: int) -> bool:
    """Whether the later score at text[start:end] is a current one (module docstring)."""
    now = _words("lookalike_answer_now")
    before = _PART_START.split(text[answer_end:start])[-1]
    after = text[end:]
    if now.match(after.lstrip(" :")) or re.search(rf"(?<![\w'])(?:{now.pattern})\s*:?\s*$", before):
        return True  # "3 today", "now 3"
    past_before, past_after = _timing()
    if past_before.search(before) or past_after.match(after):
        return False  # "previously 3", "last visit 3", "3 at last visit"
    # "0 today (3 on 11/1)": the answer is today's, the dated score an earlier one.
    return not (_DATED.match(after) and now.match(text[answer_end:].lstrip(" :")))


def _led() -> str:
    """An item's words unquoted after a `lookalike_item` lead, up to a colon or a free-standing
    dash ("item 9 better off dead: 0", "EPDS Q10 The thought of harming myself ... - never":
    recheck K52a s36 finding 8, session 36 fix text74)."""
    return rf"\b(?:{_alternation(_terms('lookalike_item'))})\b[^:;.\"]*(?=:|\s-\s)"


@cache
def _answered() -> re.Pattern[str] | None:
    """A screening item after a `lookalike_item` lead with its negative answer: the unquoted
    form alone, for the self-harm words (self_harm_text.py). A quote with "no" after it is left
    ('says "I took 30 pills" no one knows' is a report, not an answered item)."""
    answers, leads = _terms("lookalike_answer"), _terms("lookalike_item")
    if not answers or not leads:
        return None
    return re.compile(rf"{_led()}\s*[:=-]?\s*(?:{_alternation(answers)})(?![\w/.])")


def blank_answered_items(text: str) -> str:
    """`text` (normalised) with each led item and its negative answer blanked, same length
    ("The thought of harming myself has occurred to me: Never", "EPDS item 10 (...): 0"),
    unless a current later score or a positive word in its words undoes it (module docstring):
    the EPDS item 10 wording holds text68's `ideation_object` "harming myself" (recheck K52a s36
    finding 8: an answered item read as ideation, critical; session 36 fix text74)."""
    answered, patterns = _answered(), _patterns()
    return text if answered is None or patterns is None else _blank(text, answered, patterns[1])


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """(quoted item with its negative answer, a later positive word or score)."""
    answers, undo = _terms("lookalike_answer"), _terms("lookalike_undo")
    if not answers:
        return None
    # A quote in double or single marks (a single one not inside a word: "she'd"), then a
    # colon, equals sign or dash, then the answer as a whole word.
    quoted = r"(?:\"[^\"]+\"|(?<!\w)'[^']+')"
    # Or unquoted after a `lookalike_item` lead, up to a colon ("item 9 better off dead: 0").
    leads = _terms("lookalike_item")
    if leads:
        quoted = rf"(?:{quoted}|{_led()})"
    item = re.compile(rf"{quoted}\s*[:=-]?\s*(?:{_alternation(answers)})(?![\w/.])")
    # A score or word standing alone: not part of a date or a longer number ("10/1", "1.5").
    later = re.compile(rf"(?<![\w/.])(?:{_alternation(undo)})(?![\w/.])") if undo else None
    return (item, later) if later is not None else (item, re.compile(r"(?!x)x"))


def blank_quoted_negatives(text: str) -> str:
    """`text` (normalised) with each quoted item and its negative answer blanked (docstring)."""
    patterns = _patterns()
    return text if patterns is None else _blank(text, *patterns)


def _blank(text: str, item: re.Pattern[str], later: re.Pattern[str]) -> str:
    """`text` with each `item` match blanked unless a current `later` score undoes it."""
    for m in reversed(list(item.finditer(text))):
        # A positive word inside the item's words too ("item 9 positive, thoughts of death: no").
        current = any(
            _current(text, m.end(), u.start(), u.end()) for u in later.finditer(text, m.end())
        )
        if not current and not later.search(m.group()):
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    return text
