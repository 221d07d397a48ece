"""Audit 19 finding 3: the optimise card and the blood-pressure card disagreed on whether an
esketamine course given in clinic was running.

The optimise card's course line read a course as running for a week after its last session (the
TMS window, policy.tms_session_recent_days) or for as long as any order stayed active; the
blood-pressure card read it as running for 28 days after its last session
(policy.esketamine_session_recent_days) or for as long as an order (dated or not) stayed active.
So a chart with 168/106 and an esketamine order left open five weeks after the last session got
"course ended ... not offered again" on one card and "esketamine running: review ... Review the
dose" on the other. Both now read services/clinic_courses.py: a session within 28 days runs; an
open order runs unless its own sessions, all read, show it stopped. A course that ended with its
order still open gets the label's caution for a restart ("If sessions resume: ..."), not a dose
review.

Charts: tests/services/esketamine_running_charts/*.json (recheck 18a e05 with an active clinic
order added, dated or without a readable date; every prefetch key sent); the sessions-only cases
read e05 itself (tests/services/recheck18a_charts). Sessions: MedicationAdministrations
2025-05-05 to 2025-05-29; readings 172/104 (2025-05-12) and 168/106 (2025-05-31).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services import clinic_courses
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
HERE = Path(__file__).parent
_chart = chart_files.loader(HERE / "esketamine_running_charts")
_e05 = chart_files.loader(HERE / "recheck18a_charts")
LAST_SESSION = date(2025, 5, 29)
BP = "running-drug-blood-pressure"
OPTIMISE = "optimize-switch-augment"
RUNNING_LINE = "**Esketamine in this episode:** running since 2025-05-05 (8 sessions so far)"
ENDED_LINE = "**Esketamine in this episode:** 2025-05-05 to 2025-05-29 (8 sessions)"
DOSE_REVIEW = "Review the dose with the blood pressure"
RESUME = (
    "If sessions resume: treat the blood pressure before the next session, or choose an option "
    "with no blood-pressure warning; if sessions go ahead, measure it before each dose and about "
    "40 minutes after"
)


def _cards(doc: Doc, as_of: date) -> dict[str, Doc]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=as_of, policy=Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return {c["source"]["topic"]["code"]: c for c in cards}


def _days_after_last(days: int) -> date:
    return LAST_SESSION + timedelta(days=days)


@pytest.mark.parametrize(
    "chart",
    ["esk_open_order_sessions_stopped_high_bp", "esk_undated_order_sessions_stopped_high_bp"],
)
def test_an_order_left_open_after_the_sessions_stopped_reads_as_ended_on_both_cards(
    chart: str,
) -> None:
    # Five weeks after the last session, the clinic order still active. Before: the undated
    # order gave "esketamine running: review ... Review the dose" beside "course ended" on the
    # optimise card; the dated one gave "running" on both.
    cards = _cards(_chart(chart), _days_after_last(35))
    assert ENDED_LINE in cards[OPTIMISE]["detail"]
    assert "not offered again as untried" in cards[OPTIMISE]["detail"]
    bp = cards[BP]
    assert bp["indicator"] == "warning"
    assert bp["summary"] == (
        "Uncontrolled blood pressure; esketamine last given 2025-05-29, course ended: treat the "
        "pressure before any restart"
    )
    assert (
        "esketamine given in clinic: 8 sessions from 2025-05-05 to 2025-05-29, none since (more than "
        "28 days): the course reads as ended, though its order (MedicationRequest/esk-order-1) is "
        "still active"
    ) in bp["detail"]
    assert RESUME in bp["detail"]
    assert DOSE_REVIEW not in bp["detail"]
    assert "running" not in bp["summary"]


def test_sessions_two_weeks_ago_run_on_both_cards() -> None:
    # Before: the optimise card called the course ended a week after the last session while
    # the blood-pressure card asked to review the dose; maintenance sessions may be fortnightly.
    cards = _cards(_e05("e05_esketamine_running_admin_high_bp"), _days_after_last(15))
    # Fix 20 L6 item 2: the sessions are a running course (fhir_mapping/session_courses.py), so
    # the optimise card waits on the augmentation under way, as it does with an order (it read
    # "augment ... or switch class" beside "running since 2025-05-05" before).
    ordered = _cards(_chart("esk_open_order_sessions_stopped_high_bp"), _days_after_last(15))
    assert OPTIMISE not in cards and OPTIMISE not in ordered
    assert "esketamine last given 2025-05-29: review" in cards[BP]["summary"]
    assert DOSE_REVIEW in cards[BP]["detail"]


@pytest.mark.parametrize(
    ("days", "running"),
    [(28, True), (29, False)],
)
def test_the_window_boundary_is_one_rule_for_both_cards(days: int, running: bool) -> None:
    # A session exactly policy.esketamine_session_recent_days (28) ago still runs; a day later
    # the course has ended on both cards (sessions only, no order: no blood-pressure card).
    cards = _cards(_e05("e05_esketamine_running_admin_high_bp"), _days_after_last(days))
    assert (RUNNING_LINE in cards[OPTIMISE]["detail"]) is running
    assert (ENDED_LINE in cards[OPTIMISE]["detail"]) is not running
    assert (BP in cards) is running
    # With the order left open, the day after the window gives the caution for a restart.
    ordered = _cards(_chart("esk_open_order_sessions_stopped_high_bp"), _days_after_last(days))
    assert (DOSE_REVIEW in ordered[BP]["detail"]) is running
    assert (RESUME in ordered[BP]["detail"]) is not running


def test_an_open_order_with_no_session_on_record_is_taken_at_its_word() -> None:
    # The MAR read in full and empty: the course may not have begun, or is charted elsewhere.
    doc = _chart("esk_open_order_sessions_stopped_high_bp")
    doc["prefetch"]["medicationAdministrations"]["entry"] = []
    doc["prefetch"]["medicationAdministrations"]["total"] = 0
    cards = _cards(doc, _days_after_last(35))
    assert "with esketamine running: review" in cards[BP]["summary"]
    assert DOSE_REVIEW in cards[BP]["detail"] and RESUME not in cards[BP]["detail"]


def test_an_open_order_with_the_mar_read_in_part_is_taken_at_its_word() -> None:
    # A later session may be on the pages not read: the stop is not proven, the order runs.
    doc = _chart("esk_open_order_sessions_stopped_high_bp")
    doc["prefetch"]["medicationAdministrations"]["total"] = 20  # 8 entries, no next link
    cards = _cards(doc, _days_after_last(35))
    assert "with esketamine running: review" in cards[BP]["summary"]
    assert RESUME not in cards[BP]["detail"]


@pytest.mark.parametrize("chart", ["esk_open_order_sessions_stopped_high_bp", "e05"])
def test_the_optimise_line_follows_clinic_courses_every_day(chart: str) -> None:
    # One rule: from the last session to seven weeks on, the course runs through day 28, and the
    # optimise card (when it is shown) says "running" on exactly the days clinic_courses does.
    checked = folded = 0
    for days in range(0, 50, 3):
        doc = _e05("e05_esketamine_running_admin_high_bp") if chart == "e05" else _chart(chart)
        result = evaluate_document(
            doc, hook=doc["hook"], as_of=_days_after_last(days), policy=Policy()
        )
        course = clinic_courses.course(result.evaluation.record, Policy(), "esketamine")
        assert course is not None and course.running is (days <= 28), days
        cards = {c.topic: c for c in result.evaluation.recommendations}
        if OPTIMISE in cards:  # an order in progress may hold it back (a trial still running)
            assert (RUNNING_LINE in (cards[OPTIMISE].detail or "")) is course.running, days
            checked += 1
        elif "no supply since" in getattr(cards.get("adherence-review"), "summary", ""):
            # Escitalopram's supply out a month (its order open): the optimise card folds into
            # the no-supply card until it is confirmed taken (rules/supply_ran_out_hold.py).
            folded += 1
    assert checked >= 7 and checked + folded >= 8
