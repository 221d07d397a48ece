"""A TMS or ECT course charted as one Procedure over a period beside its own sessions (recheck
K18 s29 findings 3-4).

- A period with one-day sessions of the same kind inside it holds them: the itemised sessions are
  the course, and the period is the same course said again (`itemised`), unless the record is
  still in progress (the course runs on). Read together, an ECT
  course of 11 sessions charted also as 10-19 to 11-12 read "11 sessions and an ECT course charted
  as one record ...; sessions not itemised", "sessions not counted (documented as a period)".
- A period whose record says the course was given as planned (ProcedureRecord.completed:
  course_end_reasons.py) is not judged "stopped short" by its days (`planned_spans`).

Used by device_course_scores.py (a drug's scoring window) and the services' course readers
(services/tms_course.py, open_referrals.ect_sessions, ect_run.py), so they agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from fhir_mapping.clinical_records import ProcedureKind, ProcedureRecord

# A period whose first one-day session of its kind comes later than this many days after its
# start is not those sessions said again: the period began the course and stays its start
# (recheck K19b s29: a TMS record open since 09-14 with six sessions charted from 11-23 read
# "TMS course since 2026-11-23 (week 1.1)", holding drug steps to 12-21). A week: TMS runs five
# days a week, ECT two or three (data/ect_schedule.csv), so a course's first session falls in
# its first week. A DESIGN CHOICE (UNVERIFIED).
_FIRST_SESSION_DAYS = 7


def itemised(procedures: Iterable[ProcedureRecord]) -> tuple[ProcedureRecord, ...]:
    """`procedures` less each record over a period that holds a one-day record of its kind
    within its first week (`_FIRST_SESSION_DAYS`)."""
    listed = tuple(procedures)
    days = [(p.kind, p.date) for p in listed if p.date is not None and p.performed_end is None]
    if not days:
        return listed
    return tuple(p for p in listed if not _said_again(p, days))


def _said_again(p: ProcedureRecord, days: list[tuple[ProcedureKind, date]]) -> bool:
    # A record still in progress says the course runs, which its sessions cannot say once they
    # stop being charted (recheck K20b s30: TMS in progress since 11-02 with sessions 11-03 to
    # 11-16 read "earlier course stopped after 10 sessions" on 12-01). Kept, it runs to as-of
    # as any open record, and services/open_course.py ends it past its open limit.
    if p.performed_end is None or p.date is None or p.ongoing:
        return False
    inside = [d for k, d in days if k is p.kind and p.date <= d <= p.performed_end]
    return bool(inside) and (min(inside) - p.date).days <= _FIRST_SESSION_DAYS


def planned_spans(procedures: Iterable[ProcedureRecord]) -> frozenset[tuple[date, date]]:
    """(start, end) of the records over a period given as planned (ProcedureRecord.completed)."""
    return frozenset(
        (p.date, p.performed_end)
        for p in procedures
        if p.completed and p.date is not None and p.performed_end is not None
    )
