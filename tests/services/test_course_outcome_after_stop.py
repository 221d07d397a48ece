"""Review 11 recheck 2, chart E5, for TMS and ECT courses: a course that brought a response by its
last session keeps that response when a PHQ-9 in the month after it is worse. That rise is a
relapse after the course (named on the card), not the course's non-response: a responder who
relapsed is exactly whom L37086 allows a TMS retreatment, and an ECT responder who relapses is
pointed to continuation or maintenance ECT, not told the course failed. Drug courses:
tests/fhir_mapping/test_score_window_remitted_then_stopped.py.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from fhir_mapping.record import PatientRecord
from services import tms_course
from services.payer_criteria.model import CriterionStatus
from services.policy import Policy
from tests.services import factories as f
from tests.services.test_ect_history import MARCH, chart, optimise
from tests.services.test_payer_criteria import (
    _prior_tms_without_response,
    evaluation,
    meets_all,
)


def _tms_then(scores: tuple[tuple[date, int], ...]) -> PatientRecord:
    """The 2021 TMS course of test_payer_criteria (2021-03-01 to 2021-04-10, PHQ-9 20 before
    it, 16 two days after its last session) with `scores` added."""
    record = _prior_tms_without_response(meets_all())
    return dataclasses.replace(record, scores=(*record.scores, *(f.score(v, d) for d, v in scores)))


def test_a_tms_response_before_a_relapse_in_the_month_after_meets_retreatment() -> None:
    # 20 -> 8 at the last week of the course; 16 two days and 18 fifteen days after it.
    record = _tms_then(((date(2021, 4, 8), 8), (date(2021, 4, 25), 18)))
    (course,) = tms_course.earlier_courses(record, Policy())
    assert course.latest is not None and course.latest.value == 8 and course.response
    assert course.later is not None  # the scores since, as for any course
    assert tms_course.failed_course(record, Policy()) is None
    found = {r.id: r for r in evaluation(record, Policy()).results}
    assert found["retreatment"].status is CriterionStatus.MET
    # The course's outcome as the cards read it (the best in its window, 2021-04-08), and the
    # relapse since (the chart's PHQ-9 22): review s25 RT findings 2 and 4.
    assert found["retreatment"].evidence[0] == (
        "TMS course 2021-03-01 - 2021-04-10 (21 sessions): PHQ-9 20 (2021-02-25) -> 8 "
        "(2021-04-08), 60 % better; relapse: PHQ-9 22 (2024-05-20)"
    )


def test_control_no_response_during_the_tms_course_the_score_after_it_decides() -> None:
    record = _tms_then(((date(2021, 4, 8), 17),))
    (course,) = tms_course.earlier_courses(record, Policy())
    assert course.latest is not None and course.latest.value == 16  # 2 days after, 20 %
    assert course.response is False
    assert tms_course.failed_course(record, Policy()) == course


def test_an_ect_response_before_a_rise_after_the_course_is_a_relapse_not_a_failure() -> None:
    # MARCH: 2025-03-17 .. 2025-04-11; 24 before it, 9 on 2025-04-09, 19 two weeks after it.
    record = chart(MARCH, [(date(2025, 3, 13), 24), (date(2025, 4, 9), 9), (date(2025, 4, 25), 19)])
    detail = optimise(record).detail
    assert "PHQ-9 24 (2025-03-13) -> 9 (2025-04-09), 62 % better, responded; then PHQ-9" in detail
    assert "relapse after the response" in detail
    assert "no response" not in detail
