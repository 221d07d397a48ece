"""How far a denial before a phrase reaches: the one rule every reader of a denial before a
self-harm phrase cuts with (session 36, text69; the marks are text_bounds.denial_reach's).

NegEx's clause (text_bounds.CLAUSE) ends at a full stop, semicolon or comma, so "No HI: wants to
kill himself", "No HI - wants to kill himself", "Denies SI? wants to kill himself" read the wish
as denied and offered TMS, while "No HI, wants to kill himself" and "Denies SI. wants to ..." were
critical; the relative and checklist readers already ended a scope at a colon or dash. Now a
"?", "!", or a colon or dash after a denied item ends a denial's reach in NegEx's scope
(`denial_scope`, read by text_negation.negated and self_harm_text.py), a self-harm list's
(self_harm_scope.cue_window) and a checklist's (text_checklist.denial_listed). A colon or dash
right after the cue introduces what is denied (`cue_introduces`: "Denies: SI, HI", "Negative
for: SI"), unless the cue is itself an item's answer ("HI: no - wants to kill himself"); a cue
after a note section's heading ("Psych: denies: SI", data/text_negations.csv `section_heading`)
answers no item and introduces (session 37 fix text82).

Apart from text_negation.py (400 lines) because where a denial stops is its own idea; the
past-time and rule-out words keep NegEx's plain clause (text_negation.scope_before).
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping.text_bounds import CLAUSE, CLAUSE_OR_COLON, denial_reach, last_piece, span_before
from fhir_mapping.text_negation import after_last_stop, cue_rows, pre_cue_end

__all__ = ["answers_item", "cue_introduces", "denial_scope", "own_answer"]

# NegEx's window: the last five words before the phrase (text_negation.py reads the same).
_SCOPE_WORDS = 5


@cache
def _answered() -> re.Pattern[str]:
    """An `answer` cue (data/text_negations.csv: "no", "denies", "none") closing the words,
    right after a colon, "?" or dash that follows an item: "HI: no", "SI? denies", "HI - neg"."""
    rows = cue_rows()
    answers = sorted(rows.get("answer", []), key=len, reverse=True)
    body = "|".join(re.escape(a) for a in answers) or "(?!)"
    # A screening item's unmarked answer ("HI denies, SI": `answer_bare`, fix text102) is its own.
    bare = "|".join(re.escape(a) for a in sorted(rows.get("answer_bare", []), key=len)[::-1])
    items = "|".join(re.escape(a) for a in sorted(rows.get("list_item", []), key=len)[::-1])
    unmarked = r"|\b(?:" + (items or "(?!)") + r")\s+(?:" + (bare or "(?!)") + r")"
    return re.compile(r"(?:\S\s*(?::|\?|\s-)\s*(?<![\w'])(?:" + body + r")" + unmarked + r")$")


def answers_item(words: str) -> bool:
    """Whether `words` end with an `answer` cue right after an item's colon, "?" or dash ("HI:
    no", "AVH - denies"): that item's own answer, which denies no item after it ("HI: no, SI:
    yes", "HI: denies, SI" read the SI: recheck K53a s36 finding 2, fix text73)."""
    return _answered().search(words.rstrip()) is not None


# An answer right after a phrase: a colon, "?" or free-standing dash, then a word of it.
_OWN_ANSWER = re.compile(r"^(?:\s*[:?]|\s+-)\s*[^\s,;.!?]")


def own_answer(text: str, end: int) -> bool:
    """Whether the phrase ending at `end` (of `normalise_text` output) has its own answer right
    after it: a colon, "?" or dash and a word ("self-harm: yes", "SI: passive", "cutting - yes").
    That answer decides the phrase, whatever a list's denial before it says: "Psych: denies HI,
    self-harm: yes", "Denies the following: HI, SI: yes" read the self-harm and the SI as denied
    and offered TMS (recheck K53a s36 finding 1, fix text73); "..., self-harm: no" stays denied by
    its own answer (text_negation.answer_covers). A doubtful answer ("self-harm: see HPI") is
    read, the safer mistake."""
    return _OWN_ANSWER.search(text[end:]) is not None


def cue_introduces(words: str) -> bool:
    """Whether `words` end with a shared `pre` cue, so a colon or dash right after them
    introduces what is denied ("Denies: SI, HI", "Psych ROS: negative for: SI"). A cue that
    answers the item before its own mark ("HI: no - wants to kill himself") introduces nothing:
    that item's answer is done, and the words after the dash are read (the safer mistake: a
    question asked, not a wish to die read as denied)."""
    tail = words.rstrip()
    if not tail or pre_cue_end(tail) != len(tail):
        return False
    answered = _answered().search(tail)
    # "Psych: denies: SI": the "item" a cue answers is a note section's heading (a
    # `section_heading` row), so the cue introduces the SI denied after it (fix text82).
    return answered is None or _section_heading(tail[: answered.start() + 1])


@cache
def _headings() -> frozenset[str]:
    return frozenset(cue_rows().get("section_heading", []))


def _section_heading(words: str) -> bool:
    """Whether `words` end with a note section's heading ("Psych", "ROS") after the last clause
    mark: what a colon after it heads is the section's content, not an item's answer."""
    return last_piece(words, CLAUSE_OR_COLON).strip() in _headings()


def denial_scope(text: str, start: int) -> str:
    """The words a `pre` cue of the phrase starting at `start` (of `normalise_text` output) may
    stand in: the last five of its clause (NegEx's), after the denial's reach ends
    (text_bounds.denial_reach) and after the last conjunction. Shared by text_negation.negated
    and the readers that add cues of their own (self_harm_text.py), so all read one scope."""
    before = denial_reach(span_before(text, start, CLAUSE), cue_introduces)
    return " ".join(after_last_stop(before).split()[-_SCOPE_WORDS:])
