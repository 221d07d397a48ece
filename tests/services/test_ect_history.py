"""ECT on record (review 6 finding 7): a course that ran in this episode is named on the optimise
card with its dates, sessions and PHQ-9s, and ECT is no longer offered beside esketamine as if it
were untried; an earlier-episode course is one line (a response in it favours ECT); the packet
shows each ECT course with the PHQ-9 before and after it. Charts are trd_meets_tms (FHIR, as of
2025-06-02, episode from 2024-10-21) with ECT sessions (CPT 90870) and PHQ-9s added, mapped by
the real mapping."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from html import unescape

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services.packet import render_packet
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules import optimize_switch_augment
from tests.fixtures import builders as b
from tests.fixtures import scenarios
from tests.services.helpers import ctx, tms_sessions, weekdays

POLICY = Policy()
UNTRIED_ECT = "ECT (65-75 % response"  # how the options beyond medication offer ECT


def ect_days(first: date, count: int) -> list[date]:
    """`count` sessions three times a week (Mon, Wed, Fri) from `first`, a Monday."""
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() in (0, 2, 4):
            days.append(day)
        day += timedelta(days=1)
    return days


def chart(sessions: Sequence[date], scores: Sequence[tuple[date, int]] = ()) -> PatientRecord:
    s = scenarios.trd_meets_tms()
    extra = [
        b.procedure(
            b.CPT, "90870", "Electroconvulsive therapy", day, patient=s.patient_id, id=f"ect-{day}"
        )
        for day in sessions
    ]
    for day, total in scores:
        extra += b.phq9(day, total, 0, patient=s.patient_id)
    return build_record(
        [*s.resources, *extra], as_of=s.as_of, patient_id=s.patient_id, policy=POLICY.mapping
    )


def optimise(record: PatientRecord) -> Recommendation:
    rec = optimize_switch_augment.rule(ctx(record, POLICY))
    assert rec is not None
    return rec


def lines(html: str) -> list[str]:
    section = re.search(r'<section id="neuromodulation">(.*?)</section>', html, re.S)
    assert section is not None
    return [unescape(x) for x in re.findall(r"<li>(.*?)</li>", section.group(1))]


# 2025-03-17 .. 2025-04-11, in this episode; the chart's own PHQ-9s (2025-02-10, 2025-05-12)
# fall outside the course's windows (30 days before its first session, 30 after its last).
MARCH = ect_days(date(2025, 3, 17), 12)


def test_a_failed_course_in_this_episode_replaces_ect_as_an_untried_option() -> None:
    record = chart(MARCH, [(date(2025, 3, 13), 20), (date(2025, 4, 14), 19)])
    detail = optimise(record).detail
    assert UNTRIED_ECT not in detail
    assert "**Beyond medication** (CANMAT 2023 second line, Level 1): esketamine" in detail
    assert (
        "**ECT in this episode:** 12 sessions, 2025-03-17 to 2025-04-11; PHQ-9 20 (2025-03-13) "
        "-> 19 (2025-04-14), 5 % better, no response: discuss the next step with the ECT "
        "service." in detail
    )


def test_a_course_without_a_score_before_it_states_what_is_on_record() -> None:
    # As in the review chart: one PHQ-9 near the end of the course, none in the 30 days before.
    record = chart(MARCH, [(date(2025, 4, 7), 22)])
    detail = optimise(record).detail
    assert UNTRIED_ECT not in detail
    assert (
        "**ECT in this episode:** 12 sessions, 2025-03-17 to 2025-04-11; PHQ-9 22 on 2025-04-07, "
        "during it (none in the 30 days before it, none within 30 days after it); latest PHQ-9 18 "
        "on 2025-05-12: discuss the next step with the ECT service." in detail
    )
    # The packet says the same, with both scores' places named.
    html = render_packet(record, POLICY)
    assert lines(html)[1] == (
        "ECT: 12 sessions, 17 Mar 2025 – 11 Apr 2025; PHQ-9 22 (7 Apr 2025) during or after it; "
        "none in the 30 days before it"
    )


def test_a_response_in_this_episode_points_to_continuation_or_maintenance_ect() -> None:
    record = chart(MARCH, [(date(2025, 3, 13), 24), (date(2025, 4, 14), 10)])
    detail = optimise(record).detail
    assert UNTRIED_ECT not in detail
    # The chart's own PHQ-9 of 18 on 2025-05-12 is a relapse after the response (recheck 2
    # item 13: said, not hidden behind "responded"); tests/services/test_recheck2_minor_ect.py
    # has the course still in remission, which keeps the relapse-prevention line.
    assert (
        "PHQ-9 24 (2025-03-13) -> 10 (2025-04-14), 58 % better, responded; then PHQ-9 18 on "
        "2025-05-12: relapse after the response (CANMAT 2023 para 220). The ECT service decides "
        "the next step, including whether TMS has a place." in detail
    )


def test_a_running_course_is_left_to_the_ect_service() -> None:
    record = chart(ect_days(date(2025, 5, 19), 6))  # last session 2025-05-30, as of 2025-06-02
    detail = optimise(record).detail
    assert UNTRIED_ECT not in detail
    assert (
        "**ECT in this episode:** running since 2025-05-19 (6 sessions so far): review the "
        "course with the ECT service." in detail
    )


def test_an_earlier_episode_response_is_one_line_and_ect_stays_offered() -> None:
    record = chart(ect_days(date(2019, 3, 4), 10), [(date(2019, 3, 1), 24), (date(2019, 4, 1), 8)])
    detail = optimise(record).detail
    assert UNTRIED_ECT in detail  # an earlier course: ECT is an option again
    assert (
        "**Earlier ECT:** responded in 2019 (10 sessions, PHQ-9 24 (2019-03-01) -> 8 "
        "(2019-04-01), 67 % better): a prior response favours ECT (CANMAT 2023) (UNVERIFIED)."
        in detail
    )
    html = render_packet(record, POLICY)
    assert lines(html)[1] == (
        "ECT: 10 sessions, 4 Mar 2019 – 25 Mar 2019; PHQ-9 24 (1 Mar 2019) → 8 (1 Apr 2019), "
        "67 % better: response (≥ 50 % drop)"
    )


def test_an_earlier_course_without_scores_says_its_response_is_unknown() -> None:
    record = chart(ect_days(date(2019, 3, 4), 10))
    detail = optimise(record).detail
    assert UNTRIED_ECT in detail
    assert (
        "**Earlier ECT:** 10 sessions in 2019; no PHQ-9 around it on record: response unknown."
        in detail
    )


def test_two_courses_are_two_packet_lines() -> None:
    record = chart(
        [*ect_days(date(2019, 3, 4), 10), *MARCH],
        [(date(2025, 3, 13), 20), (date(2025, 4, 14), 19)],
    )
    assert lines(render_packet(record, POLICY))[1:3] == [
        "ECT: 10 sessions, 4 Mar 2019 – 25 Mar 2019; no PHQ-9 around it on record",
        "ECT: 12 sessions, 17 Mar 2025 – 11 Apr 2025; PHQ-9 20 (13 Mar 2025) → 19 (14 Apr 2025), "
        "5 % better: no response (< 50 % drop)",
    ]
    # The card names this episode's course, not the earlier one.
    detail = optimise(record).detail
    assert "**ECT in this episode:** 12 sessions" in detail and "Earlier ECT" not in detail


def test_without_ect_the_card_and_packet_are_unchanged() -> None:
    record = chart([])
    detail = optimise(record).detail
    assert UNTRIED_ECT in detail and "ECT in this episode" not in detail
    assert "Earlier ECT" not in detail
    assert "ECT: none on record." in lines(render_packet(record, POLICY))


@pytest.mark.real_drug_table
def test_a_tms_course_without_response_does_not_offer_ect_failed_in_this_episode() -> None:
    """The TMS-course card's options after no response name this episode's ECT course instead of
    offering ECT as untried, as the optimise card does."""
    s = scenarios.trd_meets_tms()
    extra = tms_sessions(weekdays(date(2025, 4, 21), date(2025, 5, 30)), s.patient_id)
    extra += [
        b.procedure(
            b.CPT, "90870", "Electroconvulsive therapy", day, patient=s.patient_id, id=f"ect-{day}"
        )
        for day in ect_days(date(2024, 11, 4), 12)
    ]
    for day, total in ((date(2025, 4, 18), 20), (date(2025, 5, 29), 16)):
        extra += b.phq9(day, total, 0, patient=s.patient_id)
    record = build_record(
        [*s.resources, *extra], as_of=s.as_of, patient_id=s.patient_id, policy=POLICY.mapping
    )
    card = {r.topic: r for r in patient_view(record, POLICY)}["tms-course"]
    assert card.summary.endswith("no response by week 6: review the course")
    assert UNTRIED_ECT not in card.detail
    assert "esketamine nasal spray" in card.detail
    assert "**ECT in this episode:** 12 sessions, 2024-11-04 to 2024-11-29" in card.detail
