"""Session 35 fix lab56: lith53 read a lab's name in ANY ServiceRequest's text as that lab ordered.

Charts in lab56_charts/ (all 19 prefetch keys; as of 2026-12-01), built from lith53's Epic charts
(lithium running, last level 0.6 mmol/L of 2025-10-01, no TSH on record):

1. c1: a consult coded locally "AMB REFERRAL TO ENDOCRINOLOGY", text "Endocrinology consult:
   abnormal TSH", category SNOMED 3457005 "Patient referral" (text "Ambulatory Referral"): before,
   an open TSH order, and the diagnosis review's "Order TSH" was dropped; now proposed
   (fhir_mapping/lab_orders.py, data/request_categories.csv). c2: the same with Epic's category
   text only; c3: the same with no category (its text says more than the lab's name).
2. Controls, still an order: l1, the local-coded "LITHIUM LEVEL" with category text "Laboratory"
   only; l2, the same with no category (Epic sends many orders without one: the text is only the
   lab's name); t1, a text-only "TSH" order with no category.
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
_FOLDER = Path(__file__).parent / "lab56_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

FIXED = {
    "c1_endocrinology_consult_abnormal_tsh_referral_epic": "fixed",
    "c2_endocrinology_consult_abnormal_tsh_epic_category_text_only": "fixed",
    "c3_endocrinology_consult_abnormal_tsh_no_category": "fixed",
}
CONTROLS = {
    "l1_level_order_local_code_category_laboratory_text_control": "control",
    "l2_level_order_local_code_no_category_control": "control",
    "t1_tsh_order_text_only_no_category_control": "control",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


def _tsh_orders(cards: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        s for c in cards.values() for s in c.get("suggestions") or [] if s["label"] == "Order TSH"
    ]


@pytest.mark.parametrize("name", sorted(FIXED))
def test_consult_naming_tsh_is_no_tsh_ordered(name: str) -> None:
    found = _cards(name)
    assert found[REVIEW]["summary"].startswith("No TSH in 365 days")
    assert len(_tsh_orders(found)) == 1


def test_tsh_ordered_by_text_without_category_still_counts() -> None:
    found = _cards("t1_tsh_order_text_only_no_category_control")
    assert _tsh_orders(found) == []
    assert "No TSH in 365 days" not in found.get(REVIEW, {}).get("summary", "")


@pytest.mark.parametrize(
    "name",
    [
        "l1_level_order_local_code_category_laboratory_text_control",
        "l2_level_order_local_code_no_category_control",
    ],
)
def test_local_level_order_still_counts(name: str) -> None:
    card = _cards(name)[LITHIUM]
    assert [s for s in card.get("suggestions") or [] if s["label"] == "Order lithium level"] == []
    assert "ordered 2026-11-25" in card["summary"]
