"""Session 38 fix lab62: the same-day lithium weighing reads the clinic's older-adult age.

Charts in lab62_charts/ (all 19 prefetch keys; as of 2026-12-01; the lab61 lithium chart, Epic
shaped: effectiveDateTime with offsets, valueQuantity in UCUM, no lab flag on the pair):

1. A lithium 0.55 and 0.65 of one day at 67 (o1, o2 the other order), under a clinic
   policy.older_adult_age of 70: every card reads the 0.5-0.8 target of a 67-year-old, yet the
   day's results were weighed by the older target (0.4-0.6, from lithium-high-older's 65), said
   to "disagree" and the 0.65 read (o2: drawn first, the later 0.55 set aside). Now weighed by the
   policy age: no disagreement, the latest read. Controls: the same charts under the default 65
   (the older target is this patient's: they disagree, 0.65 read), and at 71 under 70 (c1).
2. The note's closing words said "the more abnormal is read" of a lithium 0.9 then 0.2 (w1),
   where 0.9 is read because the lithium lines guard against a high level: now "the higher is
   read, as this test's lines guard against a high value".
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

_FOLDER = Path(__file__).parent / "lab62_charts"
_load = chart_files.loader(_FOLDER)
_AS_OF = date(2026, 12, 1)

NOTE = "disagree"
LITHIUM_PAIR = "drug-interaction"

FIXED = {
    "o1_lithium_0_55_then_0_65_same_day_age_67": "fixed",
    "o2_lithium_0_65_then_0_55_same_day_age_67": "fixed",
    "w1_lithium_0_9_then_0_2_same_day_epic": "fixed",
}
CONTROLS = {
    "c1_lithium_0_55_then_0_65_same_day_age_71_control": "control",
}


def _cards(name: str, older_adult_age: int) -> dict[str, Any]:
    doc = _load(name)
    chart_files.check_chart(doc)
    at = Evaluator(_AS_OF, policy=Policy(older_adult_age=older_adult_age))
    found: dict[str, Any] = at.by_topic(doc)
    return found


def _all_text(cards: dict[str, Any]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards.values())


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


@pytest.mark.parametrize(
    ("name", "last"),
    [
        ("o1_lithium_0_55_then_0_65_same_day_age_67", "last level 0.65 on 2026-11-18"),
        ("o2_lithium_0_65_then_0_55_same_day_age_67", "last level 0.55 on 2026-11-18"),
    ],
)
def test_below_the_clinics_older_adult_age_the_older_target_is_not_weighed(
    name: str, last: str
) -> None:
    cards = _cards(name, 70)
    assert NOTE not in _all_text(cards)
    assert last in cards[LITHIUM_PAIR]["summary"]
    assert "0.4-0.6" not in _all_text(cards)


@pytest.mark.parametrize(
    ("name", "policy_age"),
    [
        ("o1_lithium_0_55_then_0_65_same_day_age_67", 65),
        ("o2_lithium_0_65_then_0_55_same_day_age_67", 65),
        ("c1_lithium_0_55_then_0_65_same_day_age_71_control", 70),
        ("c1_lithium_0_55_then_0_65_same_day_age_71_control", 65),
    ],
)
def test_at_the_clinics_older_adult_age_the_pair_disagrees(name: str, policy_age: int) -> None:
    cards = _cards(name, policy_age)
    text = _all_text(cards)
    assert NOTE in text
    assert "last level 0.65 on 2026-11-18" in cards[LITHIUM_PAIR]["summary"]
    assert "the one out of range is read over the one within it, the safer reading" in text
    assert f"above the 0.4-0.6 mmol/L target at {policy_age} and over" in text


def test_the_note_says_which_side_is_read_and_why() -> None:
    text = _all_text(_cards("w1_lithium_0_9_then_0_2_same_day_epic", 65))
    assert "last level 0.9 on 2026-11-18" in text
    assert "more abnormal" not in text
    assert (
        "0.2 mmol/L low at 14:00-05:00 (Observation/lab61-li-b); the higher is read, as this "
        "test's lines guard against a high value: the safer reading)"
    ) in text
