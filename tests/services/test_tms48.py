"""Fix tms48 (session 37, review K55a finding 2): an esketamine course still being judged holds
the TMS referral's one-click, as a new trial not measured yet does.

Before: nine Spravato sessions 2026-11-02 to 11-30 (venlafaxine still running), PHQ-9 23 -> 15 on
11-30, and the TMS card offered "Refer for TMS evaluation" as one click with only a note that TMS
"would overlap it". Now, while the course runs inside its judging window (data/course_judging.csv:
the label judges benefit at the end of the induction phase, weeks 1-4; held up to week 8), the
summary puts "judge esketamine" first, the detail names the day from the first session (or the
order's start) and the referral is not one click (services/rules/tms_course_judging.py).

Controls: a course in its maintenance weeks (week 11) and a course stopped in October keep the
one-click.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "tms48_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_REFER = "Refer for TMS evaluation"

# Chart -> the words the summary and the held line say of the day to judge it.
HELD = {
    "h_week5_phq9_15_on_day_29": "(due 2026-11-30)",
    "h_week5_no_phq9_since_start": "(due 2026-11-30)",
    "h_week3_induction": "on 2026-12-14",
    "h_ordered_no_session_yet": "on 2026-12-23",
}
OFFERED = {
    "c_week11_maintenance": "control",
    "c_stopped_in_october": "control",
}


@pytest.mark.parametrize("name", sorted(HELD))
def test_the_referral_waits_while_esketamine_is_judged(name: str) -> None:
    card = _cards(name)[chart_files.TMS]
    assert f"judge esketamine {HELD[name]} first, then consider TMS referral" in card["summary"]
    assert not any(s["label"].startswith(_REFER) for s in card.get("suggestions", []))
    assert f"**Not one click yet:** {_REFER}" in card["detail"]
    assert "**Referral not marked recommended while esketamine is judged:**" in card["detail"]
    assert "at the end of its induction phase (weeks 1-4): judge it" in card["detail"]


def test_a_day_already_passed_is_said_as_now() -> None:
    detail = _cards("h_week5_phq9_15_on_day_29")[chart_files.TMS]["detail"]
    assert "judge it now (2026-11-30 was that day) with a PHQ-9; PHQ-9 15 on 2026-11-30" in detail


def test_an_order_with_no_session_counts_from_its_start() -> None:
    detail = _cards("h_ordered_no_session_yet")[chart_files.TMS]["detail"]
    assert "esketamine ordered since 2026-11-25, no session yet" in detail
    assert "from 2027-01-20 (week 9" in detail


@pytest.mark.parametrize("name", sorted(OFFERED))
def test_past_its_window_the_referral_is_one_click(name: str) -> None:
    card = _cards(name)[chart_files.TMS]
    assert "judge esketamine" not in card["summary"] + card["detail"]
    assert any(s["label"] == _REFER for s in card["suggestions"])


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, HELD, OFFERED)
