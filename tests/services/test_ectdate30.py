"""Fix ectdate30: an ECT course charted as ONE Procedure over a period, named by its start.

proca30 read such a course (in progress with an open period, or stopped / completed over a range)
as given, but the ECT lines dated it by its LAST day: open_referrals.ect_sessions counts a range
by its end, so the optimise card read "Acute ECT course running since 2026-12-01: 1 session so
far" for a course in progress since 2026-10-05 (ip3), and "running since 2026-11-25" for one
charted 2026-11-02 to 2026-11-25 (st5, st5c; RK's e8c). The same in the order-sign twin (d1, d2),
the outcome line once such a course ended (d3, d4: "since 2026-11-12, 1 session") and the TMS
blocker of the packet. Now they name the course's start and what the record shows: "ECT course
charted as one record, <start> to <end> | onwards (in progress); sessions not itemised"
(services/ect_run.py). Separate sessions keep their count (d2c).

The TMS twin: weeks and "running since" already came from the range's start, but a TMS course
charted as one record still in progress read "latest 2026-12-01" / "last session 2026-12-01"
(as-of, no session that day: ip1, ip2); now "still in progress" / "in progress".

Charts: tests/services/ectdate30_charts/ (from the proca30 charts, all 19 prefetch keys; __bup:
order-sign with a bupropion draft) and tests/services/proca30_charts/. As-of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cds_hooks.offline import evaluate_document
from services.ect_run import EctRange, EctRun
from services.policy import Policy
from services.rules.context import build_context
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "ectdate30_charts"
PROCA = Path(__file__).parent / "proca30_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_proca = chart_files.loader(PROCA)
AS_OF = date(2026, 12, 1)
_at = Evaluator(AS_OF)

ONGOING = (
    "ECT course charted as one record, 2026-10-05 onwards (in progress); sessions not itemised"
)
RANGE = "ECT course charted as one record, 2026-11-02 to 2026-11-25; sessions not itemised"
ENDED = "ECT course charted as one record, 2026-10-19 to 2026-11-12; sessions not itemised"


def _detail(doc: chart_files.Doc) -> str:
    return "\n".join(c.get("detail", "") for c in _at.cards(doc))


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- the optimise card (patient-view) ----------------------------------------------------------


def test_an_ect_course_in_progress_as_one_record_is_named_by_its_start() -> None:
    detail = _detail(_proca("ip3_ect_in_progress_long"))
    assert f"**Acute ECT course running since 2026-10-05:** {ONGOING}; judge" in detail
    assert "running since 2026-12-01" not in detail
    assert "1 session so far" not in detail


@pytest.mark.parametrize("name", ["st5_ect_stopped_recent", "st5c_ect_completed_recent"])
def test_an_ect_course_charted_as_a_range_is_named_by_its_start(name: str) -> None:
    detail = _detail(_proca(name))
    assert f"**Acute ECT course running since 2026-11-02:** {RANGE}; judge" in detail
    assert "running since 2026-11-25" not in detail
    assert "1 session so far" not in detail


def test_an_ended_ect_range_without_outcome_names_its_dates() -> None:
    detail = _detail(_chart("d3_ect_period_ended_no_outcome"))
    # The optimise card's hold and the TMS card's, both from ect_outcome_line.
    assert detail.count(f"Acute ECT course ended 2026-11-12** ({ENDED}), no PHQ-9") == 1
    assert detail.count(f"Acute ECT course ended 2026-11-12 ({ENDED}), no PHQ-9") == 1
    assert "since 2026-11-12, 1 session" not in detail


# --- the order-sign twin -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("d1_ect_in_progress_long__bup", f"running since 2026-10-05** ({ONGOING}): its response"),
        (
            "d2_ect_period_completed_recent__bup",
            f"running since 2026-11-02** ({RANGE}): its response",
        ),
        (
            "d2c_ect_sessions_completed_recent__bup",
            "running since 2026-11-02** (11 sessions, last session 2026-11-25): its response",
        ),
    ],
)
def test_a_drug_drafted_during_an_ect_course_names_the_course_by_its_start(
    name: str, said: str
) -> None:
    (card,) = [c for c in _at.cards(_chart(name)) if "during an acute ECT course" in c["summary"]]
    assert f"**Acute ECT course {said}" in card["detail"]


def test_a_drug_drafted_after_an_ended_ect_range_names_its_dates() -> None:
    (card,) = [
        c
        for c in _at.cards(_chart("d4_ect_period_ended_no_outcome__bup"))
        if c["summary"].startswith("Bupropion ordered after an ECT course")
    ]
    assert card["detail"].startswith(f"**Acute ECT course ended 2026-11-12** ({ENDED}), no PHQ-9")


# --- the TMS blocker (packet) ------------------------------------------------------------------


def test_the_tms_blocker_names_an_ect_range_by_its_dates() -> None:
    doc = _proca("ip3_ect_in_progress_long")
    result = evaluate_document(doc, hook="patient-view", as_of=AS_OF, policy=Policy())
    facts = build_context(result.evaluation.record, Policy()).facts
    assert (
        f"an acute ECT course is running ({ONGOING}): the ECT service judges its response first"
    ) in facts.tms.blockers


# --- the TMS twin ------------------------------------------------------------------------------


def test_a_tms_course_in_progress_as_one_record_has_no_session_today() -> None:
    detail = _detail(_proca("ip1_tms_in_progress_period"))
    assert "**TMS course:** first session 2026-11-02, still in progress, sessions not" in detail
    assert "latest 2026-12-01" not in detail


def test_a_drug_drafted_during_a_tms_course_in_progress_as_one_record() -> None:
    detail = _detail(_proca("ip2_tms_in_progress_period__bup"))
    assert (
        "**TMS course running since 2026-11-02** (sessions not counted (documented as a period), "
        "in progress):"
    ) in detail
    assert "last session 2026-12-01" not in detail
    # The same course as sessions keeps its last session.
    assert "(21 sessions, last session 2026-11-30)" in _detail(
        _proca("ip2c_tms_running_sessions__bup")
    )


# --- the words (services/ect_run.py) -----------------------------------------------------------


def test_an_ect_run_of_sessions_and_a_range() -> None:
    days = (date(2026, 11, 20), date(2026, 11, 23), date(2026, 11, 25))
    run = EctRun(days, (EctRange(date(2026, 11, 2), date(2026, 11, 20), ongoing=False),))
    assert run.start == date(2026, 11, 2)
    assert run.sessions_text() == (
        "2 sessions and an ECT course charted as one record, 2026-11-02 to 2026-11-20; "
        "sessions not itemised"
    )
    assert run.last_session_text() == "last session 2026-11-25"  # its own session
    sessions = EctRun(days)
    assert sessions.so_far_text() == "3 sessions so far"
    assert sessions.since_text() == "since 2026-11-20, 3 sessions"
