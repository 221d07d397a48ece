"""Session 22 (last session's closing note): the lithium target said on a card comes from the one
age-aware row (services/lab_safety.level_target: CANMAT 2023 0.5-0.8 mmol/L, NICE NG222 0.4-0.6
at policy.older_adult_age and over).

Before, at 79: the augment card said "Second line: lithium (serum 0.5-0.8 mmol/L)" and, with
lithium running, "Lithium (serum 0.5-0.8 mmol/L; ...): ... last level 0.45 mmol/L: in the 0.4-0.6
mmol/L target at 65 and over" on one line; the interaction card said "below the 0.5-0.8 mmol/L
target" of the same 0.45.

Charts: tests/services/lithium_target_age_charts/ (the RR2 review's L3 chart, and it without
lithium at 79 and at 50; US Core shaped patient-view requests, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
OLDER = "serum 0.4-0.6 mmol/L at 65 and over (NICE NG222"

_chart = chart_files.loader(Path(__file__).parent / "lithium_target_age_charts")
_cards = Evaluator(AS_OF).cards


def _details(name: str) -> str:
    return "\n".join(c.get("detail", "") + "\n" + c["summary"] for c in _cards(_chart(name)))


def test_the_second_line_lithium_target_at_79_is_the_older_adult_row() -> None:
    text = _details("no_lithium_age_79")
    assert f"Second line: lithium ({OLDER}" in text
    assert "0.5-0.8" not in text


def test_the_second_line_lithium_target_at_50_stays_canmat() -> None:
    assert "Second line: lithium (serum 0.5-0.8 mmol/L)" in _details("no_lithium_age_50")


def test_running_lithium_at_79_names_one_target_everywhere() -> None:
    text = _details("lithium_0_45_age_79_running")
    assert f"Lithium ({OLDER}" in text
    assert "in the 0.4-0.6 mmol/L target at 65 and over" in text
    assert "0.5-0.8" not in text
