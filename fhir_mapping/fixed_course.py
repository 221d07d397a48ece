"""Drugs given as one course of a fixed length, never as an open-ended trial (review 10 finding 2).

Zuranolone (Zurzuvae) is taken once a day for 14 days for postpartum depression, alone or beside
an oral antidepressant, and its label does not establish use beyond 14 days in one course.
Brexanolone (Zulresso) is one continuous 60-hour intravenous infusion for postpartum depression,
given in a certified facility (review 15 W1: a course charted on the MAR was skipped and never
named, and the sertraline that followed it was judged from the score the infusion had left). Judged
like any antidepressant, every such course was "1.9 weeks at an adequate dose (needs 6)": an
adherence-review card blamed a course taken exactly as prescribed, and a longer one could have been
counted as a failed trial toward TMS. Its column in the drug table (fixed_course_days,
DrugInfo.fixed_course_days) makes each course NOT_A_TRIAL: shown in the history with its dates and
dose, never called adequate, inadequate or ongoing, never optimised and never counted as failed
or as an intolerant trial (the rules leave NOT_A_TRIAL courses out of all of these).

Kept apart from adequacy.py (which judges mg/day against a range) because this is not a judgement
of dose or time at all: the drug's label fixes the course.
"""

from __future__ import annotations

from fhir_mapping.drug_table import DrugInfo, fixed_course_words
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import InadequacyReason, Verdict

Judgement = tuple[Verdict, tuple[InadequacyReason, ...], tuple[str, ...]]


def fixed_course(info: DrugInfo | None, ingredient: str, policy: MappingPolicy) -> Judgement | None:
    """(NOT_A_TRIAL, no reasons, the note saying why) for a course of a drug given as a fixed
    course; None for any other drug, whose course adequacy.judge decides."""
    if info is None or info.fixed_course_days is None:
        return None
    note = (
        f"{ingredient}: a fixed {fixed_course_words(info.fixed_course_days)} by its label, not a trial "
        f"of {policy.min_adequate_weeks:g} weeks: shown in the history, never judged adequate "
        "or inadequate and never counted as a failed trial"
    )
    return Verdict.NOT_A_TRIAL, (), (note,)
