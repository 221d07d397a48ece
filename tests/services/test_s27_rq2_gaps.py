"""Review s27 RQ2 findings 3 and 5.

3. A score that could not be read, dated before the item-9 window
   (policy.suicide_unassessed_item9_days, 365), raises no data-quality card of its own: a known
   item 9 = 2 of that day raises none, so "1 rating-scale result could not be read ... A
   suicide-risk answer in it would not be reflected" 17 months later was noise. Inside the
   window it is raised as before (the charts' own tests evaluate at 2025-06-15).
5. During a psychiatric stay in progress, the routine PHQ-9 reminder names the stay as the
   pathway cards do ("after discharge"), its PHQ-9 still one click (data/hold_survival.csv:
   inpatient, scale: the ward can record it).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, labels, topics

pytestmark = pytest.mark.real_drug_table

HERE = Path(__file__).parent
_status = chart_files.loader(HERE / "s27_result_status_charts")
_cssrs = chart_files.loader(HERE / "s27_cssrs_level_words_charts")
_ward = chart_files.loader(HERE / "ward_mar_review_charts")

# The unread results are dated 2025-06-10: 365 days later is the window's last day.
LAST_DAY = date(2026, 6, 10)
DAY_AFTER = date(2026, 6, 11)


def test_an_unread_phq9_total_raises_the_card_inside_the_window_only() -> None:
    assert "data-quality" in topics(Evaluator(LAST_DAY).cards(_status("total4_status_registered")))
    later = Evaluator(DAY_AFTER).cards(_status("total4_status_registered"))
    assert "data-quality" not in topics(later)
    # The rest of the chart is judged as before.
    assert "adherence-review" in topics(later)


def test_an_unread_cssrs_level_ages_out_with_the_suicide_risk_card() -> None:
    # Inside the window the suicide-risk card carries it; after, neither card stands.
    inside = topics(Evaluator(LAST_DAY).cards(_cssrs("k10_local_high_registered")))
    assert "suicide-risk" in inside
    after = topics(Evaluator(DAY_AFTER).cards(_cssrs("k10_local_high_registered")))
    assert "suicide-risk" not in after
    assert "data-quality" not in after


def test_the_phq9_reminder_during_a_psychiatric_stay_names_the_inpatient_team() -> None:
    cards = Evaluator(date(2026, 12, 1)).cards(_ward("venlafaxine_twice_daily_utc_times"))
    card = next(c for c in cards if c["source"]["topic"]["code"] == "measurement-based-care")
    assert card["summary"].endswith("the inpatient team can repeat the PHQ-9 to measure response")
    assert "**Currently admitted** (named on the TMS referral card)" in card["detail"]
    assert "the ward can record the PHQ-9" in card["detail"]
    # The PHQ-9 stays one click: the ward can record it.
    assert labels(card) == ["Ask for a PHQ-9"]
