"""Review s27 RE finding 3: a drug the ward stopped stayed "running" while its home order was
left open (fhir_mapping/ward_stop.py).

The charts (tests/services/s27_ward_stop_charts/, copies of the RE charts, renamed): a patient
admitted 2026-11-10 after an SNRI overdose; the ward's venlafaxine order `stopped`, last given
2026-11-11; duloxetine begun on the ward 2026-11-12 and prescribed at discharge 2026-11-30. The
home venlafaxine order (community, 2026-09-21, last filled 2026-10-23) is left `active`, as
happens when discharge reconciliation does not close it, or `stopped`, the control.

Before: venlafaxine "2026-08-24 -> 2026-12-01 (ongoing)", the ward PHQ-9 of 11-28 scored
against it, the suicide card's "venlafaxine, duloxetine are running" and, on a duloxetine order
on the ward, "Duloxetine ordered while venlafaxine (SNRI) is running: two SNRIs". Now it ends
at the ward's stop as it did with the home order closed, and the suicide card's quantity line
says the open home order once: "venlafaxine stopped on the ward 2026-11-11; the home order is
still open: reconcile". A home fill after the ward stop shows it taken up again: still running.
So does a ward order given up to discharge (`completed`, no other drug charted after it): the
patient goes back to the home supply, the open home order's reading.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import Trial
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
SUICIDE = "suicide-risk"
SAME_CLASS = "order-same-class-running"
RECONCILE = "venlafaxine stopped on the ward 2026-11-11; the home order is still open: reconcile"

_chart = chart_files.loader(Path(__file__).parent / "s27_ward_stop_charts")
_at = Evaluator(AS_OF)

CHARTS = (
    "ward_stopped_venlafaxine_home_order_open",
    "ward_stopped_venlafaxine_home_order_stopped",
    "ward_stopped_venlafaxine_home_filled_after_discharge",
    "on_ward_draft_duloxetine_home_venlafaxine_order_open",
    "ward_gave_venlafaxine_to_discharge_home_order_open",
)


def _venlafaxine(doc: Doc) -> Trial:
    trials = _at.result(doc).evaluation.record.trials
    return next(t for t in trials if t.ingredient == "venlafaxine")


def _quantity_line(cards: list[Doc]) -> str:
    card = next(c for c in cards if c["source"]["topic"]["code"] == SUICIDE)
    return next(line for line in card["detail"].split("\n") if "**Quantity supplied:**" in line)


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_whole_requests(name: str) -> None:
    chart_files.check_chart(_chart(name))


def test_the_ward_stop_ends_venlafaxine_though_the_home_order_is_open() -> None:
    open_order = _venlafaxine(_chart("ward_stopped_venlafaxine_home_order_open"))
    closed = _venlafaxine(_chart("ward_stopped_venlafaxine_home_order_stopped"))
    assert not open_order.ongoing
    assert open_order.end == closed.end == date(2026, 11, 12)
    assert open_order.weeks_at_adequate_dose == closed.weeks_at_adequate_dose
    # The ward PHQ-9 of 11-28 was duloxetine's time, not venlafaxine's.
    assert open_order.on_treatment == closed.on_treatment
    assert open_order.on_treatment is not None and open_order.on_treatment.value == 24
    assert open_order.home_order_open == date(2026, 11, 11)
    assert closed.home_order_open is None
    said = [n for n in open_order.notes if "home order is still open" in n]
    assert len(said) == 1 and said[0].endswith(
        ": stopped on the ward 2026-11-11; the home order is still open: reconcile"
    )


def test_the_suicide_card_names_the_open_home_order_once_not_as_running() -> None:
    line = _quantity_line(_at.cards(_chart("ward_stopped_venlafaxine_home_order_open")))
    assert "and duloxetine is running; " + RECONCILE + "." in line
    assert "venlafaxine, duloxetine are running" not in line
    assert line.count("reconcile") == 1
    closed = _quantity_line(_at.cards(_chart("ward_stopped_venlafaxine_home_order_stopped")))
    assert "and duloxetine is running." in closed and "reconcile" not in closed


def test_a_home_fill_after_the_ward_stop_keeps_venlafaxine_running() -> None:
    doc = _chart("ward_stopped_venlafaxine_home_filled_after_discharge")
    trial = _venlafaxine(doc)
    assert trial.ongoing and trial.home_order_open is None
    assert not any("home order is still open" in n for n in trial.notes)
    line = _quantity_line(_at.cards(doc))
    assert "venlafaxine, duloxetine are running" in line and "reconcile" not in line


def test_a_duloxetine_order_on_the_ward_is_not_a_second_snri() -> None:
    doc = _chart("on_ward_draft_duloxetine_home_venlafaxine_order_open")
    assert not _venlafaxine(doc).ongoing
    cards = _at.cards(doc)
    assert SAME_CLASS not in [c["source"]["topic"]["code"] for c in cards]
    assert not any("two SNRIs" in c["summary"] for c in cards)


def test_a_ward_order_given_up_to_discharge_leaves_the_home_order_running() -> None:
    doc = _chart("ward_gave_venlafaxine_to_discharge_home_order_open")
    trial = _venlafaxine(doc)
    assert trial.ongoing and trial.home_order_open is None
    assert not any("home order is still open" in n for n in trial.notes)
