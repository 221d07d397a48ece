"""Session 23 item L1: sig times of day and a fill long after an unfilled renewal.

1. A clock time is a time of day (fhir_mapping/sig_times.py): "15 mg at 6 PM and 1 tablet at
   bedtime" read 15 mg/day (the 6 PM dose had no frequency and was dropped), so the card offered
   to raise mirtazapine to the 30 mg she takes; "1 tab at 8 AM and 1 tab at 8 PM" read no dose.
2. A rate and one time of day that disagree ("twice daily at bedtime") read 2 a day: mirtazapine
   15 mg became 30, an adequate failed trial. Now 1-2 a day (15-30 mg/day: the low end for
   adequacy and raises) and the dose card quotes the sig: "(sig unclear: 'twice daily at
   bedtime')".
3. "q evening" and its kin read no frequency; now once a day.
4. An order of 2024-03-01 and its renewal of 2025-01-10, both with no supply, first filled
   2026-10-20, read "On fluoxetine since 2024-03-01", 143.6 weeks adequate: the unfilled renewal
   made the old order's silence not count (first_fill.first_fill_after_silence).

Charts: tests/services/sig_slots23_charts/ (the mirtazapine chart of dose_arithmetic_charts with
the sig changed) and tests/services/sig_renewal23_charts/ (listed_order_charts' fluoxetine chart
with a renewal), Epic / US Core shaped, every prefetch key.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.dose_sig import sig_frequency_bounds, sig_times_of_day
from fhir_mapping.sig_unclear import sig_unclear
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_sig = chart_files.loader(Path(__file__).parent / "sig_slots23_charts")
_renewal = chart_files.loader(Path(__file__).parent / "sig_renewal23_charts")
_at = Evaluator(date(2026, 12, 1))


def _text(doc: Doc) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in _at.cards(doc))


# --- the sig reader ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sig", "bounds"),
    [
        ("1 tab at 8 AM and 1 tab at 8 PM", (2.0, 2.0)),
        ("take at 0800 and 2000", (2.0, 2.0)),
        ("take 1 tab at 9am", (1.0, 1.0)),
        ("take 50 mg at 8:00 am and 8:00 pm", (2.0, 2.0)),
        ("Take 1 tablet at 6 PM and at bedtime", (2.0, 2.0)),
        # Two clock times of one slot window are two doses when joined by "and".
        ("take 1 tab at 8 pm and 9 pm", (2.0, 2.0)),
        # A clock time and a word for the same time, not joined: one dose.
        ("Take 1 tablet at 9 PM at bedtime", (1.0, 1.0)),
        ("Take 1 tablet every 12 hours (8 am and 8 pm)", (2.0, 2.0)),
        ("take 1 tablet daily at 8 am", (1.0, 1.0)),
        ("1 tab po q evening", (1.0, 1.0)),
        ("1 tab qevening", (1.0, 1.0)),
        ("1 tab q pm", (1.0, 1.0)),
        ("1 tab qhs", (1.0, 1.0)),
        ("1 tab q am", (1.0, 1.0)),
        ("1 tab every morning", (1.0, 1.0)),
        ("1 tab q night", (1.0, 1.0)),
        ("Take 1 tablet twice daily at bedtime", (1.0, 2.0)),
        ("take 1 tab bid in the morning", (1.0, 2.0)),
        # Agreeing rate and times, and a rate below once a day: the rate as before.
        ("Take 1 tablet twice daily in the morning and at bedtime", (2.0, 2.0)),
        ("Take 1 tablet every other day at bedtime", (0.5, 0.5)),
        ("Take 1 tablet by mouth nightly at bedtime", (1.0, 1.0)),
    ],
)
def test_sig_times_of_day_count(sig: str, bounds: tuple[float, float]) -> None:
    assert sig_frequency_bounds(sig) == bounds


def test_clock_times_are_times_of_day_for_the_line_shape() -> None:
    """dose_steps compares a line's times with a structured `timeOfDay` ("20:00")."""
    assert sig_times_of_day("1 tab at 8 PM") == frozenset({"20:00"})
    assert sig_times_of_day("take at 0800 and 2000") == frozenset({"08:00", "20:00"})


def test_sig_unclear_quotes_the_disagreeing_words() -> None:
    assert sig_unclear("Take 1 tablet (15 mg) by mouth twice daily at bedtime") == (
        "twice daily at bedtime"
    )
    assert sig_unclear("Take 1 tablet by mouth nightly at bedtime") is None
    assert sig_unclear("Take 1 tablet every evening at bedtime") is None
    assert sig_unclear("1 tab twice daily at bedtime as needed for sleep") is None


# --- the cards -------------------------------------------------------------------------------


def test_six_pm_and_bedtime_is_thirty_mg_no_raise_to_it() -> None:
    text = _text(_sig("mirtazapine15_6pm_and_bedtime"))
    assert "mirtazapine 30 mg/day since 2026-06-01" in text
    assert "15 mg/day is below the adequate range" not in text


def test_eight_am_and_eight_pm_is_two_tablets() -> None:
    text = _text(_sig("mirtazapine15_8am_and_8pm"))
    assert "mirtazapine 30 mg/day since 2026-06-01" in text


def test_twice_daily_at_bedtime_is_a_range_and_said_unclear() -> None:
    text = _text(_sig("mirtazapine15_twice_daily_at_bedtime"))
    assert "**Dose:** mirtazapine 15-30 mg/day (sig unclear: 'twice daily at bedtime')" in text
    assert "adequate trial failed" not in text


def test_q_evening_is_once_a_day() -> None:
    text = _text(_sig("mirtazapine15_q_evening"))
    assert "Mirtazapine 15 mg/day is below the adequate range" in text


@pytest.mark.parametrize(
    "name",
    [
        "fluoxetine_order2024_active_renewed2025_unfilled_fill_2026_10",
        "fluoxetine_order2024_renewed2025_unfilled_fill_2026_10",
    ],
)
def test_unfilled_renewal_does_not_confirm_the_old_order(name: str) -> None:
    text = _text(_renewal(name))
    assert "On fluoxetine since 2026-10-20" in text
    assert "143.6" not in text and "since 2024-03-01" not in text
