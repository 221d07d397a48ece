"""Where an informant's own report starts in free text: a collateral source, not the patient
(session 33 fix text48b, recheck K33/K34 s32 leftovers).

An ED reason often holds the patient's denial and, after it, what a relative or another
informant reports: "Denies SI (mother: pt has plan)", "Denies SI (mother says pt wants to die)".
NegEx reads a `pre` cue within five words of the phrase in its clause (text_negation.py), and
a bracket ends no clause, so "denies" reached the mother's words: no card, TMS offered. The
C-SSRS screener and The Joint Commission's NPSG 15.01.01 (EP 2-3: screen and assess suicide
risk) ask for collateral information; what a family member reports of a plan or a wish to die
is a risk signal of its own, whatever the patient says. So an informant's report ends a
denial's scope as a conjunction ("but") does (text_negation.after_last_stop), and a reported
plan after a denial states suicidal ideation with a plan (stated_report.py).

An informant's report (`report_pattern`): an informant word (data/self_harm_terms.csv
`relative` rows, "mother", "wife", "sister*", and data/text_negations.csv `informant` rows,
"collateral", "EMS", "police") followed by an `informant_verb` ("says", "reports", "states",
"told", or a colon: "mother: ..."), or after an `informant_lead` ("per", "according to": "per
wife, ..."), with at most a possessive or article before the word ("pt's mother says", "his
wife reports"). A relative written as the subject of a finding ("mother has bipolar disorder",
"Sister with SI") is no report: no verb of saying follows it. The words are data.

Apart from text_negation.py because who is speaking is its own idea, whatever the cues; this
module imports no reader (text_negation imports it), so it reads the tables itself.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

__all__ = ["report_end", "report_starts"]

# Words that may stand between a `per` lead and its informant ("per the mother", "per pt's
# wife"): an article or a possessive; one at most.
_DETERMINER = r"(?:(?:the|his|her|their|pt's|pts|patient's)\s+)?"


def _rows(table: str, roles: frozenset[str], column: str) -> list[str]:
    data = resources.files("fhir_mapping").joinpath(f"data/{table}").read_text("utf-8")
    # As text_negation.normalise_text: lower case, runs of spaces as one (no import: a cycle).
    return [
        " ".join(row[column].lower().split())
        for row in csv.DictReader(data.splitlines())
        if row["role"] in roles
    ]


def _alternation(words: list[str]) -> str:
    """The words longest first, each whole; a closing `*` any ending ("sister*": "sisters")."""
    return "|".join(
        re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "")
        for w in sorted(words, key=len, reverse=True)
    )


@cache
def report_pattern() -> re.Pattern[str] | None:
    """An informant's report, as the module docstring says; None with no words."""
    nouns = _rows("self_harm_terms.csv", frozenset({"relative"}), "term")
    nouns += _rows("text_negations.csv", frozenset({"informant"}), "cue")
    leads = _rows("text_negations.csv", frozenset({"informant_lead"}), "cue")
    verbs = _rows("text_negations.csv", frozenset({"informant_verb"}), "cue")
    if not nouns or not (leads or verbs):
        return None
    noun = r"\b(?:" + _alternation(nouns) + r")\b"
    options = []
    if leads:
        options.append(r"\b(?:" + _alternation(leads) + r")\s+" + _DETERMINER + noun)
    words = [v for v in verbs if v[:1].isalnum()]
    marks = [v for v in verbs if not v[:1].isalnum()]  # a colon: "mother: ..."
    if words:
        options.append(noun + r"\s+(?:" + _alternation(words) + r")\b")
    if marks:
        options.append(noun + r"\s*(?:" + "|".join(re.escape(m) for m in marks) + ")")
    return re.compile("|".join(options)) if options else None


def report_end(text: str) -> int | None:
    """Where the last informant's report marker in `text` (normalised) ends, or None."""
    pattern = report_pattern()
    if pattern is None:
        return None
    ends = [m.end() for m in pattern.finditer(text)]
    return max(ends) if ends else None


def report_starts(text: str) -> list[tuple[int, int]]:
    """(start, end) of each informant's report marker in `text` (normalised), in order."""
    pattern = report_pattern()
    return [] if pattern is None else [m.span() for m in pattern.finditer(text)]
