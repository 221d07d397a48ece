"""Fix procs31 (recheck K20b s30): ECT refusals and course records.

1. Undo words take an ECT refusal back only when their clause names the refused treatment or only
   words pointing back at it ("now agrees to proceed", "prefers inpatient course"): "patient
   declined ECT, now agrees to lithium augmentation", "now wants to try a different medication",
   "now willing to try an MAOI", a `not-done` ECT whose statusReason says "now agrees to try
   augmentation with aripiprazole" keep ECT declined (they dropped it: the card offered ECT with
   no declined note).
2. "patient declined ketamine, now agrees to ECT" is no ECT refusal; "declined ECT, now agrees
   to ECT after ketamine failed" takes it back; "patient no longer declines ECT" is none.
3. A TMS record in progress since 11-02 with sessions 11-03 to 11-16 is a course running (it read
   "earlier course stopped after 10 sessions", drug steps not held).
4. "ECT acute series - plan maintenance after" is an acute record (open limit 12 weeks); a
   maintenance record is called maintenance and held to policy.maintenance_course_open_max_weeks
   (one open since 2023 held every drug step as "Acute ECT course running").
5. "iTBS left DLPFC (once daily)" completed over 12 days is a standard course cut short, not a
   length to confirm (it lost the TMS referral).

Charts: tests/services/procs31_charts/ (K20b's, all 19 prefetch keys). As-of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "procs31_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_k19b2 = chart_files.loader(Path(__file__).parent / "k19b2_charts")
_at = Evaluator(date(2026, 12, 1))


def _text(name: str) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in _at.cards(_chart(name)))


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize(
    "name",
    [
        "ref1_now_agrees_lithium",
        "ref2_now_wants_medication_change",
        "ref3_now_willing_to_try_mao",
        "ref6_notdone_reason_now_agrees_aripiprazole",
        # Control: another procedure named after the undo words (as in k19b2).
        "ref4_prefers_outpatient_therapy_cbt",
    ],
)
def test_undo_words_about_another_drug_keep_the_ect_refusal(name: str) -> None:
    assert "ECT (declined" in _text(name)


@pytest.mark.parametrize(
    "name",
    [
        "ref5_declined_ketamine_now_agrees",
        "ref9_no_longer_declines",
        "ref10_declined_now_agrees_ect_and_ketamine",
    ],
)
def test_no_ect_refusal_when_the_words_say_none(name: str) -> None:
    text = _text(name)
    assert "ECT (declined" not in text
    assert "ECT (65-75 % response" in text


def test_tms_record_in_progress_with_sessions_inside_is_a_running_course() -> None:
    # Recheck K20b 3: in progress since 11-02 (4 weeks), sessions 11-03 to 11-16.
    text = _text("c4_tms_inprogress_since_1102_sessions_to_1116")
    assert "**TMS course running since 2026-11-02:**" in text
    assert "judge the TMS course at week 4-6 first" in text
    assert "stopped after 10 sessions" not in text
    assert "consider TMS referral" not in text


def test_tms_record_begun_before_its_sessions_still_runs() -> None:
    # Control: the same sessions under a record open since 10-23.
    assert "**TMS course running since 2026-10-23:**" in _text("c5_same_sessions_period_from_1023")


def test_plan_maintenance_after_is_an_acute_record_held_to_its_open_limit() -> None:
    # Recheck K20b 4: "ECT acute series - plan maintenance after", open since 2026-01-12.
    text = _text("c2_acute_ect_open_since_jan_named_maintenance_plan")
    assert "in progress for 46 weeks (record open since 2026-01-12): confirm it is" in text
    assert "ECT course running since" not in text
    assert "judge the ECT course with the ECT service first" not in text


def test_maintenance_ect_record_open_for_years_asks_to_confirm() -> None:
    # Recheck K20b 4: "Maintenance ECT" open since 2023-01-12: past
    # policy.maintenance_course_open_max_weeks (52), no drug step held on it.
    text = _text("c3_maintenance_ect_open_since_2023")
    assert "in progress for 202 weeks (record open since 2023-01-12): confirm it is" in text
    assert "Acute ECT course running" not in text
    assert "judge the ECT course with the ECT service first" not in text


def test_maintenance_ect_record_within_its_limit_is_called_maintenance() -> None:
    # Control: k19b2's "Maintenance ECT (monthly)" open since 2026-01-12 (46 weeks) still holds,
    # worded as maintenance, not acute.
    text = "\n".join(
        f"{c['summary']}\n{c.get('detail', '')}"
        for c in _at.cards(_k19b2("maintenance_ect_in_progress"))
    )
    assert "**Maintenance ECT course running since 2026-01-12:**" in text
    assert "Acute ECT course" not in text
    assert "judge the ECT course with the ECT service first" in text


def test_once_daily_itbs_completed_in_12_days_is_a_course_cut_short() -> None:
    # Recheck K20b 5: "iTBS left DLPFC (once daily)" 09-01 to 09-12, judged as the 10 Hz one
    # (its wording is course31's), not a length to confirm.
    text = _text("c1_itbs_once_daily_12day_completed")
    assert "course length to confirm" not in text
    assert "consider TMS referral" in text
