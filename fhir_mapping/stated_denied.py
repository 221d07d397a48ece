"""A visit reason's clause that names suicidal ideation only to deny it in a checklist's words
("SI/HI: denies", "-SI, +HI", "SI neg, HI pos"; session 31 fix hist37, recheck K27a finding 4).

stated_history.history_denied reads a history beside a denial of now as the past-SI warning, but
took a denial only from a clause opening with a `denial` word ("denies current SI"): after
"Hx SI" a checklist answer ("Hx SI; SI/HI: denies") left the history undenied, the critical
card. Here a clause holding a `finding_word` ("si", "suicidal ideation") that the negation reader
(text_negation.negated: a checklist answer, a "-" prefix, "neg" after it) reads as negated is a
denial of now too. HI is no SI: "+HI" beside it is read by no suicide-risk rule (the project has
no homicidal-ideation reading). A relative's SI ("mother with SI") is no denial: not negated.
The words are data (data/stated_history_terms.csv `finding_word`).
"""

from __future__ import annotations

from fhir_mapping import stated_terms
from fhir_mapping.text_negation import negated, normalise_text

__all__ = ["denied_finding"]


def denied_finding(clause: str) -> bool:
    """Whether `clause` names suicidal ideation (a `finding_word`) and each such mention is
    negated (module docstring)."""
    plain = normalise_text(clause)
    found = [m for p in stated_terms.patterns("finding_word") for m in p.finditer(plain)]
    return bool(found) and all(negated(plain, m.start(), m.end()) for m in found)
