"""An ECT course's session days with the records charted as one period, as the cards name them
(review s29 fix ectdate30).

open_referrals.ect_sessions counts a course charted as ONE Procedure over a period by its last
day (performed_end; an `in-progress` one runs to as-of: fhir_mapping/procedures_devices.py). That
is the day the schedule rules need: whether a course still runs (ect_phases.running_acute) and how
long an order stays current go by the latest session. The range's start is kept apart here, not
added to those days: start and end of one record, weeks apart, would read as maintenance spacing
and end the acute course. What the cards said from the days alone was wrong: a course charted as
11-02 to 11-25 read "Acute ECT course running since 2026-11-25: 1 session so far", one still in
progress "running since 2026-12-01" (as-of). A range record holds an unknown number of sessions,
so the cards name its dates and say the sessions are not itemised, never "1 session".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fhir_mapping.course_ranges import itemised
from fhir_mapping.record import PatientRecord, ProcedureKind
from services import open_referrals
from services.card_format import plural
from services.policy import Policy


@dataclass(frozen=True, slots=True)
class EctRange:
    """One ECT Procedure over a period: its start, its last day on record (as-of while
    `ongoing`), and whether it is still in progress (ProcedureRecord.ongoing)."""

    start: date
    end: date
    ongoing: bool
    # The record names maintenance or continuation (ProcedureRecord.maintenance).
    maintenance: bool = False

    def text(self) -> str:
        """ "2026-11-02 to 2026-11-25", or "2026-10-05 onwards (in progress)"."""
        if self.ongoing:
            return f"{self.start.isoformat()} onwards (in progress)"
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


@dataclass(frozen=True, slots=True)
class EctRun:
    """An ECT course's days (open_referrals.ect_sessions, oldest first: a range by its last day)
    and the range records among them."""

    days: tuple[date, ...]
    ranges: tuple[EctRange, ...] = ()

    @property
    def start(self) -> date:
        """The course's first day: a range record's start, not its last day."""
        return min((self.days[0], *(r.start for r in self.ranges)))

    @property
    def maintenance(self) -> bool:
        """Charted only as records named maintenance (fhir_mapping/course_protocols.py), no
        sessions of its own: the cards call it maintenance, not acute (recheck K20b s30: "ECT
        maintenance" open since 2023 read "Acute ECT course running since 2023-01-12")."""
        return (
            bool(self.ranges) and all(r.maintenance for r in self.ranges) and not self._sessions()
        )

    def course_name(self) -> str:
        """ "Acute ECT course", or "Maintenance ECT course" (`maintenance`)."""
        return "Maintenance ECT course" if self.maintenance else "Acute ECT course"

    def a_course(self) -> str:
        """ "an acute ECT course", or "a maintenance ECT course"."""
        return "a maintenance ECT course" if self.maintenance else "an acute ECT course"

    @property
    def last(self) -> date:
        """The latest day on record (a range's end; as-of for one still in progress)."""
        return self.days[-1]

    def _sessions(self) -> int:
        """The days that are sessions of their own, not a range's last day."""
        ends = {r.end for r in self.ranges}
        return sum(1 for d in self.days if d not in ends)

    def sessions_text(self) -> str:
        """ "8 sessions"; "ECT course charted as one record, 2026-11-02 to 2026-11-25;
        sessions not itemised"; or both ("3 sessions and an ECT course charted as ...")."""
        if not self.ranges:
            return plural(len(self.days), "session")
        charted = "; ".join(r.text() for r in self.ranges)
        one = "one record" if len(self.ranges) == 1 else "records over periods"
        text = f"ECT course charted as {one}, {charted}; sessions not itemised"
        own = self._sessions()
        return f"{plural(own, 'session')} and an {text}" if own else text

    def so_far_text(self) -> str:
        """ "8 sessions so far", or the range's `sessions_text` (no count to say "so far" of)."""
        return f"{self.sessions_text()} so far" if not self.ranges else self.sessions_text()

    def since_text(self) -> str:
        """ "since 2026-11-02, 8 sessions", or the range's `sessions_text` (it names its
        start)."""
        if self.ranges:
            return self.sessions_text()
        return f"since {self.start.isoformat()}, {self.sessions_text()}"

    def last_session_text(self) -> str:
        """ "last session 2026-11-25", or "" when the latest day is a range's end (no session
        on record that day: as-of for one in progress; the range's dates say the rest)."""
        if any(r.end == self.last for r in self.ranges):
            return ""
        return f"last session {self.last.isoformat()}"


def of(record: PatientRecord, days: tuple[date, ...]) -> EctRun | None:
    """`days` (from open_referrals.ect_sessions) with the ECT range records whose last day is
    among them; None for no days."""
    if not days:
        return None
    wanted = set(days)
    ranges = sorted(
        {
            EctRange(p.date, p.performed_end, p.ongoing, p.maintenance)
            for p in itemised(record.procedures)  # a period holding sessions is not named
            if p.kind is ProcedureKind.ECT
            and p.date is not None
            and p.performed_end is not None
            and p.performed_end in wanted
        },
        key=lambda r: (r.start, r.end),
    )
    return EctRun(days, tuple(ranges))


def running(record: PatientRecord, policy: Policy) -> EctRun | None:
    """The acute ECT course running on as-of (open_referrals.acute_ect_course), or None."""
    return of(record, open_referrals.acute_ect_course(record, policy))


def outcome_pending(record: PatientRecord, policy: Policy) -> EctRun | None:
    """The acute ECT course ended with its outcome not on record
    (open_referrals.ect_outcome_pending), or None."""
    return of(record, open_referrals.ect_outcome_pending(record, policy))
