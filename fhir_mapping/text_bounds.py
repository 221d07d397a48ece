"""Where a sentence, clause or list part of free text ends: the named boundaries the text
readers share, and the scopes they cut with them (session 36, bound36).

Every reader of free text (negation, self-harm, dosing, reactions, procedures) asks the same
question: which words around a match belong to it? Each used to compile its own boundary and
cut with its own `split` idiom, and small differences crept in unseen. Here each DISTINCT
boundary in use is named once, with what it separates and why it has the characters it has;
two readers that cut differently now name different boundaries, so the difference is a visible
decision (tests/fhir_mapping/test_text_bounds.py pins each one on small strings).

The boundaries are grammar, not clinical facts, so they are code and not a data table. This
module imports nothing of the package, so any reader may use it without an import cycle.
`text_negation.after_last_stop` (a scope cut after its last conjunction or informant's report)
stays in text_negation.py: its stops are data (negation cues, text_informant.py), not marks.

Boundaries that are deliberately special stay local to their reader, with a comment saying
why: conjunctions that join two acts (tms_removals, sleep_apnea_text), a heading's answer split
at " - " and "then" (stated_heading._CLAUSES), a report already cut at its sentence end
(stated_report), a reaction's clause that a year or dash closes (reaction_context).
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = [
    "CLAUSE",
    "CLAUSE_KEPT",
    "CLAUSE_OR_BRACKET",
    "CLAUSE_OR_COLON",
    "CLAUSE_OR_DASH",
    "DOSE_CLAUSE",
    "DOSE_CLAUSE_OR_BUT",
    "DOSE_CLAUSE_OR_COMMA",
    "DENIAL_MARK",
    "LIST_CLAUSE",
    "SENTENCE",
    "SENTENCE_OR_BRACKET",
    "SENTENCE_OR_COLON",
    "SENTENCE_OR_LINE",
    "SENTENCE_OR_MARK",
    "denial_reach",
    "first_piece",
    "last_piece",
    "pieces",
    "span_after",
    "span_before",
    "span_end",
]

# --- Sentences: a comma or colon does not end one --------------------------------------------

# A sentence: a full stop or semicolon. A comma only ends a clause, so a cue and what it governs
# may stand either side of one ("Counselled, abrupt discontinuation not advised"); a colon
# introduces what follows ("Hx SI: none"). The readers' default sentence.
SENTENCE = re.compile(r"[.;]")

# A sentence, or a line: a note's lines are statements of their own even with no stop ("EKG
# checked for QT prolongation: QTc 420, normal" is one statement; the next line is another).
SENTENCE_OR_LINE = re.compile(r"[.;\n]")

# A sentence, a line, or an exclamation or question mark: the words a course's "Not completed:"
# lead governs (course_end_reasons); a colon stays inside ("Not completed: PHQ-9 at session 10").
SENTENCE_OR_MARK = re.compile(r"[.;!?\n]")

# A sentence or a colon, a bracket read inside: the rest of a checklist item's clause after it
# ("SI (cut L wrist 11/28): denies" keeps its bracket; text_checklist.detail_follows).
SENTENCE_OR_COLON = re.compile(r"[.;:]")

# A sentence, or an opening bracket: a checklist's list, which a comma joins and whose "(" opens
# an item's detail ("Denies SI, HI, self harm (cut L wrist 11/28)"): text_checklist.denial_listed
# cuts it, then `denial_reach` (a colon is no end of its own there: "Denies: SI, HI, cutting").
SENTENCE_OR_BRACKET = re.compile(r"[.;(]")

# --- Clauses: a comma ends one ----------------------------------------------------------------

# A clause: a full stop, semicolon or comma. NegEx's scope (Chapman et al., J Biomed Inform
# 2001;34:301-310) stops at a clause's end: "denies SI, endorses HI" denies SI only.
CLAUSE = re.compile(r"[.;,]")

# CLAUSE with its mark kept in the split (a capture group): readers that re-join the pieces, or
# read which mark closed a piece (stated_history, stated_heading, stated_sa, stated_safety,
# stated_means). `span_before`/`span_after` cut the same with it as with CLAUSE; `pieces`
# does NOT (the marks are pieces of their own).
CLAUSE_KEPT = re.compile(r"([.;,])")

# A clause or a colon: a colon closes what was before it ("mild: anaphylaxis" is no mild
# reaction; s30 allergy34 item 3), as it closes a course rule's clause (course_protocols).
CLAUSE_OR_COLON = re.compile(r"[.;,:]")

# A clause, a colon, or a free-standing dash: where a relative's words start or end
# ("Grief counselling: mother with ...", a form's answer "Yes - for son with SI" is the
# patient's: recheck K22 s30, session 30 fix forms33). A hyphen in a word ("x-ray") is not one.
CLAUSE_OR_DASH = re.compile(r"[.;,:]| - ")

# A clause, a colon, or a bracket either way: a refusal's clause ("declined ECT; prefers ...",
# "ECT (declined)") ends at the next mark of any kind (procedure_refusals).
CLAUSE_OR_BRACKET = re.compile(r"[,;.:()]")

# A list's clause: a sentence end, a colon, or an opening bracket, NOT a comma (a comma joins
# a checklist's items: "Psych ROS: SI, HI: denies"; "(" opens an item's detail).
LIST_CLAUSE = re.compile(r"[.;:(]")

# --- Dose-safe clauses: a full stop before a digit is a decimal point ------------------------

# A stated dose's clause: a semicolon, colon, "!", "?", a line break, or a full stop that is not
# a decimal point ("took 2.5 mg" is one clause; "took 2. Then ..." is two). A comma does NOT end
# it: a count after one is another object of the same verb ("take 2 tylenol, 20 ativan").
DOSE_CLAUSE = re.compile(r"[;:!?\n]|\.(?!\d)")

# DOSE_CLAUSE and a comma: an object's own clause; a death phrase or a frequency in a later
# clause is no object's (stated_dose_rate, text51a).
DOSE_CLAUSE_OR_COMMA = re.compile(r"[;:!?\n,]|\.(?!\d)")

# DOSE_CLAUSE and "but": a past act's clause (self_harm_taken) also ends where a contrast turns
# the sentence, so the words after "but" are no object of the act's verb ("took 30 ativan but
# feels fine"), unless they open one (self_harm_taken: "took 2 tylenol but 30 ativan").
DOSE_CLAUSE_OR_BUT = re.compile(r"[;:!?\n]|\.(?!\d)|\bbut\b")


# --- A denial's reach: one rule for every reader of a denial before a phrase -----------------

# Where a denial before a phrase stops reaching it (session 36, text69), on top of the sentence or
# clause its reader cuts (NegEx's clause, text_negation.denial_scope; a self-harm list's
# sentence, self_harm_scope.cue_window; a checklist's, text_checklist.denial_listed):
# - a question or exclamation mark: "Denies SI? wants to kill himself" is a question answered, or
#   a sentence ended, before the next statement ("Denies SI. wants to ..." was read already);
# - a colon or a free-standing dash after a denied ITEM: "No HI: wants to kill himself", "No HI -
#   wants to kill himself", "Denies HI: wants to die" deny HI and then state the wish, as "No HI,
#   wants to kill himself" did (self_harm_subject's CLAUSE_OR_DASH and the checklist's
#   LIST_CLAUSE already ended a scope there; NegEx's CLAUSE did not, and the wish was denied).
# A colon or dash right AFTER the denial's cue introduces what is denied ("Denies: SI, HI",
# "Negative for: SI", "Psych: denies SI/HI" has its cue after the colon): `denial_reach` reads
# through it when its caller's `introduces` says the words before it end with a cue. Answers
# after a phrase ("SI: denies", "SI? No", "Suicidal ideation: No") are another reading (the
# checklist answer, text_negation.ANSWER_LEAD) that this reach does not touch. Where the marks
# leave a doubt, the phrase is read: a false critical card costs a question, a denial read too
# far costs a missed risk.
DENIAL_MARK = re.compile(r"[:?!]| - ")
# The DENIAL_MARK marks that may introduce a denied list ("?" and "!" never do).
_INTRODUCING = frozenset({":", " - "})


def denial_reach(before: str, introduces: Callable[[str], bool]) -> str:
    """`before` (the words a reader's bound leaves before a phrase) after its last DENIAL_MARK,
    a colon or dash that `introduces` what is denied (the words before it end with the denial's
    cue: "Denies: SI") read through (the block above)."""
    for mark in reversed(list(DENIAL_MARK.finditer(before))):
        if mark.group() in _INTRODUCING and introduces(before[: mark.start()]):
            continue
        return before[mark.end() :]
    return before


# --- Scopes ----------------------------------------------------------------------------------


def pieces(text: str, bound: re.Pattern[str]) -> list[str]:
    """Every piece of `text` between `bound` marks (with a capture group, the marks too)."""
    return bound.split(text)


def first_piece(text: str, bound: re.Pattern[str]) -> str:
    """`text` up to its first `bound` mark (all of it if none)."""
    return bound.split(text, maxsplit=1)[0]


def last_piece(text: str, bound: re.Pattern[str]) -> str:
    """`text` after its last `bound` mark (all of it if none)."""
    return bound.split(text)[-1]


def span_before(text: str, start: int, bound: re.Pattern[str]) -> str:
    """The words of `bound`'s span that ends at `start` (a match's start): from the last mark
    before `start` up to it."""
    return last_piece(text[:start], bound)


def span_after(text: str, end: int, bound: re.Pattern[str]) -> str:
    """The words of `bound`'s span that starts at `end` (a match's end): from it up to the next
    mark."""
    return first_piece(text[end:], bound)


def span_end(text: str, start: int, bound: re.Pattern[str]) -> int:
    """Where `bound`'s span from `start` ends: the next mark's start, or the end of `text`. Reads
    `text` whole (`search` from `start`, not a slice), so a `\\b` in `bound` sees the character
    before `start`."""
    mark = bound.search(text, start)
    return len(text) if mark is None else mark.start()
