"""Referrals and courses already under way: which request statuses are still open or never
happened, a TMS referral or course in this episode, an open ECT referral that is still a course.

Apart from pathway.py because "already referred" is read from the record's ServiceRequests and
procedures by its own FHIR RequestStatus rules, and other modules (the psychotherapy card, the
payer criteria, the diagnosis review) use the same statuses; pathway.py records the answers as
PathwayFacts.tms_open and ect_open.
"""

from __future__ import annotations

from datetime import date, timedelta

from fhir_mapping.course_ranges import itemised
from fhir_mapping.record import PatientRecord, ProcedureKind, Referral
from services import ect_phases, open_course, tms_course, tms_retreatment
from services.episode_trials import in_episode
from services.policy import Policy

# FHIR RequestStatus values: a request in one of these is still open.
OPEN_REQUEST_STATUSES = frozenset({"draft", "active", "on-hold"})
# ... and one in these never happened, so it does not count as "already referred".
VOID_REQUEST_STATUSES = frozenset({"revoked", "entered-in-error"})

# An enum member compared per procedure, as a module constant: on Python 3.11 reading a member off
# its Enum class costs about ten times reading a global (issue 14).
_TMS = ProcedureKind.TMS
_ECT = ProcedureKind.ECT


def _tms_open(record: PatientRecord, episode_start: date | None, policy: Policy) -> bool:
    referrals = [
        r for r in record.referrals if r.kind == "tms" and r.status not in VOID_REQUEST_STATUSES
    ]
    sessions = any(p.kind is _TMS and in_episode(p.date, episode_start) for p in record.procedures)
    # Nearly every chart: no TMS referral, no session in this episode; nothing more is read.
    if not referrals and not sessions:
        return False
    # A course that responded, then a relapse (services/tms_retreatment.py): the course is over
    # and a retreatment is what comes next (LCD L37086), so neither it nor a referral written by
    # its last session (that course's or an earlier one's, whatever status the EHR left it in:
    # completed, or still active as EHRs often leave a ServiceRequest) is "already referred".
    # Only a referral written after it (the retreatment's, already placed) is (review s24 RJ
    # finding 6). An undated one still counts: nothing says it is old.
    again = tms_retreatment.retreatment(record, policy)
    done = again.course.end if again is not None else None
    referred = any(
        (r.status in OPEN_REQUEST_STATUSES or in_episode(r.authored, episode_start))
        and (done is None or r.authored is None or r.authored > done)
        for r in referrals
    )
    if referred or not sessions or again is not None:
        return referred
    # A course that ended short of policy.tms_min_course_sessions is no course given: the
    # referral stays available (review s24 RA finding 3; tms_course.TmsCourse.short).
    return any(
        in_episode(c.start, episode_start) and not c.short(policy)
        for c in tms_course.courses(record, policy)
    )


def ect_sessions(record: PatientRecord) -> tuple[date, ...]:
    """The ECT session days on record up to as-of, oldest first (a course documented as a period
    counts by its last day, unless it holds itemised sessions: course_ranges.itemised)."""
    days = [
        p.performed_end or p.date
        for p in itemised(record.procedures)
        if p.kind is _ECT and p.date is not None
    ]
    return tuple(sorted(d for d in days if d is not None and d <= record.as_of))


def ect_session_window(
    order: Referral | None, sessions: tuple[date, ...], policy: Policy
) -> timedelta:
    """How long after its latest session an ECT course is still current: policy
    .ect_recent_session_days, or, when policy.ect_schedule_min_sessions (3) or more sessions on
    record followed the open order (a continuation/maintenance schedule under it),
    policy.ect_session_gap_factor times the last gap between them if that is longer, capped at
    policy.ect_session_window_max_days. Maintenance ECT every 7 weeks, last session 47 days ago,
    order still active, is a course between two sessions (review s22 RR finding 5: it read as
    ended, and the "Lithium during ECT" line and "ECT referral already open" were lost). Two
    sessions a year apart are no schedule, and a 93-day gap after an acute course gives no
    139-day window (review s22 RR2 finding 7: both kept "Lithium ordered during an ECT course"
    months after the last session)."""
    window = timedelta(days=policy.ect_recent_session_days)
    if order is None:
        return window
    written = order.authored
    after = [d for d in sessions if written is None or d >= written]
    if len(after) < max(2, policy.ect_schedule_min_sessions):
        return window
    gap_window = (after[-1] - after[-2]) * policy.ect_session_gap_factor
    cap = timedelta(days=policy.ect_session_window_max_days)
    return max(window, min(gap_window, cap))


def ect_order_current(
    order: Referral, sessions: tuple[date, ...], as_of: date, policy: Policy
) -> bool:
    """An open ECT order is a current course (or a referral under way) when its latest session
    (`sessions`: ect_sessions, oldest first) is within `ect_session_window` (it is that course's
    order, named beside it), when it was written within policy.ect_recent_session_days, or when
    no session on record followed it (just ordered, not yet started). An order left `active`
    months after its course's last session is neither (review s21 RR2 finding 7: an order of
    2026-04-20, sessions in May only, read "ECT referral already open" and "during an ECT
    course" in December; EHRs often leave a ServiceRequest active after the course ends). An
    undated order counts (nothing says it is old: the safer reading). The one rule the
    lithium-ECT check and PathwayFacts.ect_open share."""
    latest = sessions[-1] if sessions else None
    if latest is not None and as_of - latest <= ect_session_window(order, sessions, policy):
        return True
    written = order.authored
    if written is None or as_of - written <= timedelta(days=policy.ect_recent_session_days):
        return True
    return latest is None or latest < written


def _ect_open(record: PatientRecord, policy: Policy) -> Referral | None:
    """An ECT referral still open and current (`ect_order_current`): neuromodulation is already
    being arranged, so no second referral is proposed and TMS waits for the ECT service."""
    sessions = ect_sessions(record)
    return next(
        (
            r
            for r in record.referrals
            if r.kind == "ect"
            and r.status in OPEN_REQUEST_STATUSES
            and ect_order_current(r, sessions, record.as_of, policy)
        ),
        None,
    )


def acute_ect_course(record: PatientRecord, policy: Policy) -> tuple[date, ...]:
    """The sessions of an acute ECT course running on as-of (ect_phases.running_acute: a
    session within policy.tms_session_recent_days, at acute spacing), oldest first, or ().
    One rule for what waits on it: the optimise card's drug proposals
    (rules/optimize/device_course.py) and the TMS referral (tms_assessment.py: as an open ECT
    referral, review s25 RI finding 6)."""
    days = open_course.live_days(record, policy, ect_sessions(record))  # not a stale open one
    if not days:
        return ()  # nearly every chart
    return ect_phases.running_acute(days, record.as_of, policy.tms_session_recent_days)


def ect_outcome_pending(record: PatientRecord, policy: Policy) -> tuple[date, ...]:
    """The sessions of an acute ECT course that has ended (`acute_ect_course` no longer
    running) with its outcome not on record: no valued PHQ-9 after its last session
    (tms_course.scored_after: strictly after, the rule the ECT line reads "during it" by, so a
    PHQ-9 on the last session's day, usually that session's pre-treatment rating, is no outcome:
    review s25 RK3 finding 3), its last session at most policy.ect_outcome_hold_max_days ago
    (never less than the outcome window, policy.mapping.on_treatment_days_after_end); oldest
    first, or (). Review s25 RK2 finding 10: 13 days after 8 sessions, no PHQ-9 since, the TMS
    card offered "consider TMS referral" without naming the course and the optimise card
    offered adjuncts one click. A response to ECT changes what comes next (continuation, not a
    new treatment), so its outcome is asked first: one rule for the optimise card's hold
    (rules/optimize/device_course.py) and the TMS referral's (rules/tms_referral_held.py). The
    hold outlasts the 30-day outcome window (review s25 RK3 finding 4: on day 31 the adjuncts
    came back one click while the ECT line still said "none within 30 days after it"): any
    PHQ-9 after the course releases it, up to the cap."""
    days = open_course.live_days(record, policy, ect_sessions(record))
    if not days or acute_ect_course(record, policy):
        return ()  # nearly every chart; or a course still running (held as running)
    window = max(policy.ect_outcome_hold_max_days, policy.mapping.on_treatment_days_after_end)
    acute = ect_phases.running_acute(days, record.as_of, window)
    if not acute:
        return ()  # none within the cap, or the latest session is maintenance spacing
    if tms_course.scored_after(record.phq9(), acute[-1], record.as_of):
        return ()
    return acute
