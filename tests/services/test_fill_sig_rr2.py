"""Review s23 RR2 findings 3 and 4: a regression of this session's fill-vs-sig rule (fill_sig.py).

A dispense's quantity over its daysSupply was read beside every free-text sig, and a fill outside
the sig's reading widened the dose to the range of both:
3. Prozac Weekly, "Take 1 capsule (90 mg) by mouth once weekly", 4 capsules for 28 days: the sig's
   mg are one capsule's, the fill's a day's (12.9), so the dose became "40.01-90 mg weekly (=
   8.89-20 mg/day) is below the adequate range: raise" and the failed adequate trial dropped out
   of the TMS/Maudsley counts. The fill is now never read beside a non-daily product's sig.
4. One odd fill beat a clear sig: escitalopram "1 tablet (20 mg) daily" with a last fill of 30
   for 90 days read 6.67-20 mg/day, "below the adequate range: raise" for a patient at the
   maximum; sertraline 100 with one fill of 90 for 30 days read 100-300 and lost "room to 200:
   raise". A clear sig now keeps its reading; a fill only settles an unclear sig's range (the
   d1b case, test_sig23_clock_repeats.py), and one outside an unclear range is only named.

Charts: tests/services/fill_sig_rr2_charts/ (the review's s3, s3b, s3c, s11, s12, and d1b with its
last fill 30 for 90 days), every prefetch key.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.fill_sig import with_fill
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_chart = chart_files.loader(Path(__file__).parent / "fill_sig_rr2_charts")
_at = Evaluator(date(2026, 12, 1))


def _read(name: str) -> tuple[str, Any]:
    cards, record = _at.cards_and_record(_chart(name))
    text = "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards)
    (trial,) = record.trials
    return text, trial


@pytest.mark.parametrize(
    "name", ["fluoxetine90_weekly_fills4_per_28d", "fluoxetine90_weekly_8am_fills4_per_28d"]
)
def test_a_weekly_capsule_filled_four_a_month_stays_adequate(name: str) -> None:
    text, trial = _read(name)
    assert "below the adequate range" not in text
    assert "1 adequate trial failed (fluoxetine)" in text
    assert "first, then raise fluoxetine 20 → 40 mg/day (daily, not weekly), then switch" in text
    assert (trial.current_mg_per_day, trial.current_mg_per_day_high) == (20.0, None)
    assert not any("filled as" in n for n in trial.notes)


def test_a_weekday_sig_of_a_weekly_capsule_is_not_widened_by_its_fill() -> None:
    # "every Monday at 8 AM": its fill no longer widens it, and one named weekday is weekly
    # (sig_frequencies.csv "every monday" ...): 90 mg a week is 20 mg/day of daily fluoxetine,
    # not 90 mg a day read from the clock time (140 mg/day before the weekday rows).
    text, trial = _read("fluoxetine90_every_monday_8am_fills4_per_28d")
    assert "below the adequate range" not in text
    assert (trial.current_mg_per_day, trial.current_mg_per_day_high) == (20.0, None)
    assert "first, then raise fluoxetine 20 → 40 mg/day (daily, not weekly), then switch" in text
    assert not any("filled as" in n for n in trial.notes)


def test_one_short_fill_does_not_lower_a_clear_maximum_dose() -> None:
    text, trial = _read("escitalopram20_daily_last_fill30_for_90d")
    assert "below the adequate range" not in text
    assert (
        "(escitalopram): ask PHQ-9 item 9 (not recorded) first, then switch to a non-SSRI mechanism"
        in text
    )
    assert [(s.mg_per_day, s.mg_per_day_high) for s in trial.segments] == [(20.0, None)]


def test_one_large_fill_does_not_raise_a_clear_dose() -> None:
    text, trial = _read("sertraline100_daily_one_fill90_for_30d")
    assert "sertraline 100 mg/day, room to 200: raise" in text
    assert (trial.current_mg_per_day, trial.current_mg_per_day_high) == (100.0, None)


def test_a_fill_outside_an_unclear_range_is_named_never_widening_it() -> None:
    # d1b ("8am and 8pm 2 tabs", 100-200) with its last fill 30 for 90 days (16.7 mg/day): the
    # range stands, the fill is named; before, 16.67-200 and "below the adequate range: raise".
    text, trial = _read("sertraline50_8am_8pm_2tabs_last_fill30_for_90d")
    assert "below the adequate range" not in text
    assert (trial.current_mg_per_day, trial.current_mg_per_day_high) == (100.0, 200.0)
    assert any(
        n.endswith("sig unclear: '8am and 8pm 2 tabs', filled as 30 for 90 days")
        for n in trial.notes
    )


def test_the_rule() -> None:
    unclear = "sig unclear: '8am and 8pm 2 tabs'"
    assert with_fill((20.0, None), (6.6667, 30, 90), None) == with_fill(
        (20.0, None), (20.0, 30, 30), None
    )
    assert with_fill((100.0, None), (300.0, 90, 30), None).mg_high is None
    odd = with_fill((100.0, 200.0), (16.6667, 30, 90), unclear)
    assert (odd.mg, odd.mg_high) == (100.0, 200.0)
    assert odd.note == f"{unclear}, filled as 30 for 90 days"
