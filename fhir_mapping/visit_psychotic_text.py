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
Where in doubt the reason stays read: TMS held, a question costs less than a missed psychosis.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.form_note_relative import relatives_only
from fhir_mapping.record import FindingKind
from fhir_mapping.relative_diagnosis import family_after, relatives_after
from fhir_mapping.safety_term_words import phrase
from fhir_mapping.self_harm_subject import is_relative, shares_finding
from fhir_mapping.stated_history import latest_day, past_clauses
from fhir_mapping.text_bounds import CLAUSE
from fhir_mapping.text_lines import risk_kinds
from fhir_mapping.text_negation import negated, normalise_text

__all__ = ["names_psychotic", "not_current_here"]

_PSYCHOTIC = FindingKind.PSYCHOTIC
# "psychosis in brother": the words after the mention, "in" then the relative closing the
# clause (grammar, not a clinical term: the relatives are self_harm_terms.csv's). Not "per":
# "psychosis per mother" is the mother's report of the patient.
_IN_RELATIVE = re.compile(r"\s*in\s+(?P<who>[^()]+?)\s*$")


@cache
def _patterns() -> dict[str, re.Pattern[str] | None]:
    text = resources.files("fhir_mapping").joinpath("data/visit_psychotic_words.csv")
    rows = list(csv.DictReader(text.read_text("utf-8").splitlines()))

    def either(kind: str) -> re.Pattern[str] | None:
        terms = [phrase(normalise_text(r["word"])).pattern for r in rows if r["kind"] == kind]
        return re.compile("|".join(f"(?:{t})" for t in terms)) if terms else None

    return {"word": either("word"), "lookalike": either("lookalike")}


def _reason_word(said: str) -> bool:
    """A `word` row asserted in normalised `said`: not negated, not inside a `lookalike`."""
    words, lookalike = _patterns()["word"], _patterns()["lookalike"]
    if words is None:
        return False
    if lookalike is not None:
        said = lookalike.sub(lambda m: " " * len(m.group()), said)
    return any(not negated(said, m.start(), m.end(), own_clause=True) for m in words.finditer(said))


def names_psychotic(text: str) -> bool:
    """Whether `text` names a psychotic feature: the diagnosis terms (text_lines.risk_kinds) or a
    visit reason's own words (module docstring, finding 5)."""
    return _PSYCHOTIC in risk_kinds(text) or _reason_word(normalise_text(text))


def _mention_end(clause: str) -> int:
    """Where the first psychotic mention of `clause` ends: the shortest start of it that names
    one (a word end; the clause's end when none shorter does)."""
    for m in re.finditer(r"\w\b", clause):
        if names_psychotic(clause[: m.end()]):
            return m.end()
    return len(clause)


def _relatives(clause: str) -> bool:
    """Whether a relative governs the psychotic words of normalised `clause` (module docstring)."""
    if relatives_only(clause, names_psychotic):
        return True
    end = _mention_end(clause)
    after = _IN_RELATIVE.match(clause, end)
    return (
        family_after(clause, end)
        or relatives_after(clause, end)
        or (after is not None and is_relative(after.group("who")))
    )


def not_current_here(text: str, year: int | None) -> bool:
    """Whether every clause of visit reason `text` naming a psychotic feature dates it before
    `year` (the visit's; None: undated visit, no year read) or is a relative's (module
    docstring, finding 4). True too when every such clause was dated past (none left to read).
    The caller asks only of a reason it read as psychotic."""
    said = normalise_text(text)
    if year is not None:
        blanked, latest = past_clauses(said, names_psychotic, act=True)
        if latest is not None and latest_day(latest).year < year:
            said = blanked
    bounds = [0, *(m.end() for m in CLAUSE.finditer(said)), len(said)]
    clauses = [said[a:b].strip(" .;,") for a, b in zip(bounds, bounds[1:], strict=False)]
    stated = [c for c in clauses if names_psychotic(c)]
    if stated and any(shares_finding(c) for c in clauses):
        return False  # "psychosis in brother, pt also": the patient's too
    return all(_relatives(c) for c in stated)
