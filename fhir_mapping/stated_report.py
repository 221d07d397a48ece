"""A risk stated after the patient's denial of suicidal ideation, by an informant or after a
contrast word, and a plan an informant reports (session 33 fixes text48b, text49c).

"Denies SI (mother: pt has plan)" raised no card and offered TMS: the SI is denied, and "pt has
plan" names no suicidal ideation by itself (a plan of what?). After a denial of SI in the same
reason the plan is the one the denial is about: a family member's report of it is collateral
information the C-SSRS screener and The Joint Commission NPSG 15.01.01 ask for, and a current
risk signal whatever the patient says. So a reason that denies SI (stated_denied.denied_finding
on the words before the report) and then gives an informant's report (text_informant.py:
"mother:", "sister reports", "per wife") whose words affirm a `risk` (stated_history.affirms_risk:
"has a plan", "bought a gun", "wrote a goodbye note"; not "no plan", "safety plan", "Plan: f/u
PCP") states suicidal ideation with that risk (visit_risk.py).

Fix text49c (recheck K35a finding 4, text48b's open items):
- A `contrast` word after a denial of SI with a `contrast_verb` right after it (one word, the
  subject, may stand between) opens what the patient affirms as a report does: "denies SI but
  has a plan", "denies SI however states he has a plan" were quiet, TMS offered.
- An informant's report with no denial before it states SI when it affirms an `informant_risk`
  (a plan or intent): "Mother: pt has plan", "wife reports he has a plan" were quiet. Its other
  risks (an attempt, hoarding) still need the denial: "mother reports pt attempted to call".
- A plan with an everyday object ("plans to go home", "plan for follow-up", "planning a trip":
  a `plan_benign_word`, only `plan_benign_link` words, then a `plan_benign_object`) is blanked
  before either is read, so "Denies SI, but has a plan for discharge" stays quiet.
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping import stated_terms
from fhir_mapping.stated_denied import denied_finding
from fhir_mapping.stated_history import affirms_risk
from fhir_mapping.text_informant import report_starts
from fhir_mapping.text_negation import normalise_text

__all__ = ["reports_risk"]

# What a report says runs to its sentence's end (a full stop or semicolon) or its bracket's
# close ("(mother: pt has plan)"); its clauses split at commas, as stated_history.py's.
_REPORT_END = re.compile(r"[.;)]")
# Local, not text_bounds.CLAUSE: a report is already cut at _REPORT_END, and its clauses are
# re-joined with "," (`_risk`).
_CLAUSE_END = re.compile(r",")


def _alternation(role: str) -> str:
    """A role's terms longest first, each whole; a closing `*` any ending."""
    words = sorted((normalise_text(t) for t in stated_terms.terms(role)), key=len, reverse=True)
    return "|".join(
        re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else r"\b") for w in words
    )


@cache
def _contrast() -> re.Pattern[str] | None:
    """A `contrast` word, one word at most, then a `contrast_verb` (the verb is not consumed:
    the words read start right after the contrast word)."""
    contrast, verb = _alternation("contrast"), _alternation("contrast_verb")
    if not contrast or not verb:
        return None
    return re.compile(r"\b(?:" + contrast + r")(?=\s+(?:\w+\s+)?(?:" + verb + r"))")


@cache
def _benign() -> re.Pattern[str] | None:
    """An everyday plan: a plan word, link words only, then an everyday object."""
    head, link = _alternation("plan_benign_word"), _alternation("plan_benign_link")
    thing = _alternation("plan_benign_object")
    if not head or not thing:
        return None
    links = r"(?:\s+(?:" + link + r"))*" if link else ""
    return re.compile(r"\b(?:" + head + r")" + links + r"\s+(?:" + thing + r")")


def blank_benign_plans(text: str) -> str:
    """`text` with each everyday plan ("plan for discharge", "plans to go home") blanked, its
    length kept: read here and by prefix_undone.pre_undone (fix text105)."""
    benign = _benign()
    return text if benign is None else benign.sub(lambda m: " " * len(m.group()), text)


def _starts(plain: str) -> list[tuple[int, int, bool]]:
    """(start, end, told) of each report marker: an informant's (told) or a contrast's."""
    found = [(s, e, True) for s, e in report_starts(plain)]
    contrast = _contrast()
    if contrast is not None:
        found += [(*m.span(), False) for m in contrast.finditer(plain)]
    return sorted(found)


def _risk(report: str, told_alone: bool) -> bool:
    """Whether a report's words affirm a risk; an informant's with no denial before it only an
    `informant_risk` one."""
    report = blank_benign_plans(report)
    clauses = _CLAUSE_END.split(report)
    for i, clause in enumerate(clauses):
        if not affirms_risk(clause.strip(), after=",".join(clauses[i + 1 :])):
            continue
        if not told_alone or any(p.search(clause) for p in stated_terms.patterns("informant_risk")):
            return True
    return False


def reports_risk(text: str) -> bool:
    """Whether a report after a denial of SI, or an informant's report of a plan, affirms a
    risk (module docstring)."""
    plain = normalise_text(text)
    for start, end, told in _starts(plain):
        denied = denied_finding(plain[:start])
        if not denied and not told:
            continue
        if _risk(_REPORT_END.split(plain[end:])[0], told_alone=not denied):
            return True
    return False
