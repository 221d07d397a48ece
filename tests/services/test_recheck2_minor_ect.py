"""Recheck 2 item 13: an ECT course that responded, then a PHQ-9 back at the relapse cut-off.

Before (chart C7: 12 sessions, PHQ-9 22 -> 8, then 21 six weeks on) the optimise card said only
"64 % better, responded; relapse after an ECT response is common (60-80 % at 6 months) ...", as if
the patient were still well, and the TMS card offered TMS without a word on the ECT service. Now
the card says what the scores show (the later PHQ-9 and "relapse after the response") and both
cards leave the next step to the ECT service; a course still in remission keeps the relapse
prevention line. Charts: test_ect_history's (trd_meets_tms with CPT 90870 sessions, US Core
shaped, mapped by the real mapping).
"""

from __future__ import annotations

from datetime import date

from services import pathway_options
from services.patient_view import patient_view
from services.policy import Policy
from tests.services.test_ect_history import MARCH, chart, optimise

# 24 before the course, 10 after it (58 % better: a response); the chart's own PHQ-9 of 18 on
# 2025-05-12 comes after the course's 30-day outcome window.
RESPONSE = [(date(2025, 3, 13), 24), (date(2025, 4, 14), 10)]


def _ect_line(detail: str) -> str:
    (line,) = [x for x in detail.split("\n") if x.startswith("**ECT in this episode:**")]
    return line


def test_a_relapse_after_the_ect_response_is_said_with_its_score() -> None:
    line = _ect_line(optimise(chart(MARCH, RESPONSE)).detail)
    assert line.endswith(
        "58 % better, responded; then PHQ-9 18 on 2025-05-12: relapse after the response "
        "(CANMAT 2023 para 220). The ECT service decides the next step, including whether TMS "
        "has a place."
    )
    assert "is common" not in line  # the relapse has happened: not a risk to prevent


def test_the_tms_card_leaves_the_choice_after_an_ect_relapse_to_the_ect_service() -> None:
    cards = {r.topic: r.detail for r in patient_view(chart(MARCH, RESPONSE), Policy())}
    assert (
        "**ECT in this episode:** responded (2025-03-17 to 2025-04-11), then PHQ-9 18 on "
        "2025-05-12: the ECT service decides whether ECT again or TMS comes next; agree it with "
        "them before referring."
    ) in cards["tms-referral"]


def test_a_course_still_in_remission_keeps_the_relapse_prevention_line() -> None:
    # PHQ-9 3 at the end: no optimise card, so the line is read where that card takes it.
    record = chart(MARCH, [*RESPONSE, (date(2025, 5, 26), 3)])
    line = pathway_options.ect_history(record, Policy(), record.episode_start).line
    assert line.endswith(
        "responded; then PHQ-9 3 on 2025-05-26, in remission; relapse after an ECT response is "
        "common (60-80 % at 6 months): continuation or maintenance ECT (CANMAT 2023 para 220): "
        "discuss with the ECT service."
    )
    cards = {r.topic: r.detail for r in patient_view(record, Policy())}
    assert "ECT again or TMS" not in cards.get("tms-referral", "")
