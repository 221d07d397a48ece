"""Review s19 M1, M2: whether an esketamine course given in clinic runs is one rule
(services/clinic_courses.py) for every card, the packet and the timeline, and a per-session dose
is written per session.

Before, only the blood-pressure card and the optimise card's course line read the rule; every
other reader of `Trial.ongoing` counted an open order as running whatever its sessions showed. On
esk_open_order_one_session_40_days_ago (one session on 2025-05-29, the order left open, as-of
2025-07-08) the blood-pressure card said "course ended" while the optimise card was held back as
"too early to judge" an esketamine course still running, the packet said "ongoing" and the
timeline "esketamine 16 mg/day from 29 May 2025, ongoing". Now the record itself ends the course
at its last session (clinic_courses.settled): a past adjunct of the episode, named as used and
"not offered again as untried", never a failed antidepressant trial. And the running cards named
56 mg twice weekly "esketamine 16 mg/day" (the segments' time average): now "56 mg per session".

Charts: tests/services/esketamine_everywhere_charts/ (esketamine_running_charts' dated-order chart,
and that chart with the first seven sessions removed and the order dated the day of the one left).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import OfflineResult, evaluate_document
from services import clinic_courses
from services.packet.page import render_packet
from services.policy import Policy
from services.timeline.summary import describe
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_chart = chart_files.loader(Path(__file__).parent / "esketamine_everywhere_charts")
ENDED = "esk_open_order_one_session_40_days_ago"
RUNNING = "esk_open_order_session_10_days_ago"
ENDED_AS_OF = date(2025, 7, 8)  # 40 days after the one session
RUNNING_AS_OF = date(2025, 6, 8)  # 10 days after the last of eight
OPTIMISE = "optimize-switch-augment"
BP = "running-drug-blood-pressure"


def _run(name: str, as_of: date) -> OfflineResult:
    doc = _chart(name)
    return evaluate_document(doc, hook=doc["hook"], as_of=as_of, policy=Policy())


def _cards(result: OfflineResult) -> dict[str, Doc]:
    cards: list[Doc] = result.response.to_json()["cards"]
    return {c["source"]["topic"]["code"]: c for c in cards}


def test_an_open_order_forty_days_after_its_session_is_ended_everywhere() -> None:
    result = _run(ENDED, ENDED_AS_OF)
    record = result.evaluation.record
    course = clinic_courses.course(record, Policy(), "esketamine")
    assert course is not None and not course.running and course.open_order
    (esk,) = [t for t in record.trials if t.ingredient == "esketamine"]
    assert not esk.ongoing and esk.end == date(2025, 5, 29)
    assert esk.sessions_ended == date(2025, 5, 29)
    cards = _cards(result)
    # Before: no optimise card (the course held it back as too early to judge). Escitalopram's
    # supply has been out a month, its order open: the optimise card is folded into the
    # no-supply card, its detail with it (rules/supply_ran_out_hold.py, review s20 RA finding 4).
    assert OPTIMISE not in cards
    detail = cards["adherence-review"]["detail"]
    assert "Adjuncts already used in this episode: esketamine" in detail
    assert "**Esketamine in this episode:** 2025-05-29 to 2025-05-29 (1 session)" in detail
    assert "not offered again as untried" in detail
    # Ended, it is no failed antidepressant trial: the count stays sertraline and escitalopram.
    assert "held while no supply is on record): 2 adequate trials failed (sertraline, " in detail
    assert "2 adequate trials failed" in cards["adherence-review"]["summary"]
    assert "course ended: treat the pressure before any restart" in cards[BP]["summary"]
    assert "though its order (MedicationRequest/esk-order-1) is still active" in cards[BP]["detail"]
    # The packet and the timeline: before, "ongoing" on both.
    packet = render_packet(record, Policy())
    assert "esketamine is dosed per session" in packet
    assert "ongoing; esketamine" not in packet
    timeline = describe(record)
    assert "esketamine 56 mg per session from 29 May 2025 to 29 May 2025" in timeline
    assert "ongoing" not in timeline.split("esketamine")[1].split(".")[0]


def test_a_session_ten_days_ago_runs_everywhere_worded_per_session() -> None:
    result = _run(RUNNING, RUNNING_AS_OF)
    record = result.evaluation.record
    course = clinic_courses.course(record, Policy(), "esketamine")
    assert course is not None and course.running
    (esk,) = [t for t in record.trials if t.ingredient == "esketamine"]
    assert esk.ongoing and esk.sessions_ended is None
    cards = _cards(result)
    assert "with esketamine running: review" in cards[BP]["summary"]
    # Before: "esketamine 16 mg/day, running since 2025-05-05".
    assert "- esketamine 56 mg per session, running since 2025-05-05" in cards[BP]["detail"]
    assert "16 mg/day" not in cards[BP]["detail"]
    assert "ongoing; esketamine is dosed per session" in render_packet(record, Policy())
    timeline = describe(record)
    assert "esketamine 56 mg per session from 5 May 2025, ongoing" in timeline
    assert "16 mg/day" not in timeline


def test_settled_leaves_a_record_without_a_clinic_course_as_it_is() -> None:
    result = _run(RUNNING, RUNNING_AS_OF)
    record = result.evaluation.record
    assert clinic_courses.settled(record, Policy()) is record
