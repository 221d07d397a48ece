"""What an ECT or esketamine course's PHQ-9s are called (review 10 finding 12): a score after the
30-day outcome window is named as the latest one ("none within 30 days after it; latest PHQ-9 18
on 2025-05-12"), never hidden behind "none since"; a score during the course, with none before
it, is said to be during it, not worded as the outcome. A course of an earlier episode keeps its
own window: a score years later says nothing of it. Charts are trd_meets_tms (FHIR, as of
2025-06-02, episode from 2024-10-21; its own PHQ-9s 19 on 2024-10-21, 17 on 2025-02-10 and 18 on
2025-05-12) with sessions and PHQ-9s added, mapped by the real mapping."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from fhir_mapping.build import build_record
from services import tms_course
from services.policy import Policy
from services.rules import optimize_switch_augment
from tests.fixtures import builders as b
from tests.fixtures import scenarios
from tests.services.helpers import ctx

POLICY = Policy()
PID = scenarios.trd_meets_tms().patient_id
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"


def mon_wed_fri(first: date, count: int) -> list[date]:
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() in (0, 2, 4):
            days.append(day)
        day += timedelta(days=1)
    return days


def ect(days: Sequence[date]) -> list[dict[str, Any]]:
    return [
        b.procedure(b.CPT, "90870", "Electroconvulsive therapy", d, patient=PID, id=f"ect-{d}")
        for d in days
    ]


def g2083(days: Sequence[date]) -> list[dict[str, Any]]:
    return [
        b.procedure(HCPCS, "G2083", "Esketamine nasal, > 56 mg", d, patient=PID, id=f"esk-{d}")
        for d in days
    ]


def record(
    extra: Sequence[Any], scores: Sequence[tuple[date, int]] = (), as_of: date | None = None
) -> Any:
    s = scenarios.trd_meets_tms()
    resources = [*s.resources, *extra]
    for day, total in scores:
        resources += b.phq9(day, total, 0, patient=PID)
    return build_record(resources, as_of=as_of or s.as_of, patient_id=PID, policy=POLICY.mapping)


def detail(
    extra: Sequence[Any], scores: Sequence[tuple[date, int]] = (), as_of: date | None = None
) -> str:
    rec = optimize_switch_augment.rule(ctx(record(extra, scores, as_of), POLICY))
    assert rec is not None
    return rec.detail or ""


# 9 sessions 2025-03-17 .. 2025-04-04: the chart's 2025-02-10 is before the 30-day baseline
# window, its 2025-05-12 after the 30-day outcome window (to 2025-05-04).
MARCH = mon_wed_fri(date(2025, 3, 17), 9)


def test_an_ect_course_with_a_later_score_names_it_instead_of_none_since() -> None:
    text = detail(ect(MARCH), [(date(2025, 3, 14), 22)])
    assert (
        "**ECT in this episode:** 9 sessions, 2025-03-17 to 2025-04-04; PHQ-9 22 on 2025-03-14 "
        "before it, none within 30 days after it; latest PHQ-9 18 on 2025-05-12: discuss the next "
        "step with the ECT service." in text
    )
    assert "none since" not in text


def test_none_since_stays_when_no_later_score_exists() -> None:
    # The same chart as of 2025-05-10: the PHQ-9 of 2025-05-12 was not yet taken.
    text = detail(ect(MARCH), [(date(2025, 3, 14), 22)], as_of=date(2025, 5, 10))
    assert "PHQ-9 22 on 2025-03-14 before it, none since: discuss" in text


def test_a_mid_course_esketamine_score_is_not_worded_as_the_outcome() -> None:
    # As the review's N3 chart: no score in the 30 days before, one mid-course, one months on.
    days = [date(2025, 3, 17) + timedelta(days=2 * i) for i in range(12)]  # to 2025-04-08
    text = detail(g2083(days), [(date(2025, 4, 1), 22)])
    assert (
        "PHQ-9 22 on 2025-04-01, during it (none in the 30 days before it, none within 30 days "
        "after it); latest PHQ-9 18 on 2025-05-12" in text
    )


def test_an_earlier_episode_course_does_not_borrow_a_score_years_on() -> None:
    days = mon_wed_fri(date(2019, 3, 4), 10)
    text = detail(ect(days), [(date(2019, 3, 1), 24)])
    assert (
        "**Earlier ECT:** 10 sessions in 2019; PHQ-9 24 on 2019-03-01 before it, none within 30 "
        "days after it: response unknown." in text
    )
    assert "latest PHQ-9" not in text


def test_a_tms_course_outcome_says_none_within_the_window_when_a_later_score_exists() -> None:
    tms = [
        b.procedure(b.CPT, "90868", "TMS subsequent delivery", d, patient=PID, id=f"tms-{d}")
        for d in MARCH
    ]
    # The scenario's PHQ-9 of 2025-05-12 is 38 days after the last session: inside the TMS
    # outcome window (policy.tms_outcome_days_after_end, 42: review s24 RC finding 3) it is the
    # course's outcome; with a 30-day window it is the later score the wording names.
    chart = record(tms, [(date(2025, 3, 14), 22)])
    (course,) = tms_course.courses(chart, POLICY)
    assert course.latest is not None and course.latest.date == date(2025, 5, 12)
    assert course.later is None
    (course,) = tms_course.courses(chart, Policy(tms_outcome_days_after_end=30))
    assert course.later is not None and course.later.date == date(2025, 5, 12)
    assert course.outcome() == "PHQ-9 22 (2025-03-14) before it; none within 30 days after it"
