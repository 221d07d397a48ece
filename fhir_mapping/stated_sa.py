"""Visit-reason "SA": a suicide attempt unless its clause says otherwise (session 30 fix
hist34, recheck K24a).

"SA" abbreviates a suicide attempt, and also sexual assault and substance abuse. Read only in
attempt context (fix hist33: "SA x2", "+SA", "prior SA"), "SA 2 weeks ago", "SA (hanging) in
Nov", "s/p SA 11/2026" beside a denied history of SI lost the critical card, and "Hx SA" was the
past-SI warning while "Hx suicide attempt" was the critical self-harm card. So the exclusion is
what is listed: "SA" is an attempt unless its clause holds an `sa_other` word ("survivor",
"counseling", "victim", "assault", "substance", "alcohol", "childhood"; fix hist35, recheck K25a:
"node", "block" for the sinoatrial node, "south africa", "social anxiety", "child") or "by" an
`sa_person`
("SA by ex-partner", "SA at age 12 by uncle") - the safer reading, a question costing less than
a missed attempt. A clause of "SA" alone ("History of SI, denies current SI. SA") names nothing
more and stays unread (fix hist33 sa_bare). Where it is an attempt, the reason is read with the
words spelled out (`spell_out`), so "Hx SA" takes the path "Hx suicide attempt" takes. The words
are data (data/stated_history_terms.csv `sa_other`, `sa_person`).
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping import stated_terms
from fhir_mapping.text_bounds import CLAUSE_KEPT, pieces
from fhir_mapping.text_negation import normalise_text

__all__ = ["is_attempt", "spell_out"]

# "SA" as a word ("+SA", "s/p SA", "SI/SA"), in a normalised or raw clause.
_SA = re.compile(r"\bsa\b", re.IGNORECASE)
# What a clause of "SA" alone has none of: a word or a "+" ("+SA").
_WORD = re.compile(r"[\w+]")
# The words "SA" is read as where it is an attempt.
_SPELLED = "suicide attempt"


@cache
def _terms() -> dict[str, tuple[re.Pattern[str], ...]]:
    return {role: stated_terms.patterns(role) for role in ("sa_other", "sa_person")}


def is_attempt(clause: str) -> bool:
    """Whether "SA" in `clause` (normalised) reads as a suicide attempt: it stands there, with no
    `sa_other` word nor "by" an `sa_person` in the clause (module docstring)."""
    if not _SA.search(clause):
        return False
    terms = _terms()
    if any(p.search(clause) for p in terms["sa_other"]):
        return False
    return not any(
        re.search(
            r"\bby (?:(?:a|an|the|her|his|my|their) )?" + p.pattern.removeprefix(r"\b"), clause
        )
        for p in terms["sa_person"]
    )


def spell_out(text: str) -> str:
    """`text` with each "SA" that reads as a suicide attempt (`is_attempt`, in a clause that
    says more than "SA") written "suicide attempt"; the rest as written."""
    parts = pieces(text, CLAUSE_KEPT)
    for i, part in enumerate(parts):
        plain = normalise_text(part)
        if is_attempt(plain) and _WORD.search(_SA.sub(" ", plain)):
            parts[i] = _SA.sub(_SPELLED, part)
    return "".join(parts)
