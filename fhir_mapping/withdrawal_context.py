"""Withdrawal or detox words that name no episode of the patient's (review s29 RQ4 finding 3:
each made bupropion "contraindicated" and raised the substance-use warning, where session 28
said nothing):

- counselling or an inquiry ("Counselled: abrupt discontinuation of Xanax not advised",
  "Inquired about alcohol detox programs"): a `lead` word before the mention in its sentence
  (up to a full stop or semicolon: a colon or comma after "Counselled" keeps it), or an `advice`
  word after it in its clause ("... not advised"); the mention is advice or a question, not a
  diagnosis, and is not read at all (neither the withdrawal nor substance use);
- a relative after the mention in its clause ("detox programs for brother", "for his brother":
  "for", the `relative_lead` words, a `relative` of data/self_harm_terms.csv), the relative's,
  as one written before it is (self_harm_subject.py); not read at all;
- a past episode the words date ("Alcohol detox 2015", "Alcohol detox 2015, sober since"): a
  year in the mention's clause, or a `past_after` word anywhere in the text ("sober since",
  "clean since"): read as "Hx of alcohol withdrawal" is (diagnosis_text.said_as_not_current: the
  episode is past, the substance use stays to review); not when a `current_after` word stands
  after the mention's start ("Alcohol detox 2015, sober since, relapsed, now in withdrawal",
  "..., currently ...": the withdrawal is back, recheck K19a s29 t06; `current_after`, which
  also ends a "sober since" remission, diagnosis_text.says_in_remission).

Only mentions of a withdrawal word (`_WITHDRAWAL`: "withdrawal", "w/d", "detox", "abrupt
discontinuation"): "Counseling for alcohol use disorder" keeps its reading. Where the words
leave it open the mention is read (the safer direction for bupropion's contraindication). Apart
from diagnosis_text.py (kept under 400 lines) because what surrounds a withdrawal mention is its
own idea; the words are data (data/withdrawal_context_terms.csv).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.text_bounds import CLAUSE, SENTENCE, span_after, span_before
from fhir_mapping.text_negation import normalise_text, term_pattern

__all__ = ["current_after", "not_patients", "past_episode"]

# A withdrawal word in a mention (diagnosis_text.py's chart words for one).
_WITHDRAWAL = re.compile(r"withdraw|\bw/d\b|\bwd\b|detox|abrupt\s+discontinuation")
# A year an episode is dated by: 1900-2099, a whole number ("Alcohol detox 2015").
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _patterns(name: str, roles: tuple[str, ...]) -> dict[str, tuple[re.Pattern[str], ...]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{name}").read_text("utf-8")
    found: dict[str, list[re.Pattern[str]]] = {}
    for row in csv.DictReader(text.splitlines()):
        found.setdefault(row["role"], []).append(term_pattern(normalise_text(row["term"])))
    return {role: tuple(found.get(role, ())) for role in roles}


@cache
def _terms() -> dict[str, tuple[re.Pattern[str], ...]]:
    roles = ("lead", "advice", "past_after", "current_after")
    return _patterns("withdrawal_context_terms.csv", roles)


@cache
def _relative_after() -> re.Pattern[str]:
    """ "for" + `relative_lead` words + a `relative` (data/self_harm_terms.csv)."""
    text = resources.files("fhir_mapping").joinpath("data/self_harm_terms.csv").read_text("utf-8")
    by_role: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        if row["role"] in ("relative", "relative_lead"):
            by_role.setdefault(row["role"], []).append(normalise_text(row["term"]))

    def body(terms: list[str]) -> str:
        ordered = sorted(terms, key=len, reverse=True)
        return "|".join(term_pattern(t).pattern.removeprefix(r"\b") for t in ordered)

    leads = body(by_role.get("relative_lead", []))
    return re.compile(
        rf"\bfor\s+(?:(?:{leads})\s+)*(?:{body(by_role.get('relative', ['relative']))})"
    )


def not_patients(text: str, start: int, end: int) -> bool:
    """Whether the withdrawal mention text[start:end] (normalised) is counselling, an inquiry or
    a relative's (module docstring)."""
    if not _WITHDRAWAL.search(text[start:end]):
        return False
    sentence = span_before(text, start, SENTENCE)
    clause_after = span_after(text, end, CLAUSE)
    terms = _terms()
    return (
        any(p.search(sentence) for p in terms["lead"])
        or any(p.search(clause_after) for p in terms["advice"])
        or _relative_after().search(clause_after) is not None
    )


def past_episode(text: str, start: int, end: int, before: int | None) -> bool:
    """Whether the withdrawal mention text[start:end] (normalised) is dated as a past episode: a
    year in its clause before `before` (the entry's own onset year; any year when it has none:
    "Alcohol detox 2026" on an entry of 2026 may be this week's), or a `past_after` word
    ("sober since") in the text; never with a `current_after` word after `start` (module
    docstring)."""
    if not _WITHDRAWAL.search(text[start:end]) or current_after(text, start):
        return False
    clause = span_before(text, start, CLAUSE) + " " + span_after(text, end, CLAUSE)
    years = [int(y) for y in _YEAR.findall(clause)]
    return any(before is None or y < before for y in years) or any(
        p.search(text) for p in _terms()["past_after"]
    )


def current_after(text: str, start: int) -> bool:
    """Whether a `current_after` word ("relapsed", "now in", "currently") stands in `text`
    (normalised) from `start` on: what was dated or said over before it is back (module
    docstring)."""
    return any(p.search(text, start) for p in _terms()["current_after"])
