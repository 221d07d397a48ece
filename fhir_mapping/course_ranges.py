"""A TMS or ECT course charted as one Procedure over a period beside its own sessions (recheck
K18 s29 findings 3-4).

- A period with one-day sessions of the same kind inside it holds them: the itemised sessions are
  the course, and the period is the same course said again (`itemised`). Read together, an ECT
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

from fhir_mapping.clinical_records import ProcedureRecord


def itemised(procedures: Iterable[ProcedureRecord]) -> tuple[ProcedureRecord, ...]:
    """`procedures` less each record over a period that holds a one-day record of its kind."""
    listed = tuple(procedures)
    days = [(p.kind, p.date) for p in listed if p.date is not None and p.performed_end is None]
    if not days:
        return listed
    return tuple(
        p
        for p in listed
        if p.performed_end is None
        or p.date is None
        or not any(k is p.kind and p.date <= d <= p.performed_end for k, d in days)
    )


def planned_spans(procedures: Iterable[ProcedureRecord]) -> frozenset[tuple[date, date]]:
    """(start, end) of the records over a period given as planned (ProcedureRecord.completed)."""
    return frozenset(
        (p.date, p.performed_end)
        for p in procedures
        if p.completed and p.date is not None and p.performed_end is not None
    )
