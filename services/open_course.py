"""A TMS or ECT course charted as one Procedure still `in-progress` long past a course's length
(recheck K18 s29 finding 2).

fhir_mapping/procedures_devices.py runs an in-progress Procedure over an open period to as-of
(review s29 RK finding 1: a course still going is not one session on its start day). Left open,
such a record ran on without limit: "TMS course since 2025-01-06 (week 99.1)", the optimise card
holding every drug step to "judge the TMS course at week 4-6 first", an ECT record open since
2025 holding them as an acute course running. Past policy.tms_course_open_max_weeks /
ect_course_open_max_weeks from its start the record more likely was never closed than the course
still runs: the cards say "in progress for N weeks: confirm it is still running" and hold
nothing on it. A record named maintenance is held to policy.maintenance_course_open_max_weeks. It stays on record (the lithium-ECT line still names it: a safety line, not a
hold).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fhir_mapping.record import PatientRecord, ProcedureKind, ProcedureRecord
from services.policy import Policy


def _limit_days(p: ProcedureRecord, policy: Policy) -> float | None:
    kind = p.kind
    if p.maintenance and kind in (ProcedureKind.TMS, ProcedureKind.ECT):
        return policy.maintenance_course_open_max_weeks * 7
    if kind is ProcedureKind.TMS:
        return policy.tms_course_open_max_weeks * 7
    if kind is ProcedureKind.ECT:
        return policy.ect_course_open_max_weeks * 7
    return None


def too_long(p: ProcedureRecord, as_of: date, policy: Policy) -> bool:
    """An in-progress record over an open period (ProcedureRecord.ongoing) started longer ago
    than its kind's policy limit. A record named maintenance runs for months: held to
    policy.maintenance_course_open_max_weeks instead (ProcedureRecord.maintenance; recheck
    K19b s29: not the acute limit; K20b s30: no limit held drug steps on one open since 2023)."""
    limit = _limit_days(p, policy)
    if limit is None or not p.ongoing or p.date is None:
        return False
    return (as_of - p.date).days > limit


def stale(record: PatientRecord, policy: Policy, kind: ProcedureKind) -> ProcedureRecord | None:
    """The latest such record of `kind`, or None (nearly every chart)."""
    found = [p for p in record.procedures if p.kind is kind and too_long(p, record.as_of, policy)]
    return max(found, key=lambda p: p.date or date.min) if found else None


def live_days(record: PatientRecord, policy: Policy, days: tuple[date, ...]) -> tuple[date, ...]:
    """ECT session days (open_referrals.ect_sessions) less the as-of day a too-long open record
    ends on: what the running course and its outcome hold are read from."""
    found = stale(record, policy, ProcedureKind.ECT)
    if found is None or found.performed_end not in days:
        return days
    listed = list(days)
    listed.remove(found.performed_end)
    return tuple(listed)


def confirm_text(p: ProcedureRecord, as_of: date) -> str:
    """ "in progress for 99 weeks (record open since 2025-01-06): confirm it is still
    running"."""
    start = p.date or as_of
    weeks = (as_of - start).days // 7
    return (
        f"in progress for {weeks} weeks (record open since {start.isoformat()}): confirm it is "
        "still running"
    )


def tms_line(record: PatientRecord, policy: Policy) -> str:
    """The TMS cards' line on a too-long open TMS record with no course running, or ""."""
    found = stale(record, policy, ProcedureKind.TMS)
    if found is None:
        return ""
    return (
        f"**TMS course on record:** charted as one record, {confirm_text(found, record.as_of)}; "
        "nothing here waits on it (a referral, a drug step) until it is."
    )


def session_recent(group: Sequence[tuple[date, date, object]], as_of: date, policy: Policy) -> bool:
    """A one-day session of the course within policy.tms_session_recent_days: a course running
    by its sessions, whatever an open record beside them says (recheck K19b s29)."""
    return any(
        first == last and (as_of - last).days <= policy.tms_session_recent_days
        for first, last, _ in group
    )
