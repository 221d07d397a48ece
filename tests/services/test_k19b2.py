"""Fix k19b2 (recheck K19b s29): regressions of k18b's course Procedures.

1. A TMS record in progress since 2026-09-14 with six sessions charted 11-23 to 11-30: the period
   began the course (its first itemised session comes more than a week after its start), so the
   course runs since 09-14 (week 11.1: review it), not "since 2026-11-23 (week 1.1)"; its recent
   sessions keep it running past the open limit (course_ranges.itemised, open_course).
2. Undo words followed by another treatment ("now wants ketamine instead", "prefers outpatient
   psychotherapy", "now agrees to try esketamine") leave the ECT refusal; "now declines ECT" is
   one.
3. A `completed` "rTMS 10 Hz left DLPFC" over 12 days is not an adequate course judged as an
   initial one (no accelerated protocol named), not a retreatment block.
4. "Maintenance ECT (monthly)" in progress since 2026-01-12 is not held to the acute open limit:
   the course still holds the drug steps and the TMS referral, as before k18b (procs31: to
   policy.maintenance_course_open_max_weeks instead, 52 weeks).

Charts: tests/services/k19b2_charts/ (K19b's and K18's, all 19 prefetch keys). As-of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

HERE = Path(__file__).parent
DIR = HERE / "k19b2_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_k18b = chart_files.loader(HERE / "k18b_charts")
_at = Evaluator(date(2026, 12, 1))


def _text(doc: chart_files.Doc) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in _at.cards(doc))


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def test_period_before_its_itemised_sessions_is_the_course_start() -> None:
    text = _text(_chart("tms_open_11wk_sessions_last_week"))
    assert "TMS course week 11.1" in text
    assert "**TMS course running since 2026-09-14:**" in text
    assert "review the course with the TMS service" in text
    assert "since 2026-11-23" not in text
    assert "confirm it is still running" not in text


@pytest.mark.parametrize(
    "name",
    [
        "ect_declined_now_wants_ketamine",
        "ect_declined_prefers_outpatient_psychotherapy",
        "ect_declined_now_agrees_esketamine",
        "ect_agreed_now_declines",
    ],
)
def test_undo_words_about_another_treatment_keep_the_refusal(name: str) -> None:
    assert "ECT (declined" in _text(_chart(name))


@pytest.mark.parametrize(
    "name",
    ["ect_consult_initially_declined_now_agrees", "ect_declined_outpatient_prefers_inpatient"],
)
def test_undo_words_about_the_refused_treatment_still_take_it_back(name: str) -> None:
    # Controls: k18b's "now agrees to proceed with ECT", "prefers inpatient course".
    assert "ECT (declined" not in _text(_k18b(name))


def test_completed_standard_rtms_short_period_is_not_adequate() -> None:
    text = _text(_chart("rtms_standard_12day_completed"))
    # Worded "completed", not "stopped" (s30 course31 finding 4: tests/services/test_course31.py).
    assert "completed after 12 days (fewer than 20 daily sessions" in text
    assert "not an adequate course" in text
    assert "judged as an initial course" in text
    assert "consider TMS referral" in text
    assert "course length to confirm" not in text
    assert "a retreatment needs a documented response" not in text


def test_completed_saint_period_stays_a_length_to_confirm() -> None:
    # Control: k18b's "Accelerated iTBS (SAINT) 50 sessions" over 5 days.
    assert "5 days on record: course length to confirm" in _text(_k18b("tms_saint_5day_completed"))


def test_maintenance_ect_record_has_no_open_limit() -> None:
    text = _text(_chart("maintenance_ect_in_progress"))
    assert "confirm it is still running" not in text
    assert "consider TMS referral" not in text
    assert "judge the ECT course with the ECT service first" in text


def test_acute_ect_record_open_too_long_still_to_confirm() -> None:
    # Control: k18b's ECT record (not named maintenance) in progress since 2025-03-03.
    assert "confirm it is still running" in _text(_k18b("ect_in_progress_since_2025"))
