"""Session 42 review K69a findings 3 and 4 (fix adeq70).

- Finding 3 (UNSAFE, older): weeks at an adequate dose were added up across a cut below the
  minimum: sertraline 100 mg 4 weeks, 25 mg 6 weeks, 100 mg 2 weeks was "6 weeks at an adequate
  dose", a failed trial, TMS "Met". Only a continuous run counts (fhir_mapping/adequate_runs.py);
  runs that reach the weeks only added up are "possibly adequate (4 + 2 weeks ...): confirm".
- Finding 4 (WRONG, older): with no baseline PHQ-9 a score of 6 or 12 after 16 weeks was
  "failed": a >= 50 % drop cannot be ruled out (fhir_mapping/no_baseline.py). A score of 14
  cannot be a response from any PHQ-9 baseline (27 x 0.5 = 13.5): still failed (control).
Controls: a dose raise (100 -> 150 mg, both adequate) stays one run; the unchanged chart.
Every chart keeps a failed venlafaxine course, so the sertraline course decides whether TMS is
offered (2 failed trials needed).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "adeq70_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_TMS = "tms-referral"
_RISK = "suicide-risk"
_ADHERENCE = "adherence-review"
_OPTIMIZE = "optimize-switch-augment"

# Sertraline no longer counted as a failed trial: no TMS referral.
NOT_COUNTED = {
    "w03_split_4_2_phq": "fixed",
    "w01_split_3_3": "fixed",
    "p10_nobase_6": "fixed",
    "p07_nobase_12": "fixed",
}
# Sertraline still a failed adequate trial: TMS offered as before.
COUNTED = {
    "p08_nobase_14": "control",
    "s00_control": "control",
    "u01_raise_old_left_active": "control",
}


def _detail(cards: dict[str, Any], topic: str) -> str:
    card = cards.get(topic)
    return "" if card is None else str(card.get("detail", ""))


@pytest.mark.parametrize("name", sorted(NOT_COUNTED))
def test_sertraline_not_counted_no_tms(name: str) -> None:
    cards = _cards(name)
    assert _RISK not in cards
    assert _TMS not in cards, name
    assert "(sertraline, venlafaxine)" not in cards[_OPTIMIZE]["summary"]


@pytest.mark.parametrize("name", sorted(COUNTED))
def test_sertraline_counted_tms_offered(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)
    assert "sertraline (SSRI, failed)" in _detail(cards, _TMS)


@pytest.mark.parametrize(
    ("name", "runs", "cut"),
    [
        ("w03_split_4_2_phq", "4 + 2", "6 weeks at 25 mg/day"),
        ("w01_split_3_3", "3 + 3", "6 weeks at 25 mg/day"),
    ],
)
def test_interrupted_runs_worded(name: str, runs: str, cut: str) -> None:
    detail = _detail(_cards(name), _ADHERENCE)
    assert (
        f"possibly adequate ({runs} weeks at >= 50 mg/day, interrupted by {cut}): confirm; "
        "not counted as a failure"
    ) in detail


@pytest.mark.parametrize(("name", "score"), [("p10_nobase_6", 6), ("p07_nobase_12", 12)])
def test_no_baseline_failure_not_shown(name: str, score: int) -> None:
    detail = _detail(_cards(name), _OPTIMIZE)
    assert f"**Failure not shown:** sertraline (PHQ-9 {score} on " in detail
    assert "response not measurable (no PHQ-9 before the trial)" in detail


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, NOT_COUNTED, COUNTED)
