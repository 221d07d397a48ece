"""A TMS retreatment: the latest TMS course has ended, it responded, and the patient relapsed since
(review s24 RJ finding 6).

LCD L37086 permits retreatment "only for patients who met initial criteria and previously
responded (>50% improvement) and subsequently relapsed" (data/payer_criteria/l37086.toml, the
`retreatment` criterion). Before this rule a course in the episode read as "already referred"
(open_referrals._tms_open) whatever followed it, so a responder back at PHQ-9 16 three months on
got no TMS card, only a line inside the optimise card. One rule, here, for the three readers: the
open-referral check (the course and the referral it fulfilled no longer count as open), the TMS
card (worded as a retreatment) and the optimise card's line on the course.

The definitions are the existing ones: the course's response is TmsCourse.response (>= 50 % PHQ-9
drop, the trials' RESPONSE_FRACTION and the criterion's min_improvement 0.5); a relapse is the
latest PHQ-9 after the course's outcome score at or above MappingPolicy.relapse_phq9_at_least,
the threshold services/rules/relapse.py reads after a remission on a drug (the moderate band's
floor). Whether a payer covers it is still the payer criterion's to say on the card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fhir_mapping.record import PatientRecord, Score
from services import tms_course
from services.last_answer import kept
from services.policy import Policy
from services.tms_course import TmsCourse


@dataclass(frozen=True, slots=True)
class Retreatment:
    course: TmsCourse  # the latest course: ended, responded
    relapse: Score  # the latest PHQ-9 since its outcome, at or above the relapse threshold

    def months(self) -> str:
        """ "2025-08..10": the course's months (tms_course.TmsCourse.months)."""
        return self.course.months()

    def better(self) -> str:
        """ "50 % better": the course's response."""
        return f"{self.course.percent()} better"


def _after_response(record: PatientRecord, policy: Policy) -> tuple[TmsCourse, Score] | None:
    """The latest TMS course, ended, that responded, and the latest PHQ-9 (valued, up to as-of)
    after its outcome score; None when any is missing. Only the latest course: a running one is
    under way, and an older response does not make a retreatment of a later course that did not
    respond."""
    ended = tms_course.earlier_courses(record, policy)
    found = tms_course.courses(record, policy)
    if not ended or found[-1] is not ended[-1]:
        return None
    course = ended[-1]
    if course.response is not True:
        return None
    latest = _latest_after(record, course, None)
    return None if latest is None else (course, latest)


def _since(record: PatientRecord, course: TmsCourse, until: date | None) -> list[Score]:
    """The valued PHQ-9s after `course`'s outcome score, up to `until` (as-of when None), oldest
    first."""
    outcome = course.latest
    if outcome is None:
        return []
    last = record.as_of if until is None else min(until, record.as_of)
    since = [s for s in record.phq9() if s.value is not None and outcome.date < s.date <= last]
    return sorted(since, key=lambda s: s.date)


def _latest_after(record: PatientRecord, course: TmsCourse, until: date | None) -> Score | None:
    """The latest valued PHQ-9 after `course`'s outcome score, up to `until` (as-of when None)."""
    since = _since(record, course, until)
    return since[-1] if since else None


def relapse_after(
    record: PatientRecord, policy: Policy, course: TmsCourse, until: date | None = None
) -> Score | None:
    """The relapse after `course`'s outcome score: the latest valued PHQ-9 after it, up to
    `until` (as-of by default; a later course's first session for an earlier course, whose own
    scores are the later course's), when at or above MappingPolicy.relapse_phq9_at_least. None:
    no score since, or the latest is below the threshold (the response holds). The one rule the
    cards (`retreatment`) and the payer's retreatment criterion
    (services/payer_criteria/retreatment.py) read (review s25 RT finding 2)."""
    latest = _latest_after(record, course, until)
    if latest is None or latest.value is None:
        return None
    return latest if latest.value >= policy.mapping.relapse_phq9_at_least else None


def recovered_relapse(
    record: PatientRecord, policy: Policy, course: TmsCourse, until: date | None = None
) -> tuple[Score, Score] | None:
    """A relapse after `course`'s outcome that has since passed: (the latest PHQ-9 at or above
    MappingPolicy.relapse_phq9_at_least after the outcome, the latest PHQ-9 after that, below
    it), up to `until` as `relapse_after` reads it; None when the latest score is itself a
    relapse (`relapse_after`) or none since reached the threshold. The payer row said "no relapse
    on record since" beside a PHQ-9 16 on record, then 5 (review s25 RK2 finding 6): the relapse
    happened and is named, and "well since" says why it is no retreatment now."""
    since = _since(record, course, until)
    at_least = policy.mapping.relapse_phq9_at_least
    high = [s for s in since if s.value is not None and s.value >= at_least]
    if not high or high[-1] is since[-1]:
        return None  # no relapse since, or the latest score is one (`relapse_after`)
    return high[-1], since[-1]


def rising(record: PatientRecord, policy: Policy) -> str:
    """ "PHQ-9 rising since the course (8 -> 13 on 2025-11-17)" when the latest PHQ-9 after a
    responded course's outcome is policy.tms_rise_points or more above it (s25 FB item 2: the
    card naming the course said "It responded" beside a PHQ-9 back up from 8 to 13); "" else.
    Below the relapse threshold too: a response fading is what a clinician watches for before
    it becomes a relapse (`retreatment`)."""
    found = _after_response(record, policy)
    if found is None:
        return ""
    course, latest = found
    outcome = course.latest
    assert outcome is not None and outcome.value is not None and latest.value is not None
    if latest.value - outcome.value < policy.tms_rise_points:
        return ""
    return (
        f"PHQ-9 rising since the course ({outcome.value} -> {latest.value} on "
        f"{latest.date.isoformat()})"
    )


@kept  # the open-referral check and two cards of one evaluation ask
def retreatment(record: PatientRecord, policy: Policy) -> Retreatment | None:
    """The latest TMS course when it has ended, responded, and a relapse followed it (see the
    module docstring), else None."""
    found = _after_response(record, policy)
    if found is None:
        return None
    course = found[0]
    relapse = relapse_after(record, policy, course)
    return None if relapse is None else Retreatment(course=course, relapse=relapse)


def retreatment_line(record: PatientRecord, policy: Policy) -> str:
    """The TMS card's line on an earlier course, so it is never ignored: its dates, sessions and
    response, and what L37086 asks of a retreatment. "" when there is none."""
    ended = tms_course.earlier_courses(record, policy)
    if not ended:
        return ""
    last = ended[-1]
    if last.short(policy):
        # Why it stopped decides what comes next (a seizure or intolerance bars or changes a
        # new course), so it is asked for; the payer's retreatment criterion is its own line.
        return (
            f"**Earlier TMS course:** {last.dates()}, {last.short_text(policy)}; "
            f"{last.outcome()}. It bars no referral here; {_why(last)} is not on record "
            "(intolerance? a seizure? logistics?): find out and tell the TMS service (the "
            "referral is offered, not marked recommended)."
        )
    if last.response is True:
        state = "responded: a retreatment may be considered after relapse"
    else:
        state = "response not on record: document it (a retreatment needs a prior response)"
    return (
        f"**Earlier TMS course:** {last.dates()}, {last.sessions_text()}"
        f"{last.length_note(policy)}; {last.outcome()}; {state} (LCD L37086)."
    )


def _why(course: TmsCourse) -> str:
    """ "why it stopped"; "why it ended short of a full course" for a `completed` record."""
    return "why it ended short of a full course" if course.recorded_completed else "why it stopped"
