"""Session 39 fix lab63: lithium lines and creatinine clearance notes (session 38 leftovers).

Charts in lab63_charts/ (all 19 prefetch keys; as of 2026-12-01; Epic shaped as the lab61 and
lab62 charts: effectiveDateTime with offsets, valueQuantity in UCUM, the clearance under `labsSI`):

1. lithium-high-older (0.8) was read by the running-lithium card at the table's fixed 65, while
   the optimise hold and the same-day weighing read policy.older_adult_age: under a clinic age of
   70 a 67-year-old with lithium 1.0 (l1) or 0.9 (l2) got "above the 0.8 limit at 65 and over"
   beside an optimise card reading the 0.5-0.8 target of that age. Now every reader takes the
   policy age (lab_rules.upper_line / is_older): no such card under 70 (the optimise card names
   the level above 0.5-0.8), the card as before under 65. Controls: 64 (l3: no card at 1.0, the
   1.0 line is "above"), 66 (l4) under 65, 71 (l5) under 70 ("at 70 and over").
2. A creatinine clearance normalised to 1.73 m2 (n1) was read on the label's unindexed mL/min
   bands with no word: the baseline and renal lines now say so. Control: the same in mL/min (n2).
3. A clearance under a local code only (t1) left "creatinine or eGFR: none on record" without
   pointing to it: the line now names it. Control: no renal test at all (t2).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "lab63_charts"
_load = chart_files.loader(_FOLDER)
_AS_OF = date(2026, 12, 1)

LEVEL = "running-lithium-level"
BASELINE = "order-lithium-baseline"
RENAL = "order-renal-dose"
INDEXED = "normalised to 1.73 m2 body surface and read on the label's unindexed mL/min bands"

FIXED = {
    "l1_lithium_1_0_age_67": "fixed",
    "l2_lithium_0_9_age_67": "fixed",
    "l4_lithium_1_0_age_66": "fixed",
    "n1_lithium_start_crcl_25_ml_min_1_73_m2_baseline": "fixed",
    "t1_lithium_start_crcl_local_code_text_only": "fixed",
}
CONTROLS = {
    "l3_lithium_1_0_age_64_control": "control",
    "l5_lithium_1_0_age_71_control": "control",
    "n2_lithium_start_crcl_25_ml_min_baseline_control": "control",
    "t2_lithium_start_no_renal_test_control": "control",
}


def _cards(name: str, older_adult_age: int = 65) -> dict[str, Any]:
    doc = _load(name)
    at = Evaluator(_AS_OF, policy=Policy(older_adult_age=older_adult_age))
    found: dict[str, Any] = at.by_topic(doc)
    return found


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


@pytest.mark.parametrize(
    "name", ["l1_lithium_1_0_age_67", "l2_lithium_0_9_age_67", "l4_lithium_1_0_age_66"]
)
def test_under_the_clinics_older_adult_age_the_older_line_is_not_read(name: str) -> None:
    cards = _cards(name, 70)
    assert LEVEL not in cards
    detail = cards["optimize-switch-augment"]["detail"]
    assert "**above the 0.5-0.8 mmol/L target**" in detail
    assert "0.8 limit" not in "\n".join(c["summary"] for c in cards.values())


@pytest.mark.parametrize(
    ("name", "policy_age"),
    [
        ("l1_lithium_1_0_age_67", 65),
        ("l2_lithium_0_9_age_67", 65),
        ("l4_lithium_1_0_age_66", 65),
        ("l5_lithium_1_0_age_71_control", 70),
        ("l5_lithium_1_0_age_71_control", 65),
        ("l3_lithium_1_0_age_64_control", 60),
    ],
)
def test_at_the_clinics_older_adult_age_the_older_line_warns(name: str, policy_age: int) -> None:
    card = _cards(name, policy_age)[LEVEL]
    assert card["indicator"] == "warning"
    assert f"(above the 0.8 limit at {policy_age} and over)" in card["summary"]
    assert "the upper line this service uses for an older adult" in card["detail"]


@pytest.mark.parametrize("policy_age", [65, 70])
def test_at_64_a_level_of_1_0_is_at_the_general_line(policy_age: int) -> None:
    assert LEVEL not in _cards("l3_lithium_1_0_age_64_control", policy_age)


def test_a_normalised_clearance_is_said_so() -> None:
    cards = _cards("n1_lithium_start_crcl_25_ml_min_1_73_m2_baseline")
    assert (
        "- creatinine clearance 25 mL/min/1.73m2 on 2026-11-20: **severe renal impairment band "
        f"of the lithium label (not recommended; lithium label 2 and 8.6), {INDEXED}"
    ) in cards[BASELINE]["detail"]
    assert f"The clearance is {INDEXED}" in cards[RENAL]["detail"]


def test_an_unindexed_clearance_has_no_note() -> None:
    cards = _cards("n2_lithium_start_crcl_25_ml_min_baseline_control")
    assert "- creatinine clearance 25 mL/min on 2026-11-20" in cards[BASELINE]["detail"]
    assert "1.73" not in cards[BASELINE]["detail"] + cards[RENAL]["detail"]


def test_a_local_code_clearance_is_named_on_the_renal_line() -> None:
    cards = _cards("t1_lithium_start_crcl_local_code_text_only")
    assert (
        "- creatinine or eGFR: **none on record**; creatinine clearance of 2026-11-20 under a "
        "code this service does not know, not read: check its value in the chart"
    ) in cards[BASELINE]["detail"]
    assert RENAL not in cards


def test_no_renal_test_names_nothing_unread() -> None:
    detail = _cards("t2_lithium_start_no_renal_test_control")[BASELINE]["detail"]
    assert "- creatinine or eGFR: **none on record**\n" in detail
