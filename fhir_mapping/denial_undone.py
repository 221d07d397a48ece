"""A denial that is itself undone: negated, or taken back by a later endorsement (recheck K52a s36
findings 1, fix text71).

The NegEx reader (text_negation.py) reads "not", "no" and "denies" as cues before a phrase, so a
denial verb that is itself negated read as a denial twice over: "does not deny SI", "no longer
denies SI", "not denying SI", "will not deny HI or thoughts of suicide" raised no suicide-risk
card and offered TMS. And a past denial that the same sentence takes back ("previously denied HI
or SI, now endorses", "denied SI last week, today endorses") read as a denial of now.

The rule: before any cue is read, each negated denial phrase (data/stated_history_terms.csv
`denial_negated`, the one list stated_history.py reads: "does not deny", "no longer denies",
"not denying", "unable to deny") and, in a sentence holding a `retraction` phrase of
data/text_negations.csv closing its clause ("now endorses", "today endorses": an endorsement with
no object of its own, so what it endorses is what was denied before it), each shared `pre` cue
before that phrase are read as an affirmation ("+" and spaces, the same length, as
stated_history._undenied writes it: positions the readers keep stay). "denies SI, now endorses
HI" names its own object and undoes nothing. A retraction whose own sentence holds no denial before
it reads back over the sentence before ("denies SI; on further questioning endorses": fix text81):
nothing else stands for what it endorses; and so every denial before it, however many sentences
back ("No SI. Pt calm. Later endorses.", "SI: no. ... on reassessment, endorses": fix text87),
since nothing tells which denial it takes back. Where the words leave it in doubt, the mention is read:
a question costs less than a missed risk (self_harm_text.py, Denials).

Apart from text_negation.py (at its 400-line limit) because undoing a cue is its own idea, read
before the cues are.
"""

from __future__ import annotations

import csv
import re
from functools import cache, lru_cache
from importlib import resources

from fhir_mapping.text_bounds import SENTENCE

__all__ = ["denials_undone"]

# What may follow a retraction up to its clause's end: a pronoun standing for what was denied
# ("now endorses it", "today endorses same"); grammar, not a clinical word.
_RETRACTED_OBJECT = r"(?:\s+(?:it|this|these|them|same|both))?"
# A colon opens the retraction's own object ("now reports: feeling well" retracts nothing:
# recheck K53a s36 finding 4, fix text73), so it closes no clause here.
_CLAUSE_END = r"\s*(?=[,.;!?)]|$)"


def _alternation(words: list[str]) -> str | None:
    if not words:
        return None
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _rows(table: str, role: str) -> list[str]:
    from fhir_mapping.text_negation import normalise_text  # no cycle at import

    text = resources.files("fhir_mapping").joinpath(f"data/{table}").read_text("utf-8")
    return [
        normalise_text(row["term"] if "term" in row else row["cue"])
        for row in csv.DictReader(text.splitlines())
        if row["role"] == role
    ]


@cache
def _negated_denials() -> re.Pattern[str] | None:
    body = _alternation(_rows("stated_history_terms.csv", "denial_negated"))
    return None if body is None else re.compile(r"(?<![\w'])(?:" + body + r")(?![\w'])")


@cache
def _retractions() -> re.Pattern[str] | None:
    body = _alternation(_rows("text_negations.csv", "retraction"))
    if body is None:
        return None
    return re.compile(r"(?<![\w'])(?:" + body + r")" + _RETRACTED_OBJECT + _CLAUSE_END)


@cache
def _later_yes() -> re.Pattern[str] | None:
    """A clause of its own that affirms with no object: an `answer_yes` word ("yes", "endorsed")
    after at most "per <informant>" and before at most `affirm_time` words ("denies currently,
    endorsed yesterday", "denies, per mother yes", "denies today, yes last night": session 37
    fix text84, recheck K57a finding 2). "endorses HI" names its own object: not one."""
    yes = _alternation(_rows("text_negations.csv", "answer_yes"))
    time = _alternation(_rows("text_negations.csv", "affirm_time"))
    if yes is None:
        return None
    # "per"/"according to" introduce who said it: grammar, not a clinical word.
    by = r"(?:(?:per|according to)\s+[a-z']+(?:\s+[a-z']+)?\s+)?"
    when = "" if time is None else r"(?:\s+(?:" + time + r"))*"
    return re.compile(r"(?<=[,;])\s*" + by + r"(?:" + yes + r")" + when + r"(?=\s*(?:[,.;!?)]|$))")


@cache
def _pre_cues() -> re.Pattern[str] | None:
    from fhir_mapping.text_negation import cue_rows  # no cycle at import

    body = _alternation(cue_rows().get("pre", []))
    return None if body is None else re.compile(r"\b(?:" + body + r")\b")


def _affirmed(text: str, start: int, end: int) -> str:
    return text[:start] + "+" + " " * (end - start - 1) + text[end:]


@lru_cache(maxsize=4096)
def denials_undone(text: str) -> str:
    """`text` (normalised) with each negated denial and each denial a later retraction in its
    sentence takes back read as an affirmation, the same length (module docstring)."""
    negated_denials = _negated_denials()
    if negated_denials is not None:
        for m in negated_denials.finditer(text):
            text = _affirmed(text, m.start(), m.end())
    retractions, pre = _retractions(), _pre_cues()
    if retractions is None or pre is None:
        return text
    # A later clause that affirms on its own takes the denial back as a retraction does (fix
    # text84): which item it answers is not told, so the safer reading keeps the finding.
    later_yes = _later_yes()
    found = [(r, True) for r in retractions.finditer(text)]
    if later_yes is not None:
        found += [(r, False) for r in later_yes.finditer(text)]
    for r, retraction in found:
        marks = [m.end() for m in SENTENCE.finditer(text, 0, r.start())]
        opening = marks[-1] if marks else 0
        if marks and not pre.search(text, opening, r.start()):
            # A retraction whose own sentence holds no denial takes back the sentence before
            # ("denies SI; on further questioning endorses" was quiet, TMS offered: fix text81),
            # and every denial before it (fix text87): "No SI. Pt calm. Later endorses." was
            # quiet, TMS offered. Nothing tells which denial it takes back, so none stays (the
            # safer error). A bare later yes (", yes") keeps to the sentence before (fix text84).
            opening = 0 if retraction or len(marks) < 2 else marks[-2]
        for cue in list(pre.finditer(text, opening, r.start())):
            text = _affirmed(text, cue.start(), cue.end())
    return text
