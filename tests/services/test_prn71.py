"""Session 39 recheck K61b finding 2 (UNSAFE): an as-needed patient statement took over the
optimise card beside a running SNRI.

A patient's MedicationStatement "sertraline 100 mg, taking as needed when anxious" beside an
active venlafaxine 150 mg/day order led the card with "Sertraline is ordered as needed ... order a
daily dose" and a one-click "Order sertraline 50 mg/day as a daily dose" (an SSRI on top of a
running SNRI, venlafaxine never named), hid the venlafaxine pathway, and quoted "PHQ-9 17 on
2026-07-31" (the outcome window cut at venlafaxine's start) although the latest was 23. Now: the
record is said as it is ("listed as taken as needed (patient-reported)"), beside a daily
antidepressant the course is one line of the detail (never the lead, never waited on, no
one-click), no second antidepressant is one click while another runs (named), the latest PHQ-9
is quoted, and an as-needed course no longer cuts a daily course's outcome window.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import labels

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "prn71_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_OPT = "optimize-switch-augment"

# Failing before the fix.
BESIDE_DAILY = {
    "stmt_prn_beside_venlafaxine": "fixed",
    "stmt_prn_recent_beside_venlafaxine": "fixed",
}
FIXED = {
    **BESIDE_DAILY,
    "stmt_prn_recent_beside_failed_history": "fixed",
    "stmt_prn_alone": "fixed",
    "order_prn_beside_venlafaxine_prn": "fixed",
}
CONTROLS = {
    "control_order_prn_alone": "control",
    "control_order_prn_beside_trazodone_sleep": "control",
    "control_venlafaxine_daily": "control",
}


def _detail(card: dict[str, Any]) -> str:
    return str(card.get("detail", ""))


@pytest.mark.parametrize("name", sorted(BESIDE_DAILY))
def test_as_needed_beside_daily_is_a_detail_line(name: str) -> None:
    card = _cards(name)[_OPT]
    assert "venlafaxine" in card["summary"] and "Sertraline" not in card["summary"]
    assert not any("sertraline" in label.lower() for label in labels(card))
    detail = _detail(card)
    assert "**Listed as taken as needed (patient-reported):** sertraline" in detail
    assert "beside venlafaxine 150 mg/day taken daily; PHQ-9 23 on 2026-11-15" in detail
    assert "Not judged yet" not in detail


def test_failed_history_keeps_tms() -> None:
    # The as-needed statement joins the earlier failed sertraline course (same drug): the card
    # leads with the failed trials, never a one-click sertraline; TMS as the chart earns.
    cards = _cards("stmt_prn_recent_beside_failed_history")
    assert cards[_OPT]["summary"].startswith("2 adequate trials failed (sertraline, venlafaxine)")
    assert not any("sertraline" in label.lower() for label in labels(cards[_OPT]))
    assert "tms-referral" in cards


def test_statement_alone_is_listed_not_ordered() -> None:
    card = _cards("stmt_prn_alone")[_OPT]
    assert card["summary"].startswith(
        "Sertraline is listed as taken as needed (patient-reported), not a daily dose"
    )
    assert "Order sertraline 50 mg/day as a daily dose" in labels(card)


def test_no_one_click_beside_another_antidepressant() -> None:
    card = _cards("order_prn_beside_venlafaxine_prn")[_OPT]
    assert not any("daily dose" in label for label in labels(card))
    assert "Also running: venlafaxine 75 mg as needed" in _detail(card)
    assert card["summary"].endswith("review it")


@pytest.mark.parametrize(
    "name", ["control_order_prn_alone", "control_order_prn_beside_trazodone_sleep"]
)
def test_as_needed_order_alone_keeps_its_card(name: str) -> None:
    # Trazodone 50 mg at bedtime is its low-dose use (not a trial, not a running antidepressant
    # course): the sertraline card stands as before.
    card = _cards(name)[_OPT]
    assert card["summary"] == (
        "Sertraline is ordered as needed (not a daily dose: not a trial); PHQ-9 23 on "
        "2026-11-15: order a daily dose"
    )
    assert "Order sertraline 50 mg/day as a daily dose" in labels(card)


def test_daily_venlafaxine_keeps_its_raise() -> None:
    cards = _cards("control_venlafaxine_daily")
    assert "raise venlafaxine 150 → 225 mg/day first" in cards[_OPT]["summary"]
    assert "tms-referral" in cards


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)
