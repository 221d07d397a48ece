"""Weeks of a taper are no weeks at an adequate dose (session 26 LA item 2).

Venlafaxine XR 150 mg/day for 4 weeks, then 75 mg/day for 2 weeks and 37.5 mg/day for 1 week, then
stopped and mirtazapine started: 75 mg/day is the bottom of the CANMAT range, so 4 + 2 weeks read
"adequate" and, with a PHQ-9 of 19 at the end, "1 adequate trial failed (venlafaxine)", a trial
toward TMS. The taper is the way off the drug, not a dose it was tried at: now 4 weeks, "possibly
adequate - review", not counted as a failure (fhir_mapping/taper_weeks.py). The same for a taper
written as one order's sig and for sertraline "1/2 tablet daily for 2 weeks then stop"; a lower
dose kept for 4 months before the stop still counts (control).

Charts: tests/services/taper_weeks_charts/ (Epic / US Core shaped community orders and fills, the
step-down orders with boundsPeriod or a taper sig; valid R4B, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.record import DoseSegment, InadequacyReason, TaperSpan, Trial, Verdict
from fhir_mapping.taper_weeks import taper_cut
from tests.services import chart_files
from tests.services.helpers import Evaluator

AS_OF = date(2026, 12, 1)
FOLDER = Path(__file__).parent / "taper_weeks_charts"
CHARTS = sorted(p.stem for p in FOLDER.glob("*.json"))
TAPERS = {
    "venlafaxine_150_4wk_then_75_37_5_orders": ("venlafaxine", 4.0, "2026-03-30"),
    "venlafaxine_150_4wk_then_taper_sig": ("venlafaxine", 4.0, "2026-03-30"),
    "sertraline_100_5wk_then_half_tab_2wk_stop": ("sertraline", 5.0, "2026-04-06"),
}

_chart = chart_files.loader(FOLDER)
_at = Evaluator(AS_OF)


def _trial(name: str, ingredient: str, as_of: date = AS_OF) -> Trial:
    _, record = _at.cards_and_record(_chart(name), as_of=as_of)
    (trial,) = [t for t in record.trials if t.ingredient == ingredient]
    return trial


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


@pytest.mark.parametrize("name", sorted(TAPERS))
def test_a_taper_s_weeks_do_not_make_the_trial_adequate(name: str) -> None:
    ingredient, weeks, cut = TAPERS[name]
    trial = _trial(name, ingredient)
    assert trial.verdict is Verdict.INADEQUATE  # was ADEQUATE: 6 (7) weeks with the taper
    assert trial.reasons == (InadequacyReason.TOO_SHORT,)  # a taper step is no dose too low
    assert trial.weeks_at_adequate_dose == weeks
    assert trial.adequate_from is None
    cards = _at.cards(_chart(name))
    assert not any("adequate trial failed" in c["summary"] for c in cards)
    (card,) = [c for c in cards if c["summary"].startswith("1 trial not adequate")]
    assert (
        f"possibly adequate - review: {weeks:g} weeks at an adequate dose, not counting the "
        f"taper from {cut} (needs 6); not counted as a failure"
    ) in card["detail"]


def test_a_lower_dose_kept_for_months_before_the_stop_still_counts() -> None:
    trial = _trial("venlafaxine_150_then_75_for_4_months_control", "venlafaxine")
    assert trial.verdict is Verdict.ADEQUATE
    assert round(trial.weeks_at_adequate_dose, 1) == 21.1
    assert not any("taper" in note for note in trial.notes)


def test_mid_taper_the_running_course_counts_only_the_weeks_before_it() -> None:
    # As of 2026-04-15, in the taper's second week: 4 weeks at 150, not 6.3.
    trial = _trial("venlafaxine_150_4wk_then_taper_sig", "venlafaxine", date(2026, 4, 15))
    assert trial.ongoing
    assert trial.verdict is Verdict.ONGOING
    assert trial.weeks_at_adequate_dose == 4.0


def _seg(start: str, end: str, mg: float) -> DoseSegment:
    return DoseSegment(date.fromisoformat(start), date.fromisoformat(end), mg)


def _cut(segments: list[DoseSegment], taper_from: str | None, ends_on: str | None) -> date | None:
    """The first day `taper_cut` does not count (venlafaxine, minimum 75, window 4 weeks)."""
    tapers = (TaperSpan(date.fromisoformat(taper_from)),) if taper_from else ()
    end = date.fromisoformat(ends_on) if ends_on else None
    cuts = taper_cut(segments, 75, tapers, end, 4)
    return cuts[0].start if cuts else None


def test_the_cut_is_the_step_to_the_bottom_of_the_doses_that_never_rise_again() -> None:
    up_then_down = [
        _seg("2026-01-05", "2026-02-02", 75),
        _seg("2026-02-02", "2026-03-02", 150),
        _seg("2026-03-02", "2026-03-16", 75),
        _seg("2026-03-16", "2026-03-23", 37.5),
    ]
    # Ended 3 weeks after the step down: a taper (cross_taper_weeks 4).
    assert _cut(up_then_down, None, "2026-03-23") == date(2026, 3, 2)
    # Running on with no taper sig and no stated end: a lower dose now tried, not cut.
    assert _cut(up_then_down, None, None) is None
    # Ended 5 weeks after the step down, no taper sig: the lower dose counts.
    assert _cut(up_then_down, None, "2026-04-06") is None
    # A taper sig from the step down: cut, however long the steps.
    assert _cut(up_then_down, "2026-03-02", None) == date(2026, 3, 2)
    # A taper sig on the last step only, the step before it long: cut at the last step.
    long_middle = [*up_then_down[:2], _seg("2026-03-02", "2026-09-01", 75)]
    long_middle.append(_seg("2026-09-01", "2026-09-08", 37.5))
    assert _cut(long_middle, "2026-09-01", "2026-09-08") == date(2026, 9, 1)
