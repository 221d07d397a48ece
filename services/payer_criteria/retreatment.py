"""The `retreatment` criterion: an earlier TMS course must show its response on the PHQ-9, and a
relapse since (L37086: "previously responded (>50% improvement) and subsequently relapsed").

One rule for the cards, the packet and this criterion (review s25 RT findings 1-4): the courses
are services/tms_course.py's (the clinic's tms_course_gap_days grouping, its baseline and its
outcome read by fhir_mapping/device_course_outcome.py up to tms_outcome_days_after_end after the
last session), and the relapse is services/tms_retreatment.relapse_after's. Before, this module
grouped sessions itself (the payer file's own gap) and read the outcome from week 4 of the course,
so the same course was "31 % better, no response" on a card and "no PHQ-9 after it" in the
packet, and it never looked for a relapse ("Met" for a responder still well).

What is not an earlier course: one still running (it is the current course, not its own
predecessor), and one that stopped short of policy.tms_min_course_sessions with no response
(TmsCourse.short: no adequate course; the TMS card says it "bars no referral here", so the payer
row does not judge it as a failed course either).

At the payer's boundary ("> 50 %" where the policy says more than, `improvement_more_than`),
exactly 50 % is "Met, to confirm", never a plain "Met": the PHQ-9 is an integer scale, so 16 -> 8
is a response by the pathway's own definition (CANMAT: >= 50 %), and refusing it would bar a
responder's retreatment on arithmetic; claiming it met outright would send the payer a packet
whose own numbers contradict its row. The clinician confirms (a second scale, the payer's reading).
"""

from __future__ import annotations

import math
from datetime import date

from fhir_mapping.record import DataDomain, ProcedureKind
from services import tms_course, tms_stated
from services.card_format import record_cite
from services.payer_criteria.inputs import Inputs
from services.payer_criteria.model import Criterion, CriterionStatus
from services.payer_criteria.results import CriterionResult, judged
from services.tms_course import TmsCourse
from services.tms_retreatment import recovered_relapse, relapse_after

_HISTORY = (DataDomain.PROCEDURES, DataDomain.REFERRALS)  # where an earlier course is recorded
_TMS = ProcedureKind.TMS  # compared per procedure: a module constant (issue 14)


def _course_text(course: TmsCourse) -> str:
    return f"TMS course {course.dates()} ({course.sessions_text()})"


def _just_ended(course: TmsCourse, x: Inputs) -> bool:
    """A course inside the cards' running window (TmsCourse.running, the one rule the cards, the
    packet's TMS section and this row read) whose last session is past: running, or just
    ended. The record cannot tell which, so the row says both (review s25 RK4 finding 17)."""
    return course.running and course.end < x.record.as_of


def _not_earlier(course: TmsCourse, x: Inputs) -> str:
    """Why a course on record is not judged as an earlier course."""
    if _just_ended(course, x):
        return (
            f"the TMS course since {course.start.isoformat()} ({course.sessions_text()}) is "
            f"running or just ended (last session {course.end.isoformat()})"
        )
    if course.running:
        return (
            f"the TMS course running since {course.start.isoformat()} ({course.sessions_text()}) "
            "is that course, not an earlier one"
        )
    return (
        f"TMS course {course.dates()} {course.short_text(x.policy)}, no response: not judged "
        "as an earlier course"
    )


def _short_earlier(course: TmsCourse, x: Inputs) -> str:
    """A short course with no response, said as on record (review s27 RB finding 5: "no earlier
    TMS course on record: initial course; TMS course ... stopped after 6 sessions" contradicted
    itself)."""
    return (
        f"earlier TMS course {course.dates()} on record: {course.short_text(x.policy)}, no response"
    )


def _needs(c: Criterion) -> str:
    """ "more than 50 %" (L37086 "> 50 %") or "at least 50 %"."""
    return f"{'more than' if c.improvement_more_than else 'at least'} {round(c.min_improvement * 100)} %"


def _without_course(
    c: Criterion,
    x: Inputs,
    skipped: tuple[str, ...],
    unsettled: bool = False,
    shorts: tuple[TmsCourse, ...] = (),
) -> CriterionResult:
    """No earlier adequate course on record: an initial course, or what keeps it from being said.
    `shorts`: the ended courses too short to be an adequate one (their `_not_earlier` words are
    in `skipped`), named first when the row says "initial course"."""
    record = x.record
    undated = sum(1 for p in record.procedures if p.kind is _TMS and p.date is None)
    if undated:
        return judged(
            c,
            CriterionStatus.NOT_ON_RECORD,
            (
                f"{undated} undated TMS session{'s' if undated > 1 else ''} on record: the course "
                "and its response cannot be placed",
                *skipped,
            ),
        )
    stated = tms_stated.stated_courses(record)
    if stated:
        # A course the problem list states but no session shows (fix tms59): on record, its
        # response not judged here (services/tms_stated.py), never "initial course".
        return judged(
            c,
            CriterionStatus.NOT_ON_RECORD,
            tuple(f"earlier TMS course on record: {s}" for s in stated) + skipped,
            to_document=(
                "the earlier TMS course's PHQ-9 before and after (its response) and a relapse since"
            ),
        )
    referred = [
        r
        for r in record.referrals
        if r.kind == "tms" and r.status == "completed" and r.authored is not None
    ]
    if referred and not skipped:
        r = max(referred, key=lambda r: r.authored or date.min)
        return judged(
            c,
            CriterionStatus.NOT_ON_RECORD,
            (
                # By its day; its id only when undated (cards.record_cite, session 21).
                f"an earlier TMS referral was completed ({r.authored or 'date not recorded'}"
                f"{record_cite(r.source, r.authored is not None, ', {}')}); no course "
                "sessions or response on record",
            ),
        )
    # No earlier course is an absence in the procedures and referrals alone: the scores are read
    # only to judge a course's response (audit 15 W4).
    if any(record.incomplete(d) for d in _HISTORY):
        return judged(c, CriterionStatus.NOT_AVAILABLE, ("TMS history not available", *skipped))
    if unsettled:
        # Never "initial course" to the payer beside a course that may have ended (review s25
        # RK2 finding 7): if it has, a new course is a retreatment, judged on its response and a
        # relapse since. The safer claim is the one the record supports: not on record.
        return judged(
            c,
            CriterionStatus.NOT_ON_RECORD,
            skipped,
            to_document=(
                "whether the TMS course has ended (if it has, a new referral is a retreatment: "
                "its response and a relapse since)"
            ),
        )
    if shorts:
        said = {_not_earlier(k, x) for k in shorts}
        rest = tuple([s for s in skipped if s not in said])
        head = "; ".join(_short_earlier(k, x) for k in shorts)
        return judged(c, CriterionStatus.MET, (f"{head}: judged as an initial course", *rest))
    return judged(
        c, CriterionStatus.MET, ("no earlier TMS course on record: initial course", *skipped)
    )


def _no_relapse_now(x: Inputs, course: TmsCourse, until: date | None) -> str:
    """Why no relapse is judged now: none on record since the course, or one that has passed
    ("relapsed (PHQ-9 16, 2026-02-02), well since (PHQ-9 5, 2026-03-30, below 10)": review s25
    RK2 finding 6, where "no relapse on record" stood beside the 16). Still no retreatment now:
    L37086's relapse is the depression a retreatment would treat, and the latest score shows
    none (tms_retreatment.recovered_relapse)."""
    at_least = x.policy.mapping.relapse_phq9_at_least
    passed = recovered_relapse(x.record, x.policy, course, until)
    if passed is None:
        return f"no relapse on record since (no later PHQ-9 of {at_least} or more)"
    high, latest = passed
    return (
        f"relapsed (PHQ-9 {high.value}, {high.date.isoformat()}), well since (PHQ-9 "
        f"{latest.value}, {latest.date.isoformat()}, below {at_least}): no relapse now"
    )


def evaluate_retreatment(c: Criterion, x: Inputs) -> CriterionResult:
    policy = x.policy
    # One rule for "running" with the cards and the packet's TMS section (review s25 RK4 finding
    # 17): the day after a 22nd session the card held drug steps for the running course while
    # this row, reading its own "ended on the record's evidence" test, judged it an earlier
    # course whose response was not on record. A course inside the running window is never an
    # earlier course here; with its last session past it is "running or just ended" and the
    # row asks whether it has ended (`_without_course`), never "initial course". Why not the
    # other way round: with 20 sessions given, every weekend of a 30-session course would read
    # "ended" on the cards and release drug steps mid-course (confounding its response check).
    found = list(tms_course.courses(x.record, policy))
    earlier = [k for k in found if not k.running and not k.short(policy)]
    if not earlier:
        skipped = tuple(_not_earlier(k, x) for k in found)
        shorts = tuple([k for k in found if not k.running])  # each short (`earlier` is empty)
        return _without_course(c, x, skipped, any(_just_ended(k, x) for k in found), shorts)
    course = earlier[-1]
    line = f"{_course_text(course)}: {course.outcome(c.min_improvement)}"
    change = course.change
    if change is None:
        return judged(c, CriterionStatus.NOT_ON_RECORD, (f"{line}: the response is not on record",))
    at_boundary = math.isclose(change, c.min_improvement, abs_tol=1e-9)
    if change < c.min_improvement and not at_boundary:
        return judged(c, CriterionStatus.NOT_MET, (f"{line}; retreatment needs {_needs(c)}",))
    # The relapse up to the next course's first session: that course's own scores are its own.
    following = [k for k in found if k.start > course.end and not k.short(policy)]
    relapse = relapse_after(x.record, policy, course, following[0].start if following else None)
    if relapse is None:
        return judged(
            c,
            CriterionStatus.NOT_ON_RECORD,
            (f"{line}; {_no_relapse_now(x, course, following[0].start if following else None)}",),
            to_document="a relapse after the earlier TMS course's response (a current rating-scale score)",
        )
    boundary = at_boundary and c.improvement_more_than
    return judged(
        c,
        CriterionStatus.MET,
        (f"{line}; relapse: PHQ-9 {relapse.value} ({relapse.date.isoformat()})",),
        to_confirm=(
            f"a response of {_needs(c)} (exactly {round(c.min_improvement * 100)} % on the "
            "PHQ-9 here)"
            if boundary
            else None
        ),
    )
