"""Whose act a self-harm or overdose mention names: a relative's suicide attempts are not the
patient's (review s29 RQ3: "Brother with multiple suicide attempts; caregiver stress", "Grief
counselling: mother with history of suicide attempts" each raised the critical card).

The shared negation reads a relative only as a family-history cue ("family history of", "FHx",
"mother has": text_negations.csv, ConText's experiencer "other", Harkema et al., J Biomed Inform
2009;42:839-851), five words before the term whatever stands between. A relative written as the
subject of the mention is read here instead, and only where it governs the term: the words of
the mention's clause before it (from the last comma, semicolon, full stop or colon) are nothing
but `relative_lead` words ("her", "pt's", "older"), one `relative` ("mother", "brother",
"friend", "mother's"), then `relative_link` words or counts ("with", "has", "history of",
"multiple", "2") up to the term:

- read as the relative's (nothing read): "Brother with multiple suicide attempts", "mother with
  history of suicide attempts", "Mother attempted suicide last week", "Her brother has hx of
  overdose", "Father's suicide attempt";
- read as the patient's (the window closes): any other word between ("Patient's mother found
  her after she attempted suicide", "Mother reports suicide attempt", "Daughter brought pt in
  after overdose"), a word before the relative that is no lead ("after father's death attempted
  suicide", "argument with mother, suicide attempt"), or the relative after the term ("suicide
  attempt after argument with mother"). Where the words leave whose act it was in doubt, the
  mention is read: a question costs less than a missed attempt.

A word after the mention that says the patient shares it ("Father with SI - pt reports same",
"Mother attempted suicide; pt also", "as does pt", "pt too": `relative_same`) makes it the
patient's too, whatever governs it (recheck K19a s29 t21: read as the father's alone, no card),
but only when it refers to the finding: nothing after it in its clause, or words that name
self-harm (screen_wording.self_harm_words: "pt also endorses SI"), only `relative_same_tail`
words ("pt also reports this"), or a `relative_same_act` word anywhere ("pt also attempted last
month"). "Mother with SI; pt also has diabetes" is
another finding of the patient's, not the mother's SI: the mention stays the mother's (session
30 fix forms31; it was a false critical card).

Apart from self_harm_text.py (kept under 400 lines) because whose act a mention names is its own
idea; the words are data (data/self_harm_terms.csv, roles `relative`, `relative_lead`,
`relative_link`, `relative_same`).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.screen_wording import self_harm_words
from fhir_mapping.text_negation import normalise_text, term_pattern

__all__ = ["other_subject"]

# Where the words a relative must govern start: a clause end or a colon ("Grief counselling:
# mother with ...").
_SEGMENT_END = re.compile(r"[.;,:]")
# Where the clause of a `relative_same` word ends (its tail: module docstring).
_CLAUSE_END = re.compile(r"[.;,:]| - ")


def _body(terms: list[str]) -> str:
    # Each term as text_negation.term_pattern reads it ("brother*" any ending), longest first.
    ordered = sorted(terms, key=len, reverse=True)
    return "|".join(term_pattern(t).pattern.removeprefix(r"\b") for t in ordered)


@cache
def _governs() -> re.Pattern[str] | None:
    """The whole segment before a mention when a relative governs it (module docstring)."""
    text = resources.files("fhir_mapping").joinpath("data/self_harm_terms.csv").read_text("utf-8")
    by_role: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        if row["role"].startswith("relative"):
            by_role.setdefault(row["role"], []).append(normalise_text(row["term"]))
    if not by_role.get("relative"):
        return None
    lead = _body(by_role.get("relative_lead", []))
    link = _body(by_role.get("relative_link", []))
    relative = r"(?:" + _body(by_role["relative"]) + r")(?:'s)?"
    leads = r"(?:(?:" + lead + r")\s+)*" if lead else ""
    links = r"(?:\s+(?:" + link + r"|\d+))*" if link else r"(?:\s+\d+)*"
    return re.compile(r"^\s*" + leads + relative + links + r"\s*$")


@cache
def _role(role: str) -> tuple[str, ...]:
    """The normalised terms of one role of data/self_harm_terms.csv."""
    text = resources.files("fhir_mapping").joinpath("data/self_harm_terms.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(normalise_text(row["term"]) for row in rows if row["role"] == role)


@cache
def _same() -> tuple[re.Pattern[str], ...]:
    """The `relative_same` words ("pt reports same", "pt also"): the patient shares the finding."""
    return tuple(term_pattern(term) for term in _role("relative_same"))


@cache
def _tail_words() -> re.Pattern[str]:
    """The `relative_same_tail` words, any number of them (module docstring)."""
    body = "|".join(
        re.escape(t) for t in sorted(_role("relative_same_tail"), key=len, reverse=True)
    )
    return re.compile(r"\s*(?:(?:" + body + r")\b\s*)*")


def _refers(said: str, end: int) -> bool:
    """Whether the words after a `relative_same` word, to its clause's end, refer to the finding
    (module docstring): none, self-harm words, or `relative_same_tail` words only."""
    tail = _CLAUSE_END.split(said[end:])[0].strip(" .")
    if not tail or self_harm_words(tail) or _tail_words().fullmatch(tail) is not None:
        return True
    return any(term_pattern(act).search(tail) for act in _role("relative_same_act"))


def other_subject(text: str, start: int, said: str | None = None) -> bool:
    """Whether a relative governs the mention starting at text[start] (normalised): the words of
    its segment before it are a relative with its leads and links only, and no `relative_same`
    word after it says the patient shares it (module docstring); `said`: the text before its
    terms were blanked, the same length (diagnosis_text.py), where the words after are read."""
    governs = _governs()
    if governs is None:
        return False
    segment = _SEGMENT_END.split(text[:start])[-1]
    if not segment.strip() or governs.match(segment) is None:
        return False
    words = text if said is None else said
    return not any(_refers(words, m.end()) for p in _same() for m in p.finditer(text, start))
