"""Safety planning and means restriction in a visit reason's plan (session 31 fix hist37,
recheck K27a finding 2).

A "Plan:" heading's sentence often records what was done to keep the patient safe: naloxone
given, lethal-means counselling, guns removed or locked up, a relative to hold the pills, a
limited supply or blister packs, the 988 line to call. These words hold method and means words
("guns", "pills", "overdose", "lethal", "if SI") that stated_history.py and stated_heading.py
read as a risk stated now, and the overdose reader as an overdose: "Hx SI, denies current SI.
Plan: remove guns from home" and "Plan: start lithium, limit supply due to overdose risk" were
critical cards. Means restriction and safety planning are treatment (Stanley & Brown safety
planning intervention; lethal-means counselling, Zero Suicide / SPRC CALM: UNVERIFIED here), so
a clause of a "Plan:" heading's sentence (its answer, or a later clause up to the full stop)
holding a `plan_safety` phrase is blanked before the reason is read.

Not blanked: a clause that also holds a `risk_denial` word ("no", "not"), nor any clause of a
plan sentence holding a `plan_safety_refused` word ("refuses", "declined", "won't") or a
`contrast` word ("but") after its heading: "Plan: remove guns, pt refuses" keeps the gun. An answer naming anything else ("Plan: 5150", "Plan: 1:1 sitter")
stays what stated_heading.py makes of it. The words are data (data/stated_history_terms.csv).
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping import stated_terms
from fhir_mapping.text_bounds import CLAUSE_KEPT, pieces
from fhir_mapping.text_negation import normalise_text

__all__ = ["safety_blanked"]

_ROLES = ("plan_safety", "plan_safety_heading", "plan_safety_refused", "risk_denial", "contrast")


@cache
def _terms() -> dict[str, tuple[re.Pattern[str], ...]]:
    return {role: stated_terms.patterns(role) for role in _ROLES}


def _heading_end(clause: str) -> int | None:
    """Where a `plan_safety_heading` heading's answer starts in `clause` (after its ":"), or None."""
    for p in _terms()["plan_safety_heading"]:
        for found in p.finditer(clause):
            rest = clause[found.end() :]
            if rest.lstrip().startswith(":"):
                return found.end() + len(rest) - len(rest.lstrip()) + 1
    return None


def _safety(words: str) -> bool:
    """Whether `words` hold a `plan_safety` phrase and no `risk_denial` word ("no", "not")."""
    terms = _terms()
    if not any(p.search(words) for p in terms["plan_safety"]):
        return False
    return not any(p.search(words) for p in terms["risk_denial"])


def _undone(words: str) -> bool:
    """Whether a `plan_safety_refused` or `contrast` word stands in `words` ("pt refuses")."""
    terms = _terms()
    return any(p.search(words) for p in (*terms["plan_safety_refused"], *terms["contrast"]))


def _blank_sentence(sentence: str) -> str:
    """`sentence` (no full stop in it) with its plan heading's safety clauses blanked; as it was
    when it has no heading or a word that undoes the safety stands after the heading."""
    tokens = pieces(sentence, CLAUSE_KEPT)
    for i in range(0, len(tokens), 2):
        start = _heading_end(tokens[i])
        if start is None:
            continue
        tokens[i : i + 1] = [tokens[i][:start], tokens[i][start:]]  # the answer, a clause
        if _undone("".join(tokens[i + 1 :])):
            return sentence
        for j in range(i + 1, len(tokens), 2):
            if _safety(tokens[j]):
                tokens[j] = " " * len(tokens[j])
        return "".join(tokens)
    return sentence


def safety_blanked(text: str) -> str:
    """`text` normalised, with each clause of a plan heading's sentence that records safety
    planning or means restriction blanked, the same length (module docstring)."""
    return ".".join(_blank_sentence(s) for s in normalise_text(text).split("."))
