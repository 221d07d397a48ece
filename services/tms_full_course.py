"""How many sessions make a full acute TMS course, from the payer criteria data (review s21 RF
finding 8): a course of this episode stopped short of it with no response on record is named as
stopped early, not as a course whose response is missing.

Seven sessions of a 30-session course read "Response not on record (document it); no new
referral: a retreatment needs a documented response (LCD L37086)": a retreatment is a question
for a course that was given, and seven sessions are no course. The number is the active rule
set's `course_sessions` where its text states one (Aetna CPB 0469 30 plus taper, L34998 six
weeks of daily sessions, Ambetter CP.BH.200 up to 36); the default set (L37086) states none, so
the fewest any shipped set states is used (a course below it is short by every one of them: the
reading that calls the fewest courses short, so a finished course is never called stopped).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.payer_criteria.loading import builtin_rule_sets, rule_set_for
from services.policy import Policy


@dataclass(frozen=True, slots=True)
class FullCourse:
    sessions: int
    cite: str  # the rule set(s) that state it: "Medicare LCD L34998, Aetna CPB 0469"


def full_course(policy: Policy) -> FullCourse | None:
    """The sessions of a full acute course: the active rule set's, else the fewest the shipped
    sets state; None when no set states one."""
    active = rule_set_for(policy)
    if active.course_sessions is not None:
        return FullCourse(active.course_sessions, active.name)
    stated = [
        (r.course_sessions, r.name)
        for r in builtin_rule_sets().values()
        if r.course_sessions is not None
    ]
    if not stated:
        return None
    fewest = min(n for n, _ in stated)
    return FullCourse(fewest, ", ".join(sorted(name for n, name in stated if n == fewest)))
