"""A taper's cut is its own days (s26 RK1 findings 2 and 7, on the LA taper-weeks fix).

Finding 2 (UNSAFE): venlafaxine XR 150 mg/day for 4 weeks, then an order "75 mg daily for 14 days,
then stop", then an ACTIVE order for 75 mg daily filled monthly to November, PHQ-9 20 -> 17. The
taper sig cut every day from its step down "however long the steps last", so the 7 months at 75
mg/day were no weeks at an adequate dose: the trial read as ongoing at 4 weeks and the patient,
still depressed on venlafaxine 75, got no optimise card at all (the base said "being tapered to a
stop: choose the next antidepressant", also wrong). Now the taper's span ends at the later order
(fhir_mapping/taper.py `taper_spans`): its 2 weeks are not counted, the 7 months are, and the card
is the one the same chart gets without "then stop" (raise venlafaxine first, adjuncts next).

Finding 7: venlafaxine 300 mg/day for 2 weeks, reduced to 150 for 3 weeks for nausea, then 75 for 1
week, then stopped: the cut began at the first step of the descending run, dropping 3 weeks at
150 mg/day, a treating dose ("2 weeks ..., not counting the taper from 2026-03-16"). Now the cut
begins at the step to the bottom of the adequate range (75, the minimum) or below: 5 weeks, "not
counting the taper from 2026-04-06" (fhir_mapping/taper_weeks.py says why not the last step below
the minimum: the LA chart 150 -> 75 -> 37.5 would then count its 75 mg taper weeks as adequate).

Charts: tests/services/taper_span_charts/ (Epic / US Core shaped community orders and fills, built
from the LA taper-weeks charts; valid R4B, every prefetch key).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.record import DoseSegment, InadequacyReason, TaperSpan, Trial, Verdict
from fhir_mapping.taper_weeks import taper_cut
from services.timeline.picture import render_svg
from tests.services import chart_files
from tests.services.helpers import Evaluator

AS_OF = date(2026, 12, 1)
FOLDER = Path(__file__).parent / "taper_span_charts"
CHARTS = sorted(p.stem for p in FOLDER.glob("*.json"))
TAPER_THEN_ON = "venlafaxine_150_4wk_taper_order_then_75_continued_7mo"
CONTROL = "venlafaxine_150_4wk_75_14d_order_then_75_continued_7mo_control"
REDUCED_THEN_ENDED = "venlafaxine_300_2wk_150_3wk_for_nausea_75_1wk_ended"

_chart = chart_files.loader(FOLDER)
_at = Evaluator(AS_OF)


def _venlafaxine(name: str, as_of: date = AS_OF) -> Trial:
    _, record = _at.cards_and_record(_chart(name), as_of=as_of)
    (trial,) = [t for t in record.trials if t.ingredient == "venlafaxine"]
    return trial


def _texts(name: str) -> list[tuple[str, str]]:
    return [(c["summary"], c["detail"]) for c in _at.cards(_chart(name))]


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


def test_a_taper_order_followed_by_a_steady_order_cuts_only_its_own_days() -> None:
    trial = _venlafaxine(TAPER_THEN_ON)
    control = _venlafaxine(CONTROL)
    assert trial.taper_spans == (TaperSpan(date(2026, 3, 30), date(2026, 4, 13)),)
    assert not trial.being_tapered
    assert trial.ongoing
    assert trial.verdict is Verdict.ADEQUATE  # was ONGOING at 4.0 weeks
    assert control.verdict is Verdict.ADEQUATE
    # The 14 days the order said were a taper stay uncounted; the 7 months after count.
    assert round(control.weeks_at_adequate_dose - trial.weeks_at_adequate_dose, 6) == 2
    assert trial.weeks_at_adequate_dose > 30


def test_the_patient_still_on_75_gets_the_card_of_the_same_chart_without_then_stop() -> None:
    texts = _texts(TAPER_THEN_ON)
    assert texts == _texts(CONTROL)
    summaries = [s for s, _ in texts]
    assert any(
        s.startswith("1 adequate trial failed (venlafaxine): venlafaxine 75 mg/day, room to 225")
        for s in summaries
    )
    assert not any("being tapered" in s or "being tapered" in d for s, d in texts)


def test_before_the_steady_order_the_taper_is_still_the_plan() -> None:
    # As of 2026-04-08, a week into the 14 days and before the order of 2026-04-13.
    trial = _venlafaxine(TAPER_THEN_ON, date(2026, 4, 8))
    assert trial.taper_spans == (TaperSpan(date(2026, 3, 30)),)
    assert trial.being_tapered
    assert trial.weeks_at_adequate_dose == 4.0


def test_the_timeline_says_taper_step_only_for_a_bar_wholly_in_the_taper() -> None:
    _, record = _at.cards_and_record(_chart(TAPER_THEN_ON))
    tips = re.findall(r"<title>([^<]*)</title>", render_svg(record))
    (bar,) = [t for t in tips if t.startswith("Venlafaxine 75 mg/day")]
    assert "taper step" not in bar  # 30 Mar to 1 Dec: 2 weeks of taper, then 33 weeks on
    assert ": adequate dose" in bar


def test_a_reduction_that_stays_above_the_minimum_still_counts() -> None:
    trial = _venlafaxine(REDUCED_THEN_ENDED)
    assert not trial.ongoing
    assert trial.verdict is Verdict.INADEQUATE
    assert trial.reasons == (InadequacyReason.TOO_SHORT,)
    assert trial.weeks_at_adequate_dose == 5.0  # was 2.0: 300 x 2 weeks + 150 x 3 weeks
    (card,) = [c for c in _at.cards(_chart(REDUCED_THEN_ENDED)) if "not adequate" in c["summary"]]
    assert (
        "possibly adequate - review: 5 weeks at an adequate dose, not counting the taper from "
        "2026-04-06 (needs 6)"
    ) in card["detail"]


def _seg(start: str, end: str, mg: float) -> DoseSegment:
    return DoseSegment(date.fromisoformat(start), date.fromisoformat(end), mg)


def test_the_window_cut_starts_at_the_step_to_the_minimum_or_below() -> None:
    # Venlafaxine (minimum 75) 225 x 4 wk, 150 x 2 wk, 75 x 1 wk, ended: 150 counts, 75 does not.
    down = [
        _seg("2026-01-05", "2026-02-02", 225),
        _seg("2026-02-02", "2026-02-16", 150),
        _seg("2026-02-16", "2026-02-23", 75),
    ]
    assert taper_cut(down, 75, (), date(2026, 2, 23), 4) == (TaperSpan(date(2026, 2, 16)),)
    # Straight from 150 to below the minimum: the step below.
    below = [down[1], _seg("2026-02-16", "2026-02-23", 37.5)]
    assert taper_cut(below, 75, (), date(2026, 2, 23), 4) == (TaperSpan(date(2026, 2, 16)),)
    # No step to the minimum: a reduction within the range, nothing cut.
    assert taper_cut(down[:2], 75, (), date(2026, 2, 16), 4) == ()
    # The step to the minimum longer than the window before the end: a dose kept, not cut.
    kept = [*down[:2], _seg("2026-02-16", "2026-04-06", 75)]
    assert taper_cut(kept, 75, (), date(2026, 4, 6), 4) == ()
    # No verified minimum: any step down of the run, as before.
    assert taper_cut(down, None, (), date(2026, 2, 23), 4) == (TaperSpan(date(2026, 2, 2)),)


def test_a_closed_taper_span_cuts_from_its_step_down_to_its_end_only() -> None:
    on = [_seg("2026-03-02", "2026-03-30", 150), _seg("2026-03-30", "2026-12-01", 75)]
    closed = (TaperSpan(date(2026, 3, 30), date(2026, 4, 13)),)
    assert taper_cut(on, 75, closed, None, 4) == closed
    # Still open (no later steady record): to the course's end, however long.
    assert taper_cut(on, 75, (TaperSpan(date(2026, 3, 30)),), None, 4) == (
        TaperSpan(date(2026, 3, 30)),
    )
