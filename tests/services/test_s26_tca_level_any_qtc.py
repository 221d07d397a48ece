"""Review s26 RQ "Missing cards" 1 and 2: a tricyclic level above its range at any age, and a
QTc above 500 ms with any running antidepressant.

1. Nortriptyline 400 ng/mL (LOINC 3872-9) at 45 gave no card on patient-view: the only level
   reading was the older-adult one (from 65, inside the optimise card). Now the
   `running-drug-level` card (services/rules/tca_level.py; data/lab_safety.csv level-above, the
   label's 50-150 ng/mL, and level-toxic, 500 ng/mL) speaks at any age: a warning, critical above
   500; a level drawn under 7 days (5 until review s26 RK3 finding 4) after a dose change is said
   not to be at steady state.
2. Sertraline 50 mg at 70 with a QTc of 520 ms gave no card: only citalopram, escitalopram,
   gepirone and the tricyclics had QTc rows. The qtc-high row (> 500 ms, any antidepressant with
   no QTc row of its own) makes the running-drug-qtc card speak; 495 ms stays quiet.

Charts: tests/services/tca_level_charts/ (the review's quiet charts, one value changed).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services import older_adult_levels
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

LEVEL = "running-drug-level"
QTC = "running-drug-qtc"
_chart = chart_files.loader(Path(__file__).parent / "tca_level_charts")
_cards = Evaluator(date(2026, 12, 1)).cards


def _level_card(name: str) -> dict[str, Any]:
    return by_topic(_cards(_chart(name)))[LEVEL]


def test_level_above_range_at_45_is_a_warning_with_level_date_range_and_action() -> None:
    card = _level_card("nortriptyline75_age45_level400_pv")
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Nortriptyline level 400 ng/mL on 2026-09-14 on 75 mg/day: above 50-150 ng/mL; check "
        "for toxicity (ECG, QRS) and lower the dose"
    )
    assert "the label's optimal range (Pamelor label (plasma levels)" in card["detail"]
    assert "steady state" not in card["detail"]  # drawn long after the dose started


def test_level_above_the_toxic_line_is_critical() -> None:
    card = _level_card("nortriptyline75_age45_level600_toxic_pv")
    assert card["indicator"] == "critical"
    assert card["summary"].startswith(
        "Nortriptyline level 600 ng/mL on 2026-09-14: above the 500 ng/mL toxic line; assess"
    )
    assert "major cardiac toxicity (QRS widening)" in card["detail"]


def test_level_in_range_gives_no_card() -> None:
    cards = _cards(_chart("nortriptyline75_age45_level110_in_range_pv"))
    assert LEVEL not in by_topic(cards)
    assert QTC not in by_topic(cards)


def test_older_adult_in_remission_gets_the_one_level_card() -> None:
    """At 70 in remission no optimise card reads the level: the level card is the one card that
    says it, and only once."""
    cards = _cards(_chart("nortriptyline75_age70_remission_level400_pv"))
    assert [c["summary"] for c in cards].count(by_topic(cards)[LEVEL]["summary"]) == 1
    assert sum("level 400 ng/mL" in c["summary"] for c in cards) == 1


def test_level_drawn_before_steady_state_says_so() -> None:
    doc = _chart("nortriptyline75_age45_level400_pv")
    for entry in doc["prefetch"]["labsSI"]["entry"]:
        resource = entry["resource"]
        if "3872-9" in str(resource.get("code")):
            resource["effectiveDateTime"] = "2024-03-07T09:30:00-05:00"  # dose from 2024-03-04
    card = by_topic(_cards(doc))[LEVEL]
    assert (
        "drawn 3 days after the current dose started on 2024-03-04: not yet at steady state"
        in (card["detail"])
    )


def test_older_adult_reading_reads_the_one_range() -> None:
    row = older_adult_levels.level_range("nortriptyline")
    dosed = older_adult_levels.for_patient("nortriptyline", 70)
    assert dosed is not None
    assert (dosed.level_low, dosed.level_high, dosed.level_unit) == (row.low, row.high, row.unit)


def test_qtc_above_500_with_sertraline_is_a_card() -> None:
    card = by_topic(_cards(_chart("man70_sertraline50_qtc520_pv")))[QTC]
    assert card["summary"].startswith(
        "QTc 520 ms on 2026-10-05 with sertraline running: above 500 ms, high-risk whatever the "
        "drug; repeat the ECG"
    )
    assert "an antidepressant whose label sets no QTc line" in card["detail"]
    assert "check potassium and magnesium" in card["detail"]


def test_qtc_495_with_sertraline_stays_quiet() -> None:
    assert QTC not in by_topic(_cards(_chart("man70_sertraline50_qtc495_pv")))


def test_older_adult_with_the_optimise_line_gets_no_second_card() -> None:
    """At 78 the optimise card's older-adult dose line already says the level above its range:
    the level card yields (no second card for one finding)."""
    folder = Path(__file__).parent / "nortriptyline_level_charts"
    cards = _cards(chart_files.loader(folder)("nortriptyline50_at_78_level180"))
    assert LEVEL not in by_topic(cards)
    assert sum("nortriptyline level 180 ng/mL" in c["summary"] for c in cards) == 1
