"""Session 35 fix lith52: lithium cards, session 34 leftovers.

Charts in lith52_charts/ (all 19 prefetch keys; as of 2026-12-01), built from lith51's Epic charts
(fills as MedicationDispense with daysSupply 30, the lithium order an active MedicationRequest,
the level LOINC 14334-7; F33.2, sertraline and venlafaxine failed, lithium 900 mg/day since
2025-09-02):

1. A supply that ran out is not "running" (as lith51 made the due card say):
   r1: the renal chart (eGFR 78 -> 52) with the last fill 2026-09-27 (supply to 2026-10-27, 35
   days before): before, "Lithium 900 mg/day running, eGFR 78 (2025-11-20) to 52 ..."; now
   "Lithium 900 mg/day, last supply ended 2026-10-27, eGFR 78 ...", the drug's line asking to
   confirm it is taken. r2 (control): last fill 2026-10-27 (5 days past, inside the 30-day grace):
   "running" as before. r3 (control): r1 with the order completed: the course ended, no renal card.
   h1: a level 1.3 mmol/L on 2026-10-20, supply ended 2026-10-27: before "... (above the 1.0
   limit) on 900 mg/day: hold or reduce ..."; now "..., last supply ended 2026-10-27: hold or
   reduce ...", the detail asking to confirm it is taken. h2 (control): inside the grace.
2. The level-due card proposes the level (a draft ServiceRequest, LOINC 14334-7, data/
   order_codes.csv lithium-level): d1 (lith51 a1, level 14 months old): before, no suggestion;
   d2: an active Epic ServiceRequest for the level of 2026-11-25: no second proposal, the card says
   it is ordered; d3 (control): only a completed order of 2025: proposed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.servicerequest import ServiceRequest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

LITHIUM = "running-lithium-level"
OPTIMISE = "optimize-switch-augment"
RENAL = "running-drug-renal"
_FOLDER = Path(__file__).parent / "lith52_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

FIXED = {
    "r1_renal_supply_ended_35_days_ago_epic": "fixed",
    "h1_level_1_3_supply_ended_35_days_ago_epic": "fixed",
    "d1_level_14_months_old_epic": "fixed",
    "d2_level_ordered_active_epic": "fixed",
}
CONTROLS = {
    "r2_renal_supply_ended_5_days_ago_control": "control",
    "r3_renal_supply_ended_order_completed_control": "control",
    "h2_level_1_3_supply_ended_5_days_ago_control": "control",
    "d3_old_order_completed_epic": "control",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


def test_renal_card_says_the_supply_ended_not_running() -> None:
    found = _cards("r1_renal_supply_ended_35_days_ago_epic")
    renal = found[RENAL]
    assert renal["summary"] == (
        "Lithium 900 mg/day, last supply ended 2026-10-27, eGFR 78 (2025-11-20) to 52 "
        "(2026-11-20): review the dose (label)"
    )
    assert " running" not in renal["summary"]
    assert (
        "Lithium 900 mg/day, may be running (no supply since 2026-10-27), since 2025-09-02. "
        "Confirm it is still taken before changing its dose."
    ) in renal["detail"]
    # The optimise card's hold line says it the same way; eGFR 52 is lithium's caution band, not
    # a limit (renal49, K55a finding 5).
    assert (
        "**Lithium 900 mg/day (last supply ended 2026-10-27) may be running in a labelled renal "
        "caution band**"
    ) in found[OPTIMISE]["detail"]


def test_renal_card_within_the_grace_says_running() -> None:
    renal = _cards("r2_renal_supply_ended_5_days_ago_control")[RENAL]
    assert renal["summary"].startswith("Lithium 900 mg/day running, eGFR 78 (2025-11-20) to 52")
    assert "Confirm it is still taken" not in renal["detail"]


def test_no_open_order_no_renal_card() -> None:
    found = _cards("r3_renal_supply_ended_order_completed_control")
    assert RENAL not in found and LITHIUM not in found


def test_above_target_card_says_the_supply_ended() -> None:
    card = _cards("h1_level_1_3_supply_ended_35_days_ago_epic")[LITHIUM]
    assert card["summary"] == (
        "Lithium 1.3 mmol/L on 2026-10-20 (above the 1.0 limit), last supply ended 2026-10-27: "
        "hold or reduce, check toxicity, repeat level, eGFR"
    )
    assert card["indicator"] == "warning"  # still acted on: tablets at home may be taken
    assert (
        "- Last supply ended 2026-10-27, no fill since: confirm lithium is still taken"
        in (card["detail"])
    )


def test_above_target_card_within_the_grace_says_the_dose() -> None:
    card = _cards("h2_level_1_3_supply_ended_5_days_ago_control")[LITHIUM]
    assert card["summary"] == (
        "Lithium 1.3 mmol/L on 2026-10-20 (above the 1.0 limit) on 900 mg/day: hold or reduce, "
        "check toxicity, repeat level, eGFR"
    )
    assert "Last supply ended" not in card["detail"]


def _level_orders(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in card.get("suggestions", []) if s["label"] == "Order lithium level"]


@pytest.mark.parametrize("name", ["d1_level_14_months_old_epic", "d3_old_order_completed_epic"])
def test_level_due_card_proposes_the_level(name: str) -> None:
    card = _cards(name)[LITHIUM]
    # Its basis stays in the summary.
    assert card["summary"] == (
        "Lithium 900 mg/day running: level due (last 0.6 mmol/L on 2025-10-01, 14 months ago) "
        "(CANMAT 2023 para 164)"
    )
    (suggestion,) = _level_orders(card)
    (action,) = suggestion["actions"]
    assert action["type"] == "create"
    resource = action["resource"]
    ServiceRequest.model_validate(resource)
    assert resource["status"] == "draft" and resource["intent"] == "proposal"
    assert resource["code"]["coding"] == [
        {
            "system": "http://loinc.org",
            "code": "14334-7",
            "display": "Lithium [Moles/volume] in Serum or Plasma",
        }
    ]
    assert resource["reasonReference"][0]["reference"].startswith("Observation/")
    assert card["selectionBehavior"] == "at-most-one"
    assert "The lithium level is proposed as a draft order" in card["detail"]


def test_level_already_ordered_is_not_proposed_again() -> None:
    card = _cards("d2_level_ordered_active_epic")[LITHIUM]
    assert _level_orders(card) == []
    assert card["summary"] == (
        "Lithium 900 mg/day running: level due (last 0.6 mmol/L on 2025-10-01, 14 months ago; "
        "ordered 2026-11-25) (CANMAT 2023 para 164)"
    )
    assert "- Lithium level ordered 2026-11-25: check for it" in card["detail"]
