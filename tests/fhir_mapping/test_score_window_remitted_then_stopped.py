"""Review 11 recheck 2, chart E5: a drug stopped in remission, whose PHQ-9 rises in the days after
the stop, is a drug that worked. The window after a course's end exists for the score a switch was
decided on; a course whose latest score up to its last day showed response or remission keeps that
score, so the rise off the drug (a relapse) is not counted as the trial's failure and does not move
the patient along the pathway.

The chart is test_score_window_next.py's US Core chart without the next drug (sertraline 150 mg
2024-06-03 to 2024-09-09, PHQ-9 23 before it, 21 on 2024-09-30, 22 and 21 later), with PHQ-9s
taken during the course added.
"""

from __future__ import annotations

from datetime import date

from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Score
from fhir_mapping.score_windows import PHQ9ByDate, on_treatment_score
from tests.fhir_mapping.test_score_window_next import SERTRALINE_END, chart, sertraline
from tests.services.factories import score, trial

IN_COURSE = date(2024, 8, 26)  # 12 weeks in, 2 weeks before the stop


def test_a_remission_before_the_stop_is_the_outcome_not_the_rise_after_it() -> None:
    found = sertraline(chart(next_drug=False, scores=((IN_COURSE, 4),)))
    assert found.end == SERTRALINE_END
    assert found.on_treatment is not None
    assert (found.on_treatment.date, found.on_treatment.value) == (IN_COURSE, 4)
    assert found.remission and not found.failed


def test_a_response_before_the_stop_is_the_outcome_too() -> None:
    # 23 -> 10: a 57 % drop, response without remission.
    found = sertraline(chart(next_drug=False, scores=((IN_COURSE, 10),)))
    assert found.on_treatment is not None and found.on_treatment.value == 10
    assert found.response and not found.failed


def test_control_no_response_before_the_stop_the_last_score_on_it_decides() -> None:
    # 23 -> 16 in the course: no response; a rise 3 weeks after the stop (21) was taken off the
    # drug and says no more of it than the last score on it (review s23 RC finding 2).
    found = sertraline(chart(next_drug=False, scores=((IN_COURSE, 16),)))
    assert found.on_treatment is not None
    assert (found.on_treatment.date, found.on_treatment.value) == (IN_COURSE, 16)
    assert found.failed


def test_control_an_improvement_after_the_stop_is_still_read() -> None:
    # The rule keeps an in-course improvement; it never replaces a later, better score.
    policy = MappingPolicy()
    course = trial("sertraline", start=date(2024, 6, 3), weeks=14)
    assert course.end == SERTRALINE_END
    baseline = score(23, date(2024, 6, 3))
    scores = PHQ9ByDate([baseline, score(15, IN_COURSE), score(3, date(2024, 9, 20))])
    found = on_treatment_score(course, scores, policy, baseline=baseline)
    assert isinstance(found, Score) and found.value == 3
