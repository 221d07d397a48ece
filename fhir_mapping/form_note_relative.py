"""A form answer's words about a relative's risk, not the patient's (recheck K27a s31; session 31
fix forms37).

A nursing comment ("Nursing comment" = "Pt denies SI. Reports brother attempted suicide last
month", "Pt worried about her son who is suicidal") is read as free text is
(form_self_harm_notes.said_in_answer), and was the patient's critical self-harm card: the shared
reader (self_harm_subject.py) reads a relative as the one who acted only when nothing but its
lead words stand before it in the clause ("Brother attempted suicide"), and a word before it
("Reports brother ...", "worried about her son ...") made it the patient's; the suicidal-ideation
words of diagnosis_terms.csv have no such reading ("her son who is suicidal").

In a form's answer, a clause (between full stops and semicolons) whose finding is governed by a
relative is the relative's, whatever words come before the relative, when:
- the relative (with its lead words: "her son", "pt's brother") is followed only by link words
  (self_harm_terms.csv `relative_link`, and "who", "is", "was": this table's `relative_link`
  rows) and then the words that state the finding ("brother attempted suicide", "son who is
  suicidal");
- the words right after them are not a report of the patient by the relative ("Mother reports
  suicide attempt", "Mother states pt threatened to kill herself": `relative_reports` words; the
  shared reading, a question costs less than a missed attempt);
- the words before the relative state no finding of their own, and no clause names the patient
  as sharing it (self_harm_subject.shares_finding: "pt also").
Every clause that states a finding must be a relative's for the answer to say nothing; a clause
of the patient's own ("Pt states she wants to die") keeps the yes. The family's history is left
to the clinician reading the comment (no card of its own here).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from functools import cache
from importlib import resources

from fhir_mapping.form_self_harm_answers import _pattern
from fhir_mapping.self_harm_subject import _BESIDE, _relative, _role, shares_finding
from fhir_mapping.text_bounds import SENTENCE, pieces
from fhir_mapping.tms_safety import normalise_text

__all__ = ["relatives_only"]

# A word (the first of what follows the relative and its links).
_WORD = re.compile(r"\s*([\w'/]+)")


@cache
def _links() -> frozenset[str]:
    """The words that may stand between a relative and the finding it governs."""
    text = resources.files("fhir_mapping").joinpath("data/self_harm_form_words.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    form = {normalise_text(r["word"]) for r in rows if r["kind"] == "relative_link"}
    return frozenset(form | set(_role("relative_link")))


def _governed(clause: str, finds: Callable[[str], bool]) -> bool:
    """Whether a clause's finding is a relative's (module docstring)."""
    relative = _relative()
    if relative is None:
        return False
    for match in relative.finditer(clause):
        if finds(clause[: match.start()]) or _BESIDE.search(clause[: match.start()]):
            continue  # the words before it state a finding of their own, or "pt and her mother"
        rest = clause[match.end() :]
        while (word := _WORD.match(rest)) is not None and word.group(1) in _links():
            rest = rest[word.end() :]
        first = _WORD.match(rest)
        if first is None or _pattern("relative_reports").match(first.group(1)):
            continue  # "Mother reports suicide attempt": the patient's
        if finds(rest):
            return True
    return False


def relatives_only(text: str, finds: Callable[[str], bool]) -> bool:
    """Whether every clause of an answer that states a finding (`finds`) states a relative's,
    and at least one does (module docstring)."""
    clauses = [c.strip() for c in pieces(normalise_text(text), SENTENCE) if c.strip()]
    if any(shares_finding(c) for c in clauses):
        return False
    stated = [c for c in clauses if finds(c)]
    return bool(stated) and all(_governed(c, finds) for c in stated)
