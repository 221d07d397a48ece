"""Fix tms49 (session 37, review K56a findings 3 and 4): an esketamine course ended by its order,
or one whose maintenance only lapsed, no longer holds the TMS referral's one-click.

Finding 3, before: a Spravato order `stopped` for dissociation after 2 sessions (11-16, 11-19)
still read "being judged" (TMS one-click held) and "Esketamine running", as services/
clinic_courses.course counted any session in the last 28 days as running whatever the order said.
Now an order stopped, completed (no supply goes home: fhir_mapping/event_spans._end_recorded) or
past its stated end ends the course; an order entered-in-error is no order (the sessions decide),
and a session after the stated end is taken at its word.

Finding 4, before: 17 sessions since 07-06 with one 30-day gap (09-24 -> 10-24) read as a new
induction, held to 12-19. Now the window counts from the course's first session; only a gap past
services/data/course_restart.csv (56 days, UNVERIFIED) starts a new induction.

Controls: the 66-day gap (a new induction, held to 12-28), the order entered-in-error, a session
after the stated end, and the 28-day gap course (one-click, as before).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "tms49_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_REFER = "Refer for TMS evaluation"

# Charts held before the fix, one-click now.
OFFERED = {
    "o_stopped_dissociation_after_2_sessions": "stopped 11-20 for dissociation",
    "o_completed_after_2_sessions": "completed, no date",
    "o_stated_end_passed": "boundsPeriod.end 11-20",
    "o_maint_gap30_from_july": "30-day lapse in maintenance",
}
# Controls: held as before, with the day to judge it.
HELD = {
    "h_entered_in_error_order_sessions_run": "on 2026-12-14",
    "h_gap66_new_induction": "on 2026-12-28",
    "h_session_after_stated_end": "on 2026-12-14",
}
CONTROLS_OFFERED = {"c_maint_gap28_from_july": "control"}


@pytest.mark.parametrize("name", sorted([*OFFERED, *CONTROLS_OFFERED]))
def test_an_ended_or_lapsed_course_leaves_the_referral_one_click(name: str) -> None:
    card = _cards(name)[chart_files.TMS]
    assert "judge esketamine" not in card["summary"] + card["detail"]
    assert any(s["label"] == _REFER for s in card["suggestions"])
    # Ended by its order: no "running" wording; a maintenance course still runs (the overlap
    # line stays, as for any course past its window: tms_esketamine.py).
    running = "**Esketamine running:**" in card["detail"]
    assert running is ("maint" in name)


@pytest.mark.parametrize("name", ["o_stopped_dissociation_after_2_sessions", "o_stated_end_passed"])
def test_the_optimise_card_calls_the_ended_course_ended(name: str) -> None:
    detail = _cards(name)["optimize-switch-augment"]["detail"]
    assert "**Esketamine in this episode:** 2026-11-16 to 2026-11-20 (2 sessions)" in detail
    assert "running since 2026-11-16" not in detail


@pytest.mark.parametrize("name", sorted(HELD))
def test_a_running_or_new_course_still_holds_the_referral(name: str) -> None:
    card = _cards(name)[chart_files.TMS]
    assert f"judge esketamine {HELD[name]} first, then consider TMS referral" in card["summary"]
    assert not any(s["label"].startswith(_REFER) for s in card.get("suggestions", []))


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, HELD, {**OFFERED, **CONTROLS_OFFERED})
