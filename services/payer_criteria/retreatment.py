"""The `retreatment` criterion: an earlier TMS course must show its response on the PHQ-9."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from fhir_mapping.device_course_outcome import outcome_score
from fhir_mapping.record import DataDomain, ProcedureKind
from services.card_format import record_cite
from services.payer_criteria.inputs import Inputs
from services.payer_criteria.model import Criterion, CriterionStatus
from services.payer_criteria.results import CriterionResult, judged

_HISTORY = (DataDomain.PROCEDURES, DataDomain.REFERRALS)  # where an earlier course is recorded
_TMS = ProcedureKind.TMS  # compared per procedure: a module constant (issue 14)


def _courses(sessions: Sequence[date], gap_days: int) -> list[tuple[date, date]]:
    """TMS sessions grouped into courses: more than `gap_days` apart starts a new one."""
    courses: list[list[date]] = []
    for day in sorted(sessions):
        if courses and (day - courses[-1][-1]).days <= gap_days:
            courses[-1].append(day)
        else:
            courses.append([day])
    return [(c[0], c[-1]) for c in courses]


def evaluate_retreatment(c: Criterion, x: Inputs) -> CriterionResult:
    record, mapping = x.record, x.policy.mapping
    dates = [p.date for p in record.procedures if p.kind is _TMS and p.date]
    referred = [
        r
        for r in record.referrals
        if r.kind == "tms" and r.status == "completed" and r.authored is not None
    ]
    if not dates and not referred:
        # No earlier course is an absence in the procedures and referrals alone: the scores are
        # read only to judge a course's response (audit 15 W4: an `observations` Bundle cut short
        # made "TMS history not available" though every procedure and referral was read).
        if any(record.incomplete(d) for d in _HISTORY):
            return judged(c, CriterionStatus.NOT_AVAILABLE, ("TMS history not available",))
        return judged(c, CriterionStatus.MET, ("no earlier TMS course on record: initial course",))
    if not dates:
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
    start, end = _courses(dates, c.course_gap_days)[-1]
    phq9 = [s for s in record.phq9() if s.value is not None]
    before = [
        s for s in phq9 if start - timedelta(days=mapping.baseline_days_before) <= s.date <= start
    ]
    after = [
        s
        for s in phq9
        if start + timedelta(weeks=mapping.on_treatment_from_week)
        <= s.date
        <= end + timedelta(days=x.policy.tms_outcome_days_after_end)  # as tms_course reads it
    ]
    course = f"TMS course {start.isoformat()} - {end.isoformat()}"
    if not before or not after:
        return judged(
            c,
            CriterionStatus.NOT_ON_RECORD,
            (f"{course}: no PHQ-9 {'before' if not before else 'after'} it to show the response",),
        )
    b = before[-1]
    # A response by the last session is the course's, not the relapse in the month after it
    # (review 11 recheck 2, E5): that relapse is what L37086 retreats.
    a = outcome_score(after, end, False, b, x.policy.remission_below) or after[-1]
    assert b.value is not None and a.value is not None
    improvement = (b.value - a.value) / b.value if b.value else 0.0
    line = (
        f"{course}: PHQ-9 {b.value} ({b.date.isoformat()}) -> {a.value} ({a.date.isoformat()}), "
        f"{round(improvement * 100)} % improvement"
    )
    if improvement >= c.min_improvement:
        return judged(c, CriterionStatus.MET, (line,))
    return judged(
        c,
        CriterionStatus.NOT_MET,
        (f"{line}; retreatment needs {round(c.min_improvement * 100)} %",),
    )
