"""A risk an informant reports after the patient's denial of suicidal ideation (session 33 fix
text48b, recheck K33/K34 s32 leftovers).

"Denies SI (mother: pt has plan)" raised no card and offered TMS: the SI is denied, and "pt has
plan" names no suicidal ideation by itself (a plan of what?). After a denial of SI in the same
reason the plan is the one the denial is about: a family member's report of it is collateral
information the C-SSRS screener and The Joint Commission NPSG 15.01.01 ask for, and a current
risk signal whatever the patient says. So a reason that denies SI (stated_denied.denied_finding
on the words before the report) and then gives an informant's report (text_informant.py:
"mother:", "sister reports", "per wife") whose words affirm a `risk` (stated_history.affirms_risk:
"has a plan", "bought a gun", "wrote a goodbye note"; not "no plan", "safety plan", "Plan: f/u
PCP") states suicidal ideation with that risk (visit_risk.py). A report with no denial before it
("Mother: pt has plan" alone) is read as before: its plan names no topic.
"""

from __future__ import annotations

import re

from fhir_mapping.stated_denied import denied_finding
from fhir_mapping.stated_history import affirms_risk
from fhir_mapping.text_informant import report_starts
from fhir_mapping.text_negation import normalise_text

__all__ = ["reports_risk"]

# What a report says runs to its sentence's end (a full stop or semicolon) or its bracket's
# close ("(mother: pt has plan)"); its clauses split at commas, as stated_history.py's.
_REPORT_END = re.compile(r"[.;)]")
_CLAUSE_END = re.compile(r",")


def reports_risk(text: str) -> bool:
    """Whether an informant's report after a denial of SI affirms a risk (module docstring)."""
    plain = normalise_text(text)
    for start, end in report_starts(plain):
        if not denied_finding(plain[:start]):
            continue
        clauses = _CLAUSE_END.split(_REPORT_END.split(plain[end:])[0])
        if any(
            affirms_risk(c.strip(), after=",".join(clauses[i + 1 :])) for i, c in enumerate(clauses)
        ):
            return True
    return False
