"""A TMS course or an acute ECT course running today: the one predicate both places that wait for
one read (review s25 RO finding 1).

- the optimise card holds its drug proposals while one runs (rules/optimize/device_course.py);
- a clinician's drug order drafted while one runs gets a card saying so
  (order_checks/device_course.py): the proposals the service holds itself must not pass
  unremarked when a clinician writes them by hand.

A TMS course runs while its latest session is within policy.tms_session_recent_days
(tms_course.running_course, the same predicate measurement_based_care.py steps back for). An
acute ECT course runs while its sessions keep an acute schedule (open_referrals.acute_ect_course,
which the TMS referral also waits for); maintenance ECT, sessions a week or more apart, is a
relapse-prevention schedule and holds nothing. A TMS course is read first: two courses at once is not a schedule any service runs,
and TMS has the response check of a named week (tms-course card).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fhir_mapping.record import PatientRecord
from services import ect_run, tms_course
from services.ect_run import EctRun
from services.policy import Policy
from services.tms_course import TmsCourse


@dataclass(frozen=True, slots=True)
class CourseNow:
    """The course running today: its TMS course (None for ECT) or its ECT course (its days and
    any record charted over a period: services/ect_run.py)."""

    tms: TmsCourse | None = None
    ect: EctRun | None = None

    @property
    def name(self) -> str:
        return "TMS" if self.tms is not None else "ECT"

    @property
    def start(self) -> date:
        if self.tms is not None:
            return self.tms.start
        assert self.ect is not None  # `running` builds one or the other
        return self.ect.start

    @property
    def last(self) -> date:
        if self.tms is not None:
            return self.tms.end
        assert self.ect is not None
        return self.ect.last


def running(record: PatientRecord, policy: Policy) -> CourseNow | None:
    """The TMS course running today, else the acute ECT course running today, else None."""
    course = tms_course.running_course(record, policy)
    if course is not None:
        return CourseNow(tms=course)
    ect = ect_run.running(record, policy)
    return CourseNow(ect=ect) if ect is not None else None
