"""Session 34 fix lith51: lithium leftovers (recheck of lith49 / lith50).

Charts in lith51_charts/ (all 19 prefetch keys; as of 2026-12-01), written the Epic way (fills
as MedicationDispense, the lithium level as LOINC 14334-7, eGFR as 62238-1 then 98979-8 beside
an Epic component code), built on lith49's chart: F33.2, sertraline and venlafaxine failed,
venlafaxine stopped, lithium 300 mg three times daily (900 mg/day) since 2025-09-02 alone:

1. a1: the last level 0.6 mmol/L on 2025-10-01 (14 months), every other test current: before,
   aripiprazole and brexpiprazole one click on the optimise card beside the level-due card, as if
   lithium augmentation had been judged; now they are text under "Not one click while the
   lithium level is overdue (its last level 0.6 mmol/L on 2025-10-01, 14 months ago)", the
   summary "check the lithium level first, then augment or switch class" (rules/lithium_due.py
   says why: the level says neither that lithium had a fair trial nor that it is not too high).
   a2 (control): the level current: one click as before.
2. r1: eGFR 78 on 2025-11-20, 52 on 2026-11-20: before, the renal card named the 52 only; now its
   summary and detail name both values and dates (data/egfr_fall.csv: a fall of 25 % or more,
   KDIGO 2012 2.1.3). r2 (control): 55 -> 52: no fall said.
3. s1: a1 with the last lithium fill on 2025-09-27 (supply to 2026-10-27, 35 days before): before,
   "Lithium 900 mg/day running: level due"; now "Lithium 900 mg/day, last supply ended
   2026-10-27: level due", its detail asking to confirm lithium is still taken. The grace is
   policy mapping supply_gap_days (30, README "Policy"). s2 (control): the last fill 2026-10-27,
   its supply ended 2026-11-26 (5 days, inside the grace): "running" as before.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

LITHIUM = "running-lithium-level"
OPTIMISE = "optimize-switch-augment"
RENAL = "running-drug-renal"
_cards = chart_files.topic_reader(Path(__file__).parent / "lith51_charts", date(2026, 12, 1))
_LEVEL_DUE = "level due (last 0.6 mmol/L on 2025-10-01, 14 months ago) (CANMAT 2023 para 164)"


def _proposals(card: dict) -> list[str]:
    return [s["label"] for s in card.get("suggestions", []) if s["label"].startswith("Propose")]


@pytest.mark.parametrize("name", ["a1_level_14_months_old_epic", "s1_supply_ended_35_days_ago"])
def test_level_overdue_holds_the_adjuncts_one_click(name: str) -> None:
    found = _cards(name)
    assert found[LITHIUM]["indicator"] == "info"
    optimise = found[OPTIMISE]
    assert optimise["summary"] == (
        "2 adequate trials failed (sertraline, venlafaxine): check the lithium level first, "
        "then augment or switch class"
    )
    assert _proposals(optimise) == []
    assert optimise["detail"].startswith(
        "**Not one click while the lithium level is overdue** (its last level 0.6 mmol/L on "
        "2025-10-01, 14 months ago): Propose adjunctive aripiprazole 2 mg/day (CANMAT first "
        "line); Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line)."
    )


def test_level_current_keeps_the_adjuncts_one_click() -> None:
    found = _cards("a2_level_current_control")
    assert LITHIUM not in found
    optimise = found[OPTIMISE]
    assert "augment (aripiprazole or brexpiprazole) or switch class" in optimise["summary"]
    assert "Not one click" not in optimise["detail"]
    assert _proposals(optimise) == [
        "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)",
        "Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line)",
    ]


def test_renal_card_names_the_fall_with_both_values_and_dates() -> None:
    renal = _cards("r1_egfr_78_to_52_epic")[RENAL]
    assert renal["summary"] == (
        "Lithium 900 mg/day running, eGFR 78 (2025-11-20) to 52 (2026-11-20): label says start "
        "lower, titrate slowly, check levels often"
    )
    assert (
        "The eGFR fell from 78 mL/min/1.73 m2 on 2025-11-20 to 52 mL/min/1.73 m2 on 2026-11-20 "
        "(33 % lower; a fall of 25 % or more, KDIGO 2012 2.1.3)"
    ) in renal["detail"]


def test_small_egfr_change_is_not_called_a_fall() -> None:
    renal = _cards("r2_egfr_55_to_52_control")[RENAL]
    assert renal["summary"] == (
        "Lithium 900 mg/day running with eGFR 52 on 2026-11-20: label says start lower, titrate "
        "slowly, check levels often"
    )
    assert "fell" not in renal["detail"]


def test_supply_ended_past_the_grace_is_not_called_running() -> None:
    card = _cards("s1_supply_ended_35_days_ago")[LITHIUM]
    assert card["summary"] == f"Lithium 900 mg/day, last supply ended 2026-10-27: {_LEVEL_DUE}"
    assert " running:" not in card["summary"]
    assert (
        "- Last supply ended 2026-10-27, no fill since: confirm lithium is still taken"
        in (card["detail"])
    )


def test_supply_within_the_grace_is_running() -> None:
    card = _cards("s2_supply_ended_5_days_ago")[LITHIUM]
    assert card["summary"] == f"Lithium 900 mg/day running: {_LEVEL_DUE}"
    assert "Last supply ended" not in card["detail"]
