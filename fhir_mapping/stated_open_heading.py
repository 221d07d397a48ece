"""A plan or intent heading answered yes or left open beside a suicide word: "SI: denies. Plan?
unknown", "SI: denies. Plan: yes", "SI: denies. Intent? unsure" (session 39 fix text94: each
was quiet, TMS offered).

stated_heading.states_method reads a heading as a stated suicide plan only when its answer names
a method ("Plan: hang self") or affirms an intent alone ("Intent: high"), so a plan answered
"yes" or "unknown" with no method named gave no card, even where the reason is a suicide
assessment. In a reason that names suicide (a `open_heading_context` word, denied or not: the
risk was asked about), a `risk` heading after ":" or "?" whose answer affirms it
(`risk_heading_yes`, the whole answer: "yes", "+") or leaves it open (`question_open`: "unknown", "unsure", "?"),
or a "?" heading with no answer at all (as "Suicide note?", self_harm_subject._yes), is read as a
stated plan: the denial of ideation does not answer whether there is a plan, and a critical card
that asks costs less than a missed plan (COMMON safety rule).

Decision: with no suicide word ("Plan? unknown", "Plan? yes", "Plan: yes") the heading stays as
it was (no card): the plan may be the discharge or treatment plan, and reading every unanswered
"Plan?" of a note as a suicide plan would be noise on most charts. The heading must open its
clause or follow only suicide words ("SI plan? unknown"): "Dental plan? unknown" is another
plan; `risk_excluded` phrases ("safety plan", "discharge plan") are blanked first. The words are
data (data/stated_history_terms.csv).
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping import stated_terms
from fhir_mapping.text_bounds import CLAUSE_KEPT, pieces
from fhir_mapping.text_negation import normalise_text

__all__ = ["open_heading"]

# What follows a heading word: ":" or one or more "?" (a doubled "?" is one mark, as fix text92).
_MARK = re.compile(r"\s*(?::|\?+)")


@cache
def _context() -> tuple[re.Pattern[str], ...]:
    return stated_terms.patterns("open_heading_context")


def _affirmed_or_open(answer: str, mark: str) -> bool:
    """Whether a heading's answer affirms it or leaves it open (module docstring); after "?", no
    answer at all (up to the next sentence) is open too."""
    answer = answer.strip(" -:")
    if "?" in mark and (not answer or answer.startswith("?")):
        return True
    # A yes is the whole answer ("Plan: yes"), not one opening other words ("plan: yes to TMS":
    # a treatment agreed); an open word may open a longer answer ("Plan? unknown at this time").
    if any(p.fullmatch(answer) for p in stated_terms.patterns("risk_heading_yes")):
        return True
    return any(p.match(answer) for p in stated_terms.patterns("question_open"))


def _only_context(words: str) -> bool:
    """Whether `words` (a clause before its heading) are empty or suicide words only ("si")."""
    for p in _context():
        words = p.sub(" ", words)
    return not re.sub(r"[^a-z0-9]", "", words)


def open_heading(text: str) -> bool:
    """Whether `text` holds a plan or intent heading answered yes or left open in a reason that
    names suicide (module docstring)."""
    plain = normalise_text(text)
    if not any(p.search(plain) for p in _context()):
        return False
    tokens = pieces(plain, CLAUSE_KEPT)
    for i in range(0, len(tokens), 2):
        clause = stated_terms.blanked(tokens[i], "risk_excluded")
        for risk in (m for p in stated_terms.patterns("risk") for m in p.finditer(clause)):
            mark = _MARK.match(clause, risk.end())
            if mark is None or not _only_context(clause[: risk.start()]):
                continue
            if _affirmed_or_open(clause[mark.end() :], mark.group()):
                return True
    return False
