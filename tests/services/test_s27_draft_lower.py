"""Review s27 RD findings 3, 6 and 8 (order hooks with a draft that re-orders a running drug),
their fixes pinned.

- Finding 3 (WRONG): sertraline 150 mg/day running, a sertraline 100 mg/day draft (no "then
  stop") beside a venlafaxine XR 37.5 start read "switch or addition?" with "Still running:
  sertraline 150 mg/day", the 100 mg draft nowhere. A draft that lowers the running dose beside
  a start of a second serotonin reuptake inhibitor is a cross-taper under way
  (draft_tapers.lowers_running, order_checks/cross_taper.py): the overlap with the signs to
  watch for, the dose named lowered, the stop asked for (data/cross_taper.csv strategy, watch,
  length). A raise, or a lowering with no new drug, is no cross-taper.
- Finding 6: two drafts of one drug (venlafaxine XR 75 + IR 37.5 twice a day; 225 + 150) were
  named by the first draft's dose on the serotonin reuptake card: now their total and parts.
- Finding 8: a running drug renewed, lowered or tapered on the order read "sertraline 150
  mg/day on this order" on the interaction card, as if started: now its running line with what
  the order does to it.

Charts: tests/services/s27_draft_lower_charts/ (the review's x01, x20b, x24d, x32, x34, x36; and
a raise, a lowering alone, a lowering beside tramadol). Epic / US Core shaped requests with every
prefetch key, evaluated as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, one_of_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
SAME_CLASS = "order-same-class-running"
INTERACTION = "order-drug-interaction"
ABOVE = "order-dose-above-range"

_FOLDER = Path(__file__).parent / "s27_draft_lower_charts"
_chart = chart_files.loader(_FOLDER)
_at = Evaluator(date(2026, 12, 1))


def _topics(cards: list[Doc]) -> list[str]:
    return [c["source"]["topic"]["code"] for c in cards]


@pytest.mark.parametrize("path", sorted(_FOLDER.glob("*.json")), ids=lambda p: p.stem)
def test_charts_are_complete_requests(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


# --- finding 3: a lowered dose beside a new serotonin reuptake inhibitor --------------------------


@pytest.mark.parametrize("name", ["sert_lowered_venla37_start", "select_venla_beside_sert_lowered"])
def test_a_lowered_dose_beside_a_start_is_a_cross_taper_under_way(name: str) -> None:
    # order-sign with both drafts, and order-select of the venlafaxine draft alone.
    card = one_of_topic(_at.cards(_chart(name)), SAME_CLASS)
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Cross-taper sertraline to venlafaxine under way (sertraline lowered to 100 mg/day): "
        "watch for serotonin toxicity"
    )
    detail = card["detail"]
    assert "switch or addition" not in card["summary"] + detail
    assert "Still running" not in detail
    assert "sertraline (SSRI): lowered from 150 mg/day to 100 mg/day, no stop yet" in detail
    assert "venlafaxine (SNRI) from 2026-12-01: 37.5 mg/day" in detail
    assert "overlap from 2026-12-01 until sertraline's stop (not on this order)" in detail
    assert "watch for serotonin toxicity: agitation or confusion, tremor, clonus" in detail
    assert "The stop of sertraline is not on this order: write the next steps" in detail
    assert "2 to 4 weeks: NHS SPS switching strategies" in detail
    assert "no other stop date needs recording" not in detail


def test_a_raised_dose_beside_a_start_is_still_switch_or_addition() -> None:
    # Sertraline 200 mg/day drafted (150 running): no taper under way, two reuptake inhibitors.
    card = one_of_topic(_at.cards(_chart("sert_raised_venla37_start")), SAME_CLASS)
    assert card["indicator"] == "warning"
    assert card["summary"].endswith("two serotonin reuptake inhibitors; switch or addition?")


def test_a_lowered_dose_alone_is_no_cross_taper() -> None:
    assert SAME_CLASS not in _topics(_at.cards(_chart("sert_lowered_alone")))


def test_a_taper_to_a_stop_keeps_its_dated_cross_taper() -> None:
    card = one_of_topic(_at.cards(_chart("sert_tapered_venla_tramadol")), SAME_CLASS)
    assert card["summary"] == (
        "Cross-taper sertraline to venlafaxine: two serotonin reuptake inhibitors overlap "
        "2026-12-01 to 2026-12-14; watch for serotonin toxicity"
    )
    assert "The stop of sertraline is on this order" in card["detail"]


# --- finding 6: two drafts of one drug named by their total -----------------------------------


def test_two_venlafaxine_drafts_are_named_by_their_total() -> None:
    card = one_of_topic(_at.cards(_chart("venla_xr_and_ir_sert_running")), SAME_CLASS)
    assert card["summary"].startswith("Venlafaxine 150 mg/day ordered while sertraline (SSRI)")
    assert "Venlafaxine 150 mg/day (75 + 75 mg/day, 2 drafts) on this order" in card["detail"]


def test_two_venlafaxine_drafts_over_the_maximum_say_it_once() -> None:
    cards = _at.cards(_chart("venla_two_drafts_over_max_sert_running"))
    assert one_of_topic(cards, ABOVE)["summary"].startswith("Venlafaxine 375 mg/day is above")
    card = one_of_topic(cards, SAME_CLASS)
    assert card["summary"].startswith("Venlafaxine 375 mg/day ordered while sertraline (SSRI)")
    assert "Venlafaxine 375 mg/day (225 + 150 mg/day, 2 drafts) on this order" in card["detail"]
    assert card["detail"].count("**Still running:**") == 1
    assert "Venlafaxine 225 mg/day" not in card["detail"]


# --- finding 8: a running drug re-ordered, named as running -----------------------------------


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("sert_renewed_tramadol", "(renewed on this order)"),
        ("sert_lowered_tramadol", "(lowered to 100 mg/day on this order)"),
        (
            "sert_tapered_venla_tramadol",
            "(tapered to a stop on this order, last dose 2026-12-14)",
        ),
    ],
)
def test_a_reordered_running_drug_reads_as_running_on_the_interaction_card(
    name: str, said: str
) -> None:
    card = one_of_topic(_at.cards(_chart(name)), INTERACTION)
    assert f"sertraline 150 mg/day, running since 2026-06-01 {said}" in card["detail"]
    assert "sertraline 150 mg/day on this order" not in card["detail"]
    assert "sertraline 50 mg/day on this order" not in card["detail"]
    assert "tramadol 200 mg/day on this order" in card["detail"]
