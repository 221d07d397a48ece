"""Session 33 fix lith49 (recheck K30b finding 5): a running lithium gets its monitoring lines at
chart open whatever else runs (services/rules/lithium_due.py, on the running-lithium-level card).

Charts in lith49_charts/ (all 19 prefetch keys; as of 2026-12-01), built on
cards43_charts/v13_lithium: F33.2, sertraline and venlafaxine failed, venlafaxine stopped (last
fill 2026-10-23), lisinopril gone, lithium 300 mg three times daily (900 mg/day) alone:

- a: last level 0.6 on 2025-10-01 (14 months): the level is due (level_monitoring.csv, 183 days);
  since lith51 the optimise card's adjuncts are text until the level is checked;
- g: the same beside venlafaxine still running: the same card;
- b: level 1.3 last week: the above-target card (hold or reduce), the optimise card's proposals
  held (cards44), no due card beside it;
- c: eGFR 75 -> 48 in a year, level current: the renal card carries the lithium lines (and,
  since lith51, the fall: both values and dates);
- d: level 0.6 last month, creatinine/eGFR/TSH current: no lithium card (control);
- e: the reviewer's chart (K30b s12c): lithium alone, no antidepressant, no labs: before, no card
  at all; now the due card names each test none on record;
- f: e with its level, creatinine, sodium and TSH current: no card at all (control).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

LITHIUM = "running-lithium-level"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
RENAL = "running-drug-renal"
_cards = chart_files.topic_reader(Path(__file__).parent / "lith49_charts", date(2026, 12, 1))


@pytest.mark.parametrize(
    "name", ["a_level_14_months_old", "g_level_14_months_old_beside_venlafaxine"]
)
def test_level_14_months_old_is_due_whatever_else_runs(name: str) -> None:
    card = _cards(name)[LITHIUM]
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Lithium 900 mg/day running: level due (last 0.6 mmol/L on 2025-10-01, 14 months ago) "
        "(CANMAT 2023 para 164)"
    )
    detail = card["detail"]
    assert (
        "- Level: last level 0.6 mmol/L on 2025-10-01 (14 months ago: due; every 6-12 months, "
        "CANMAT 2023 para 164)"
    ) in detail
    assert "- creatinine 0.9 mg/dL on 2026-05-28" in detail
    assert "- TSH 2.1 m[IU]/L on 2026-10-05" in detail


def test_due_card_holds_the_proposals_and_tms_says_nothing_false() -> None:
    # Session 34 lith51 reversed "holds no proposal": a level 14 months old holds the adjuncts.
    found = _cards("a_level_14_months_old")
    assert "Not one click while the lithium level is overdue" in found[OPTIMISE]["detail"]
    tms = found[TMS]
    assert "in target" not in tms["summary"] + tms["detail"]
    assert "lithium at its target level" not in tms["summary"] + tms["detail"]


def test_high_level_keeps_its_card_and_holds_escalations() -> None:
    found = _cards("b_level_1_3_last_week")
    card = found[LITHIUM]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Lithium 1.3 mmol/L on 2026-11-24 (above the 1.0 limit)")
    assert "monitoring due" not in card["detail"]
    optimise = found[OPTIMISE]
    assert "**Not one click while the lithium level is above its target**" in optimise["detail"]
    assert not any(s["label"].startswith("Propose") for s in optimise.get("suggestions", []))
    assert "in the 0.5-0.8 target" not in found[TMS]["summary"] + found[TMS]["detail"]


def test_falling_egfr_is_the_renal_cards_with_the_lithium_lines() -> None:
    found = _cards("c_egfr_75_to_48")
    assert LITHIUM not in found  # level and tests current: nothing due
    renal = found[RENAL]
    # The fall named since session 34 lith51 (75 -> 48: 36 % lower, data/egfr_fall.csv).
    assert "Lithium 900 mg/day running, eGFR 75 (2025-11-15) to 48 (2026-11-15)" in renal["summary"]
    assert (
        "Lithium: last level 0.6 mmol/L on 2026-11-01; creatinine 1.4 mg/dL on 2026-11-15; "
        "eGFR 48 mL/min/1.73 m2 on 2026-11-15."
    ) in renal["detail"]


def test_lithium_only_chart_without_labs_gets_the_card() -> None:
    card = _cards("e_lithium_only_no_labs")[LITHIUM]
    assert card["summary"] == (
        "Lithium 900 mg/day running: level due (none on record); no sodium, creatinine or eGFR "
        "or TSH in 365 days (CANMAT 2023 para 164)"
    )
    for line in ("- sodium: **none on record**", "- TSH: **none on record**"):
        assert line in card["detail"]


@pytest.mark.parametrize("name", ["d_level_0_6_current_control", "f_lithium_only_current_control"])
def test_current_monitoring_stays_quiet(name: str) -> None:
    found = _cards(name)
    assert LITHIUM not in found
    if name.startswith("f"):
        assert found == {}
