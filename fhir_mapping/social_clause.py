"""Whether a clause is a plain social history and nothing else ("lives with mother", "works full
time", "has 2 kids"), session 38 fix text90.

Fix text85 made a `denial_now` denial ("OD 2015; no SI today") give way to any other words after
it: "..., not sure", "..., per mother took pills yesterday" keep the critical card, the safer
reading. A plain social-history clause a clinician writes after the denial ("OD 2015; no SI today,
lives with mother") states no risk, and "denies SI today, lives with mother" already kept the
past-overdose warning; so such a clause is let through as another plain denial is. Only a whole
clause of a `social_clause` row (data/stated_history_terms.csv), its "<whom>" one or two
`social_whom` words and "#" a count: anything more ("lives with mother, took pills last night",
"lives with boyfriend who hits her", "has pills at home") is not plain and the card stays.
Living alone, a lost job or a break-up are risk factors, not plain history: no rows.
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping import stated_terms

__all__ = ["plain_social"]


@cache
def _clauses() -> tuple[re.Pattern[str], ...]:
    whom = "|".join(re.escape(w) for w in stated_terms.terms("social_whom"))
    one = r"(?:" + whom + r")"
    slot = one + r"(?:\s+(?:and\s+|&\s+)?" + one + r")?"
    found: list[re.Pattern[str]] = []
    for term in stated_terms.terms("social_clause"):
        body = re.escape(term.lower()).replace("<whom>", slot).replace("\\#", r"\d+")
        found.append(re.compile(body.replace("\\ ", r"\s+")))
    return tuple(found)


def plain_social(part: str) -> bool:
    """Whether `part` (one clause, normalised) is a `social_clause` row and nothing more."""
    words = part.strip()
    return bool(words) and any(p.fullmatch(words) for p in _clauses())
