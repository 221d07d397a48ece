"""Recheck K2 (session 27) findings 1, 2, 7, 9 on the ward-stop fix (fhir_mapping/ward_stop.py).

The charts (tests/services/s27_ward_stop2_charts/, the K2 reviewer's, renamed), variations of
tests/services/s27_ward_stop_charts/: admitted 2026-11-10 after an SNRI overdose, discharged
2026-11-30 11:00; the home venlafaxine 225 order (community, 2026-09-21) left `active`.

1. The ward's venlafaxine stopped after its last dose on 11-11, nothing else charted after it,
   venlafaxine prescribed again at discharge (category `discharge`, 11-30): before, one course
   "2026-08-24 -> 2026-12-01 (ongoing)" (the ward asked for another drug charted after the stop),
   the ward PHQ-9 of 11-28, taken off the drug, scored on it. Now the stay's end is read: the
   course ends at the ward's stop and the discharge order starts a new course (with duloxetine
   begun on the ward too: before, one course across the 18 days off it).
2. The home order with an Epic "Until" date (boundsPeriod end 2027-09-20): before, read as a
   stated end and never cut: "venlafaxine, duloxetine are running". Now cut at the ward's stop.
7. A home venlafaxine fill handed over on 11-20, during the stay: before, "taken up again", the
   course ran on. Now only a fill on or after the discharge does.
9. The ward's venlafaxine given to 11-27, the last 2 days before discharge not given, the order
   `completed` (mirtazapine charted to 11-29): before, "stopped on the ward 2026-11-27". Now a
   last dose within `ward_stop_days` (3) of the discharge is the usual "resume home medications".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Trial
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
SUICIDE = "suicide-risk"
RECONCILE = "venlafaxine stopped on the ward 2026-11-11; the home order is still open: reconcile"
WARD_STOP = date(2026, 11, 12)  # the day after the last dose given on the ward

_chart = chart_files.loader(Path(__file__).parent / "s27_ward_stop2_charts")
_at = Evaluator(AS_OF)

CHARTS = (
    "ward_stopped_venlafaxine_represcribed_at_discharge",
    "ward_stopped_venlafaxine_represcribed_at_discharge_with_duloxetine",
    "ward_stopped_venlafaxine_home_bounds_end_next_year",
    "ward_stopped_venlafaxine_home_fill_during_stay",
    "ward_stopped_venlafaxine_home_fill_on_discharge_day",
    "ward_venlafaxine_held_last_two_days_before_discharge",
)


def _venlafaxine(doc: Doc, evaluator: Evaluator = _at) -> list[Trial]:
    trials = evaluator.result(doc).evaluation.record.trials
    return [t for t in trials if t.ingredient == "venlafaxine"]


def _quantity_line(cards: list[Doc]) -> str:
    card = next(c for c in cards if c["source"]["topic"]["code"] == SUICIDE)
    return next(line for line in card["detail"].split("\n") if "**Quantity supplied:**" in line)


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_whole_requests(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize(
    "name",
    [
        "ward_stopped_venlafaxine_represcribed_at_discharge",
        "ward_stopped_venlafaxine_represcribed_at_discharge_with_duloxetine",
    ],
)
def test_a_discharge_prescription_after_the_ward_stop_is_a_new_course(name: str) -> None:
    first, again = _venlafaxine(_chart(name))
    assert not first.ongoing and first.end == WARD_STOP
    assert first.home_order_open == date(2026, 11, 11)
    # The ward PHQ-9 of 11-28 was taken off the drug: not the first course's outcome.
    assert first.on_treatment is not None and first.on_treatment.date == date(2026, 11, 11)
    assert again.ongoing and again.start == date(2026, 11, 30)
    assert again.baseline is not None and again.baseline.date == date(2026, 11, 28)
    assert any("a new course, judged on its own" in n for n in again.notes)


def test_a_home_order_with_an_until_date_next_year_is_cut_at_the_ward_stop() -> None:
    doc = _chart("ward_stopped_venlafaxine_home_bounds_end_next_year")
    (trial,) = _venlafaxine(doc)
    assert not trial.ongoing and trial.end == WARD_STOP
    line = _quantity_line(_at.cards(doc))
    assert "and duloxetine is running; " + RECONCILE + "." in line
    assert "venlafaxine, duloxetine are running" not in line


def test_a_home_fill_during_the_stay_does_not_take_venlafaxine_up_again() -> None:
    doc = _chart("ward_stopped_venlafaxine_home_fill_during_stay")
    (trial,) = _venlafaxine(doc)
    assert not trial.ongoing and trial.end == WARD_STOP
    assert trial.home_order_open == date(2026, 11, 11)
    assert any(s.id == "f27ce29f-85e5-5cba-af40-3ade5af89737" for s in trial.sources)
    line = _quantity_line(_at.cards(doc))
    assert RECONCILE in line and "venlafaxine, duloxetine are running" not in line


def test_a_home_fill_on_the_discharge_day_takes_venlafaxine_up_again() -> None:
    doc = _chart("ward_stopped_venlafaxine_home_fill_on_discharge_day")
    (trial,) = _venlafaxine(doc)
    assert trial.ongoing and trial.home_order_open is None
    assert not any("home order is still open" in n for n in trial.notes)


def test_the_last_two_days_not_given_before_discharge_are_no_ward_stop() -> None:
    doc = _chart("ward_venlafaxine_held_last_two_days_before_discharge")
    (trial,) = _venlafaxine(doc)
    assert trial.ongoing and trial.home_order_open is None
    assert not any("stopped on the ward" in n for n in trial.notes)
    # A clinic that reads 2 days before the discharge as a stop (ward_stop_days 1) gets it.
    strict = Evaluator(AS_OF, policy=Policy(mapping=MappingPolicy(ward_stop_days=1)))
    (cut,) = _venlafaxine(doc, strict)
    assert not cut.ongoing and cut.home_order_open == date(2026, 11, 27)


def test_doses_charted_not_given_up_to_discharge_are_no_ward_stop() -> None:
    # tests/services/ward_mar_review_charts: the ward's escitalopram `completed`, last given
    # 11-17, held, refused and stopped on the MAR to 11-20, discharged 11-21. The doses charted
    # to the day before discharge show the order in force to the end: no ward stop.
    folder = Path(__file__).parent / "ward_mar_review_charts"
    doc = chart_files.loader(folder)("stay_refused_8_of_16_days")
    trials = _at.result(doc).evaluation.record.trials
    trial = next(t for t in trials if t.ingredient == "escitalopram")
    assert trial.ongoing and trial.home_order_open is None
