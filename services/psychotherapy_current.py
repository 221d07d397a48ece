"""Whether psychotherapy on record is current, for the psychotherapy card, and what is history.

The one rule the card's "therapy running or arranged: no card" reads (review s24 RQ findings
1-3, 8). Current is:
- a session of a course (services/psychotherapy_sessions.py: the kinds of policy
  psychotherapy_course_kinds) in the current episode (on or after PathwayFacts.episode_start) or
  within policy.psychotherapy_current_days of as-of. Therapy that ended three years ago, before
  this episode, does not show that CBT or IPT is being had now: the card names it and proposes
  resuming it;
- a referral still open (FHIR RequestStatus draft, active, on-hold; or a psychotherapy visit
  planned or booked for as-of or later: fhir_mapping/encounters.py) and written in the current
  episode or within the same window. A referral left `active` since 2023 with no session is an
  order nobody closed, not therapy arranged.
Undated sessions and referrals count as current: nothing on record says they are old, and a card
saying "before this episode" of them would claim more than the record shows.

A `completed` referral is not therapy: in Epic "completed" closes the referral order once it is
sent or scheduled, not once therapy took place (the TMS card's payer line already said "referral
completed ..., no session documented"). With no session of a course on or after its day it is
lapsed, as is an open referral too old to be current: the card names both and asks whether
therapy took place elsewhere, as it does for booked visits that lapsed. A `revoked` referral (the
patient declined, or the order was withdrawn) is named too, never counted.

The TMS payer criterion (services/payer_criteria/psychotherapy.py) still reads therapy at any
time: payers ask whether a psychotherapy trial was ever had, not whether one is running.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fhir_mapping.encounters import BOOKED_STATUSES
from fhir_mapping.record import PatientRecord, ProcedureRecord, Referral
from services.open_referrals import OPEN_REQUEST_STATUSES
from services.policy import Policy
from services.psychotherapy_sessions import PsychotherapySessions

_KIND = "psychotherapy"  # Referral.kind of a psychotherapy referral or booked visit
_ARRANGED = OPEN_REQUEST_STATUSES | BOOKED_STATUSES
_REVOKED = "revoked"
# An open status as a sentence says it: "is still active", "is still on hold", "is still a draft".
_STILL = {"on-hold": "on hold", "draft": "a draft"}


@dataclass(frozen=True, slots=True)
class PsychotherapyStanding:
    """What the record shows of psychotherapy, read against this episode and the window."""

    current: bool  # a course session or an open referral that is current (module docstring)
    past_course: tuple[ProcedureRecord, ...]  # a course's sessions when none is current
    lapsed: tuple[Referral, ...]  # completed, or open but not current, with no session after
    revoked: tuple[Referral, ...]


def _is_current(day: date | None, episode_start: date | None, as_of: date, days: int) -> bool:
    if day is None:
        return True  # nothing says it is old (module docstring)
    if episode_start is not None and day >= episode_start:
        return True
    return as_of - day <= timedelta(days=days)


def _followed(referral: Referral, course: tuple[ProcedureRecord, ...]) -> bool:
    """Whether a course session is on record on or after the referral's day (any, when either
    is undated: the referral may have led to it)."""
    if referral.authored is None:
        return bool(course)
    return any(p.date is None or p.date >= referral.authored for p in course)


def psychotherapy_standing(
    record: PatientRecord,
    policy: Policy,
    episode_start: date | None,
    sessions: PsychotherapySessions,
) -> PsychotherapyStanding:
    as_of, days = record.as_of, policy.psychotherapy_current_days
    course = sessions.course
    referrals = [r for r in record.referrals if r.kind == _KIND]
    session_now = any(_is_current(p.date, episode_start, as_of, days) for p in course)
    open_now = [
        r
        for r in referrals
        if r.status in _ARRANGED and _is_current(r.authored, episode_start, as_of, days)
    ]
    lapsed = tuple(
        r
        for r in referrals
        if (r.status == "completed" or (r.status in _ARRANGED and r not in open_now))
        and not _followed(r, course)
    )
    revoked = tuple(r for r in referrals if r.status == _REVOKED)
    return PsychotherapyStanding(
        current=session_now or bool(open_now),
        past_course=() if session_now else course,
        lapsed=lapsed,
        revoked=revoked,
    )


def _day(r: Referral) -> str:
    return r.authored.isoformat() if r.authored is not None else "of unknown date"


def _written(r: Referral, episode_start: date | None, days: int) -> str:
    """When an open referral too old to be current was written, said as why it is not."""
    when = f"written {_day(r)}"
    if episode_start is not None and r.authored is not None and r.authored < episode_start:
        return f"{when}, before this episode"
    return f"{when}, over {days} days ago"


def lapsed_referrals_line(
    standing: PsychotherapyStanding, episode_start: date | None, policy: Policy
) -> str | None:
    """ "A psychotherapy referral of 2026-06-15 was closed as completed with no session on record
    after it. Ask whether therapy took place elsewhere or why it lapsed before referring again."
    None when no referral lapsed."""
    if not standing.lapsed:
        return None
    days = policy.psychotherapy_current_days
    parts = []
    for r in standing.lapsed:
        if r.status == "completed":
            parts.append(
                f"A psychotherapy referral of {_day(r)} was closed as completed with no session "
                "on record after it."
            )
        else:
            parts.append(
                f"A psychotherapy referral {_written(r, episode_start, days)}, is still "
                f"{_STILL.get(r.status, r.status)} with no session on record after it."
            )
    parts.append(
        "Ask whether therapy took place elsewhere or why it lapsed before referring again."
    )
    return " ".join(parts)


def revoked_line(standing: PsychotherapyStanding) -> str | None:
    """ "A psychotherapy referral of 2026-06-15 was revoked (declined or withdrawn): ask why
    before referring again." None when none was."""
    if not standing.revoked:
        return None
    days = ", ".join(dict.fromkeys(_day(r) for r in standing.revoked))
    if len(standing.revoked) == 1:
        return (
            f"A psychotherapy referral of {days} was revoked (declined or withdrawn): ask why "
            "before referring again."
        )
    return (
        f"{len(standing.revoked)} psychotherapy referrals ({days}) were revoked (declined or "
        "withdrawn): ask why before referring again."
    )


def past_course_words(
    standing: PsychotherapyStanding, episode_start: date | None, policy: Policy
) -> tuple[str, str]:
    """A course with no session current, said for the summary and for the detail:
    ("last psychotherapy 2023-08-21 (12 sessions, before this episode)",
     "before this episode (since 2025-12-01) and none in the last 180 days")."""
    course = standing.past_course
    last = max((p.date for p in course if p.date is not None), default=None)
    n = len(course)
    count = f"{n} session{'s' if n != 1 else ''}"
    days = policy.psychotherapy_current_days
    if episode_start is not None and last is not None and last < episode_start:
        when = "before this episode"
        why = (
            f"before this episode (since {episode_start.isoformat()}), none in the last {days} days"
        )
    else:
        when = f"none in the last {days} days"
        why = when
    on = last.isoformat() if last is not None else "undated"
    return f"last psychotherapy {on} ({count}, {when})", why
