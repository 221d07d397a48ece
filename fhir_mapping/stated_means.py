"""Access to means or a preparatory act in free text (C-SSRS screener item 6: "has pills saved",
"keeps a loaded gun by bed", "rope in car", "wrote goodbye letters"), the `risk_means` rows of
data/stated_history_terms.csv, and whether the words around one deny it: a denial before it ("no
access to guns") or an answer after it ("Access to pills: denies", "Access to meds limited";
review K46a s35 finding 9). Read by stated_history.py (a risk word's answer or purpose) and
condition_harm_notes.py (a past plan kept current by means named beside it)."""

from __future__ import annotations

import re

from fhir_mapping import stated_terms
from fhir_mapping.text_bounds import CLAUSE_KEPT, pieces

__all__ = ["means"]


def _terms() -> dict[str, tuple[re.Pattern[str], ...]]:
    roles = ("contrast", "denial", "risk_denial", "risk_means", "risk_means_no", "risk_means_kept")
    return {role: stated_terms.patterns(role) for role in roles}


def means(text: str) -> bool:
    """Whether `text` names access to means or a preparatory act (`risk_means`: "has pills saved",
    "keeps a loaded gun by bed", "rope in car", "wrote goodbye letters"; C-SSRS screener item 6)
    that no `denial` or `risk_denial` word before it in its part of its clause denies ("no access
    to guns"), nor an answer after it (`_answered_no`: "Access to pills: denies", "Access to
    medications: husband manages"; review K46a s35 finding 9; locked means are still access:
    K47a finding 4)."""
    terms = _terms()
    for clause in pieces(text, CLAUSE_KEPT):
        cuts = [0] + [m.end() for p in terms["contrast"] for m in p.finditer(clause)]
        for found in (m for p in terms["risk_means"] for m in p.finditer(clause)):
            part = clause[max(c for c in cuts if c <= found.start()) : found.start()]
            if any(p.search(part) for p in (*terms["denial"], *terms["risk_denial"])):
                continue
            if not _answered_no(clause[found.end() :]):
                return True
    return False


# A checklist's answer mark after a means term ("Access to pills: denies", "Guns - none").
_ANSWER_MARK = re.compile(r"\s*[:\-]")
# The words an answer may have before a `risk_means_kept` word ("husband manages", "all removed").
_KEPT_AT = re.compile(r"\s*(?:[\w']+\s+)?")


def _answered_no(rest: str) -> bool:
    """Whether the words right after a means term answer that there is none or that it is kept
    from the patient: a `risk_means_no` word after a checklist's colon or dash ("Access to pills:
    denies", "Access to guns - none"), or a `risk_means_kept` word first or second, with or
    without the mark ("pills at home: reviewed", "Access to
    medications: husband manages", "Access to meds limited"). A med-rec or lethal-means line
    after a past plan made the past warning critical (758fa444's "access to pills" rows; "Access
    to guns: none" was critical before them): review K46a s35 finding 9. A bare "no" with no mark
    ("has access to pills no plan") is not read as an answer: only the mark makes it one."""
    mark = _ANSWER_MARK.match(rest)
    answer = rest[mark.end() :] if mark else rest
    lead = len(answer) - len(answer.lstrip())
    terms = _terms()
    if mark and any(p.match(answer, lead) for p in terms["risk_means_no"]):
        return True
    at = _KEPT_AT.match(answer)
    starts = {lead} | ({at.end()} if at else set())
    return any(p.match(answer, s) for p in terms["risk_means_kept"] for s in starts)
