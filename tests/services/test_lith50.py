"""Session 33 fix lith50 (recheck K36b finding 4): one TSH prompt at chart open.

The lithium monitoring card (services/rules/lithium_due.py) leaves a missing TSH to the diagnosis
review card when that card asks for it (TRD met, no TSH within tsh_lookback_days): that card
carries the "Order TSH" suggestion. Charts in lith50_charts/ (all 19 prefetch keys; as of
2026-12-01), lith49's a_level_14_months_old with the TSH moved to 2025-06-01:

- n1: the level moved to 2026-11-24 (current): the TSH is all the lithium card had; before, two
  TSH prompts (the lithium card and the diagnosis review card); now the diagnosis review card's;
- n2: the level left at 2025-10-01 (14 months): the lithium card names the level only, its
  detail lists the TSH with a pointer to the diagnosis review card.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

LITHIUM = "running-lithium-level"
DIAGNOSIS = "diagnosis-review"
_cards = chart_files.topic_reader(Path(__file__).parent / "lith50_charts", date(2026, 12, 1))
_TSH_ASK = (
    "No TSH in 365 days (last 2025-06-01, normal) after 2 adequate trials failed: consider one "
    "if clinically indicated"
)


def _tsh_prompts(found: dict[str, dict[str, object]]) -> list[str]:
    return [t for t, c in found.items() if "TSH" in str(c["summary"])]


def test_n1_one_tsh_prompt_on_the_diagnosis_review_card() -> None:
    found = _cards("n1_level_current_tsh_18_months")
    assert _tsh_prompts(found) == [DIAGNOSIS]
    assert found[DIAGNOSIS]["summary"] == _TSH_ASK
    labels = [s["label"] for s in found[DIAGNOSIS].get("suggestions", [])]
    assert "Order TSH" in labels
    assert LITHIUM not in found  # the level, sodium and creatinine are current: nothing else due


def test_n2_lithium_card_names_the_level_and_points_at_the_tsh() -> None:
    found = _cards("n2_level_14_months_tsh_18_months")
    assert _tsh_prompts(found) == [DIAGNOSIS]
    card = found[LITHIUM]
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Lithium 900 mg/day running: level due (last 0.6 mmol/L on 2025-10-01, 14 months ago) "
        "(CANMAT 2023 para 164)"
    )
    assert (
        "- TSH: **last 2.1 m[IU]/L on 2025-06-01, over 365 days ago** (asked on the diagnosis "
        "review card)"
    ) in card["detail"]
