"""Whose and when the psychotic words of a visit reason are (session 41 review K66a findings 4-5,
fix tms62); visit_psychotic.py asks.

- Finding 4: "drug-induced psychosis 2015", "psychosis in brother" as an ED visit's reason held
  TMS with the headline "Psychotic features": a dated past episode and a relative's illness were
  read as the patient's current features. A reason whose psychotic words stand only in clauses
  that state a year before the visit's own (stated_history.past_clauses, read for an act: a
  bare year dates it, as "SA in 2012" is; a `current` word such as "since" or "now" keeps it)
  or that a relative governs ("brother with psychosis": form_note_relative.relatives_only;
  "psychosis in brother", "psychosis (mother)", "psychosis in family": a relative after the
  words, self_harm_subject.is_relative, relative_diagnosis) is not current. "r/o psychosis" and
  "eval for psychosis" stay read (visit_psychotic.py): a psychosis being worked up is what the
  TMS service must screen.
- Finding 5: "hallucinating" and "paranoid" alone were unread (diagnosis_terms.csv reads
  "hallucination*", "paranoid delusion*"): data/visit_psychotic_words.csv `word` rows read them
  in a visit reason, not negated ("not paranoid"), not inside a `lookalike` phrase ("paranoid
  personality disorder", ICD-10-CM F60.0: a personality disorder, not psychotic features; the
  diagnosis terms leave it unread too). Only visit reasons: a problem list's words keep the
  diagnosis reader's terms.
- Fix tms63 (recheck K68a finding 7): everyday "paranoid" ("feels paranoid at work", "paranoid
  thoughts") gave the psychotic-features card, a psychosis the record does not show: "paranoid"
  and "paranoia" (`context_word` rows) are read only beside a `context` word or a diagnosis
  term's psychotic word anywhere in the reason ("paranoid, delusional", "psychosis 2015,
  paranoid": a paranoid patient with a psychosis behind them is held, the safer reading).
- Fix tms63 (recheck K68a finding 6): a dated clause stays current when a psychotic word stands
  after its last date ("psychotic break 2015 hearing voices") or a `current` row stands in the
  reason, not negated ("hallucinations in 2025 continuing", "psychotic features 2024 persist");
  a `shared` row says the patient shares a relative's ("brother psychotic, pt now too").
Where in doubt the reason stays read: TMS held, a question costs less than a missed psychosis.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from functools import cache
from importlib import resources

from fhir_mapping.form_note_relative import relatives_only
from fhir_mapping.record import FindingKind
from fhir_mapping.relative_diagnosis import family_after, relatives_after
from fhir_mapping.safety_term_words import phrase
from fhir_mapping.self_harm_subject import is_relative, shares_finding
from fhir_mapping.stated_history import latest_day, past_clauses
from fhir_mapping.stated_history_dates import dates
from fhir_mapping.text_bounds import CLAUSE
from fhir_mapping.text_lines import risk_kinds
from fhir_mapping.text_negation import negated, normalise_text

__all__ = ["names_psychotic", "not_current_here"]

_PSYCHOTIC = FindingKind.PSYCHOTIC
# "psychosis in brother": the words after the mention, "in" then the relative closing the
# clause (grammar, not a clinical term: the relatives are self_harm_terms.csv's). Not "per":
# "psychosis per mother" is the mother's report of the patient.
_IN_RELATIVE = re.compile(r"\s*in\s+(?P<who>[^()]+?)\s*$")


_KINDS = ("word", "context_word", "lookalike", "context", "current", "shared", "none_now")
# A negation opening a clause ("no AH/VH now", "denies AH currently"): grammar, not a clinical term.
_LEADING_NO = re.compile(r"^\s*(?:no|denies|denied|without)\s+")
_NOW = re.compile(r"\b(?:now|currently|current|at present|presently)\b")


@cache
def _patterns() -> dict[str, re.Pattern[str] | None]:
    text = resources.files("fhir_mapping").joinpath("data/visit_psychotic_words.csv")
    rows = list(csv.DictReader(text.read_text("utf-8").splitlines()))

    def either(kind: str) -> re.Pattern[str] | None:
        terms = [phrase(normalise_text(r["word"])).pattern for r in rows if r["kind"] == kind]
        return re.compile("|".join(f"(?:{t})" for t in terms)) if terms else None

    return {kind: either(kind) for kind in _KINDS}


def _asserted(kind: str, said: str) -> bool:
    """Whether a `kind` row stands in normalised `said`, not negated."""
    found = _patterns()[kind]
    if found is None:
        return False
    return any(not negated(said, m.start(), m.end(), own_clause=True) for m in found.finditer(said))


def _context(said: str) -> bool:
    """Whether normalised reason `said` makes "paranoid" psychotic (module docstring, fix tms63):
    a `context` row or a diagnosis term's psychotic word."""
    return _asserted("context", said) or _PSYCHOTIC in risk_kinds(said)


def _reason_word(said: str, context: bool) -> bool:
    """A `word` row (with `context`, a `context_word` row too) asserted in normalised `said`, not
    inside a `lookalike`."""
    lookalike = _patterns()["lookalike"]
    if lookalike is not None:
        said = lookalike.sub(lambda m: " " * len(m.group()), said)
    return _asserted("word", said) or (context and _asserted("context_word", said))


def names_psychotic(text: str, context: bool | None = None) -> bool:
    """Whether `text` names a psychotic feature: the diagnosis terms (text_lines.risk_kinds) or a
    visit reason's own words (module docstring, findings 5 and K68a 7); `context`: whether the
    whole reason makes "paranoid" psychotic (None: read in `text` itself)."""
    if _PSYCHOTIC in risk_kinds(text):
        return True
    said = normalise_text(text)
    return _reason_word(said, _context(said) if context is None else context)


def _mention_end(clause: str, names: Callable[[str], bool]) -> int:
    """Where the first psychotic mention of `clause` ends: the shortest start of it that names
    one (a word end; the clause's end when none shorter does)."""
    for m in re.finditer(r"\w\b", clause):
        if names(clause[: m.end()]):
            return m.end()
    return len(clause)


def _relatives(clause: str, names: Callable[[str], bool]) -> bool:
    """Whether a relative governs the psychotic words of normalised `clause` (module docstring)."""
    if relatives_only(clause, names):
        return True
    end = _mention_end(clause, names)
    after = _IN_RELATIVE.match(clause, end)
    return (
        family_after(clause, end)
        or relatives_after(clause, end)
        or (after is not None and is_relative(after.group("who")))
    )


def _stated_now(said: str, names: Callable[[str], bool]) -> bool:
    """Whether normalised reason `said` keeps its dated psychotic words current (fix tms63): a
    `current` row not negated, or a psychotic word after the last date of its clause."""
    if _asserted("current", said):
        return True
    for clause in CLAUSE.split(said):
        written = dates(clause)
        if written and names(clause[max(end for _, end, _ in written) :]):
            return True
    return False


def not_current_here(text: str, year: int | None) -> bool:
    """Whether every clause of visit reason `text` naming a psychotic feature dates it before
    `year` (the visit's; None: undated visit, no year read) or is a relative's (module
    docstring, findings 4 and K68a 6). True too when every such clause was dated past (none
    left to read). The caller asks only of a reason it read as psychotic."""
    said = normalise_text(text)
    context = _context(said)

    def names(words: str) -> bool:
        return names_psychotic(words, context)

    said = _without_none_now(said, names)
    if year is not None and not _stated_now(said, names):
        blanked, latest = past_clauses(said, names, act=True)
        if latest is not None and latest_day(latest).year < year:
            said = blanked
    bounds = [0, *(m.end() for m in CLAUSE.finditer(said)), len(said)]
    clauses = [said[a:b].strip(" .;,") for a, b in zip(bounds, bounds[1:], strict=False)]
    stated = [c for c in clauses if names(c)]
    if stated and any(shares_finding(c) or _asserted("shared", c) for c in clauses):
        return False  # "psychosis in brother, pt also": the patient's too
    return all(_relatives(c, names) for c in stated)


def _none_now(clause: str, names: Callable[[str], bool]) -> bool:
    """Whether normalised `clause` says no psychotic symptom now: a `none_now` row ("no current
    symptoms", "currently none") or a negated psychotic word with a word of the present ("no
    AH/VH now"). Fix psy64 finding 2."""
    found = _patterns()["none_now"]
    if found is not None and found.search(clause):
        return True
    lead = _LEADING_NO.match(clause)
    return bool(lead and _NOW.search(clause) and not names(clause) and names(clause[lead.end() :]))


def _without_none_now(said: str, names: Callable[[str], bool]) -> str:
    """Normalised reason `said` with each clause after the first that says no psychotic symptom
    now blanked (fix psy64 finding 2: "psychosis 2015, no current symptoms", "Hx psychosis
    2015, currently none" were held as current: the present word of the denial kept the dated
    episode current). What is left is read as before: "psychosis 2015" is past, "psychosis 2015,
    now recurring" and "Hx psychosis, current AH" stay current (TMS held)."""
    bounds = [0, *(m.end() for m in CLAUSE.finditer(said)), len(said)]
    out = said
    for a, b in list(zip(bounds, bounds[1:], strict=False))[1:]:
        if _none_now(said[a:b].strip(" .;,"), names):
            out = out[:a] + " " * (b - a) + out[b:]
    return out
