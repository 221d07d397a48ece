"""Session 35 fix lith53: review K47b's findings on lith52 (the lithium level proposed one click).

Charts in lith53_charts/ (all 19 prefetch keys; as of 2026-12-01), K47b's Epic charts built from
lith52's (fills as MedicationDispense, daysSupply 30; the lithium order an active MedicationRequest;
the last level 0.6 mmol/L of 2025-10-01, 14 months old: due):

1. A level order under Epic's local code only is an open level order (fhir_mapping/referrals.py
   reads a lab order's text by data/lab_lookalike_terms.csv, as the Observations): a1 (code
   LAB143347 "LITHIUM LEVEL"), a2 (code.text only), a3 ("Lithium, Serum"): before, a second
   "Order lithium level" was proposed; now "ordered 2026-11-25", none proposed. a4 (control): a
   red-cell lithium ordered is another test (`unless`): the level still proposed.
   t1: the same for a TSH ordered by text only (code.text "TSH", no TSH on record): before, the
   diagnosis review proposed "Order TSH" beside it; now it does not. t2 (control): no order:
   proposed.
2. f1 (due card) and f2 (above-target card): a lithium dispense `unknown` handed over 2026-11-02,
   after the supply ended 2026-10-27: before "Last supply ended 2026-10-27, no fill since"; now
   the fill is named, to confirm.
3. f1: the proposed order's text no longer says "running lithium" once the supply ended.
4. s1: an active level order of 2023-02-01, older than the level's interval (data/
   level_monitoring.csv due_days): before it held the one click for good ("ordered 2023-02-01");
   now named, to check or cancel, and the level proposed. s2 (control): an order of 2026-09-01
   (91 days) still counts as ordered.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

LITHIUM = "running-lithium-level"
REVIEW = "diagnosis-review"
_FOLDER = Path(__file__).parent / "lith53_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

FIXED = {
    "a1_level_order_epic_local_code_only": "fixed",
    "a2_level_order_text_only_epic": "fixed",
    "a3_level_order_lithium_serum_local_epic": "fixed",
    "t1_tsh_order_text_only_epic": "fixed",
    "f1_due_fill_status_unknown_after_supply_ended_epic": "fixed",
    "f2_level_1_3_fill_status_unknown_after_supply_ended_epic": "fixed",
    "s1_level_order_open_since_2023_epic": "fixed",
}
CONTROLS = {
    "a4_red_cell_lithium_order_control": "control",
    "t2_tsh_missing_no_order_control": "control",
    "s2_level_order_open_since_september_control": "control",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


def _level_orders(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in card.get("suggestions") or [] if s["label"] == "Order lithium level"]


@pytest.mark.parametrize(
    "name",
    [
        "a1_level_order_epic_local_code_only",
        "a2_level_order_text_only_epic",
        "a3_level_order_lithium_serum_local_epic",
    ],
)
def test_level_ordered_under_a_local_code_is_not_ordered_again(name: str) -> None:
    card = _cards(name)[LITHIUM]
    assert _level_orders(card) == []
    assert card["summary"] == (
        "Lithium 900 mg/day running: level due (last 0.6 mmol/L on 2025-10-01, 14 months ago; "
        "ordered 2026-11-25) (CANMAT 2023 para 164)"
    )
    assert "- Lithium level ordered 2026-11-25: check for it" in card["detail"]


def test_red_cell_lithium_ordered_is_no_level_ordered() -> None:
    card = _cards("a4_red_cell_lithium_order_control")[LITHIUM]
    assert len(_level_orders(card)) == 1
    assert "ordered" not in card["summary"]


def _tsh_orders(cards: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        s for c in cards.values() for s in c.get("suggestions") or [] if s["label"] == "Order TSH"
    ]


def test_tsh_ordered_by_text_is_not_proposed_again() -> None:
    found = _cards("t1_tsh_order_text_only_epic")
    assert _tsh_orders(found) == []
    assert "No TSH in 365 days" not in found.get(REVIEW, {}).get("summary", "")


def test_tsh_missing_without_order_is_proposed() -> None:
    found = _cards("t2_tsh_missing_no_order_control")
    assert found[REVIEW]["summary"].startswith("No TSH in 365 days")
    assert len(_tsh_orders(found)) == 1


def _order_text(card: dict[str, Any]) -> str:
    (suggestion,) = _level_orders(card)
    (action,) = suggestion["actions"]
    text: str = action["resource"]["code"]["text"]
    return text


def test_due_card_names_the_fill_of_unknown_status() -> None:
    card = _cards("f1_due_fill_status_unknown_after_supply_ended_epic")[LITHIUM]
    assert "no fill since" not in card["detail"]
    assert (
        "- Last supply ended 2026-10-27, then a fill of 2026-11-02, status unknown: confirm "
        "that fill (the pharmacy record) and that lithium is still taken before reading a new "
        "level"
    ) in card["detail"]
    # Finding 3: the order's text says the supply ended, not "running".
    assert _order_text(card) == (
        "Lithium level (serum): lithium, last supply ended 2026-10-27, level due"
    )


def test_above_target_card_names_the_fill_of_unknown_status() -> None:
    card = _cards("f2_level_1_3_fill_status_unknown_after_supply_ended_epic")[LITHIUM]
    assert card["summary"].startswith("Lithium 1.3 mmol/L on 2026-10-20 (above the 1.0 limit)")
    assert "no fill since" not in card["detail"]
    assert (
        "- Last supply ended 2026-10-27, then a fill of 2026-11-02, status unknown: confirm "
        "that fill"
    ) in card["detail"]


def test_order_open_since_2023_is_named_and_the_level_proposed() -> None:
    card = _cards("s1_level_order_open_since_2023_epic")[LITHIUM]
    assert card["summary"] == (
        "Lithium 900 mg/day running: level due (last 0.6 mmol/L on 2025-10-01, 14 months ago) "
        "(CANMAT 2023 para 164)"
    )
    assert (
        "- Lithium level: an order of 2023-02-01 is still open: check or cancel it (older than "
        "the level's interval, 183 days"
    ) in card["detail"]
    assert _order_text(card) == "Lithium level (serum): running lithium, level due"


def test_order_within_the_interval_still_counts() -> None:
    card = _cards("s2_level_order_open_since_september_control")[LITHIUM]
    assert _level_orders(card) == []
    assert "ordered 2026-09-01" in card["summary"]
    assert "still open: check or cancel" not in card["detail"]
