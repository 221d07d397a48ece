"""Whether the words after a `denial_now` word ("no", "not", "without") deny the finding plainly
(recheck K57a finding 4, fix text85).

Fix text83 let "no", "not" and "without" open a denial of now as "denies" does ("OD 2015; no SI
today" is the past-overdose warning, not the critical card). Those words also open hedges that
deny nothing: "not sure about SI today", "no clear SI today", "not able to deny SI today", "no
answer re SI today", "not SI free today", "without denial of SI today", "no SI today?", "no
current SI, cannot contract for safety" kept the warning while the risk stands open. So a
`denial_now` word denies only:
- words that are the finding alone: each word inside a smallest span the caller's readers name
  ("SI", "suicidal", "self harm") or a `denial_now_word` ("ideation", "thoughts", "or"), after
  the `denial_time` words are blanked ("today", "current");
- with no "?" in its clause (a doubt: the card asks);
- and nothing after it but other plain denials ("no SI today, no plan"): any other words after
  it ("unable to say why she came in", "cannot contract for safety") may raise the risk, and
  the safer reading (the critical card) is kept. A missed current risk costs more than a
  question. A plain social-history clause ("lives with mother") is let through as a denial is
  (social_clause.py, fix text90). The words are data (data/stated_history_terms.csv).
"""

from __future__ import annotations

from collections.abc import Callable

from fhir_mapping import stated_terms
from fhir_mapping.social_clause import plain_social
from fhir_mapping.text_bounds import CLAUSE

__all__ = ["plain_denial"]

# The longest span tried as one finding's words ("thoughts of self harm" holds "self harm").
_SPAN = 4


def plain_denial(denied: str, names: Callable[[str], bool], after: str = "") -> bool:
    """Whether `denied` (the words after a `denial_now` word in its clause) is the finding alone
    and `after` (the text after that clause) holds only other plain denials (module docstring)."""
    if "?" in denied or "?" in after:
        return False
    if not _finding_only(denied, names):
        return False
    for part in CLAUSE.split(after):
        words = part.strip()
        if not words or plain_social(words):
            continue  # "..., lives with mother": plain social history (social_clause, fix text90)
        opening = [
            m
            for role in ("denial", "denial_now", "risk_denial")
            for p in stated_terms.patterns(role)
            if (m := p.match(words)) is not None
        ]
        if not opening or not _finding_only(words[opening[0].end() :], names, risks=True):
            return False
    return True


def _finding_only(words: str, names: Callable[[str], bool], risks: bool = False) -> bool:
    """Whether every word of `words` (time words blanked) lies in a smallest span `names` reads or
    is a `denial_now_word` (with `risks`, a `risk`, `risk_gap` or `list_word` word too: "no
    plan"); and some word is named."""
    rest = stated_terms.blanked(words, "denial_time")
    rest = stated_terms.blanked(rest, "denial_now_word")
    if risks:
        for role in ("risk", "risk_gap", "list_word"):
            rest = stated_terms.blanked(rest, role)
    tokens = rest.split()
    if not tokens:
        return risks or names(words)
    covered = [False] * len(tokens)
    for i in range(len(tokens)):
        for j in range(i + 1, min(i + _SPAN, len(tokens)) + 1):
            span = tokens[i:j]
            if names(" ".join(span)) and (
                len(span) == 1 or not (names(" ".join(span[1:])) or names(" ".join(span[:-1])))
            ):
                covered[i:j] = [True] * (j - i)
    return all(covered)
