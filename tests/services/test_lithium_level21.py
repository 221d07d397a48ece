"""Review s21 RR2: the optimise card's lithium level, read for the patient and the course.

1. Recheck L3: lithium 600 mg/day, level 0.45 mmol/L at 79 read "raise lithium toward 0.5-0.8
   mmol/L first". At policy.older_adult_age and over the target is lab_safety.csv
   lithium-target-older (NICE NG222: 0.4-0.6 mmol/L at 65 and over): 0.45 is in it, no "raise
   first", and the line names the older-adult target.
2. Recheck L4: a level of 1.6 (toxic) on 11-18, then 0.3 on 11-20, same course, read "raise
   lithium ... first (level 0.3)"; 1.6 named nowhere. A current level above the target before
   the last one now stops "raise first" and is named with the lithium-toxic row's words.
3. Recheck L1: raised to 900 mg on 11-17, level 0.3 on 11-20 (3 days: not steady state) read
   "raise first". Now "too early after the change on 2026-11-17: repeat the level 5-7 days after
   it" (5-7 from data/level_monitoring.csv).

Charts: tests/services/lithium_level21_charts/ (copies of /tmp/trd/s21/rr2 charts, built by its
mk_lith.py from rf21_far_pathway_charts/lithium_600_level_0_3_below_target.json).
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

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"

_chart = chart_files.loader(Path(__file__).parent / "lithium_level21_charts")
_at = Evaluator(AS_OF)


def _optimise(name: str, policy: Policy | None = None) -> Doc:
    return _at.by_topic(_chart(name), policy=policy)[OPTIMISE]


def _text(card: Doc) -> str:
    return card["summary"] + "\n" + card.get("detail", "")


def test_older_adult_level_in_the_nice_target_is_not_raised() -> None:
    card = _optimise("L3_lithium_0_45_age_79")
    text = _text(card)
    assert "raise lithium toward" not in text
    assert "first (level 0.45" not in card["summary"]
    assert (
        "last level 0.45 mmol/L on 2026-11-20: in the 0.4-0.6 mmol/L target at 65 and over" in text
    )
    assert "NICE NG222" in text


def test_older_adult_age_is_the_clinics_policy() -> None:
    # Raised to 80, the 79-year-old is read against the general 0.5-0.8 target again.
    card = _optimise("L3_lithium_0_45_age_79", Policy(older_adult_age=80))
    assert "raise lithium toward 0.5-0.8 mmol/L first (level 0.45 on 2026-11-20)" in card["summary"]


def test_a_toxic_level_before_a_low_one_is_named_not_raised() -> None:
    card = _optimise("L4_lithium_toxic_1_6_then_0_3")
    text = _text(card)
    assert "raise lithium toward" not in text
    assert "raise it toward" not in text
    assert "level 1.6 on 2026-11-18 (at the toxicity line)" in card["summary"]
    assert (
        "level 1.6 mmol/L on 2026-11-18, above the 0.5-0.8 mmol/L target (at or above 1.5 mmol/L,"
        " where the lithium label puts a greater risk of toxicity)" in text
    )
    assert "do not raise it on the later level" in text


def test_a_level_three_days_after_a_raise_is_too_early() -> None:
    card = _optimise("L1_lithium_raised_3_days_before_level")
    text = _text(card)
    assert "raise lithium toward" not in text
    assert "raise it toward" not in text
    assert "repeat the level 5-7 days after it" in card["summary"]
    assert "too early after the change on 2026-11-17" in card["summary"]
    assert "Its level is too early after the change on 2026-11-17" in text
