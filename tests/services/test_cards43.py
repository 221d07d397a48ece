"""Session 32 fix cards43: the TMS and optimise cards of review K30c that disagreed or said nothing
(the reviewer's charts in cards43_charts/, all 19 prefetch keys; as of 2026-12-01). base.json:
sertraline to 200 mg then venlafaxine 225 mg, both failed, PHQ-9 19/17/18.

1. v13_lithium: lithium 300 mg/day (below its mg/day range) with a level of 0.6 mmol/L in its
   0.5-0.8 target: the optimise card judges it ("change strategy"), so nothing is pending and the
   TMS referral keeps its one click. Control v13c_lithium_low (0.3 mmol/L): still held on "raise
   lithium to its target level first".
2. v11b_third_short, v19c_age78_nortrip: venlafaxine stopped with no PHQ-9 on it is "stopped
   unmeasured" in the summary, the trial criterion ("failure inferred") and the staging line;
   "1 day after", never "1 days"; the third trial running under 6 weeks is named on the TMS card.
3. v07_partial: venlafaxine 225 mg/day, PHQ-9 24 -> 11 (response, PHQ-9 still moderate): the
   optimise card says response, not remission, and names the adjuncts; no TMS card. Control
   v07c_response_phq8 (24 -> 8, mild): no card, as before; v14_partial14 (24 -> 14) unchanged.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

TMS = "tms-referral"
OPTIMISE = "optimize-switch-augment"
_cards = chart_files.topic_reader(Path(__file__).parent / "cards43_charts", date(2026, 12, 1))


def _referral(card: dict) -> dict:
    return next(s for s in card["suggestions"] if s["label"] == "Refer for TMS evaluation")


# 1. A level in its target holds nothing.


def test_lithium_in_target_leaves_the_referral_one_click() -> None:
    found = _cards("v13_lithium")
    tms = found[TMS]
    assert "check the lithium level" not in tms["summary"]
    assert "consider TMS referral" in tms["summary"]
    assert "Not one click yet" not in tms["detail"]
    assert "does not judge lithium" not in tms["detail"]
    assert _referral(tms).get("isRecommended") is True
    assert "0.5-0.8 target" in found[OPTIMISE]["summary"]


def test_lithium_below_target_still_holds_the_referral() -> None:
    tms = _cards("v13c_lithium_low")[TMS]
    assert "raise lithium to its target level first" in tms["summary"]
    assert "Not one click yet" in tms["detail"]


def test_base_chart_unchanged() -> None:
    found = _cards("base")
    assert "consider TMS referral" in found[TMS]["summary"]
    assert "Trial running" not in found[TMS]["detail"]
    assert "Failed antidepressants 1 (2 failed: 1-2 medications)" in found[TMS]["detail"]


# 2. One count for a trial stopped with no PHQ-9 on it; the trial running named.


@pytest.mark.parametrize(
    ("name", "running"),
    [
        ("v11b_third_short", "bupropion 300 mg/day since 2026-11-08 (3 weeks)"),
        ("v19c_age78_nortrip", "nortriptyline 75 mg/day since 2026-11-20 (1 week)"),
    ],
)
def test_stopped_unmeasured_said_once_and_the_running_trial_named(name: str, running: str) -> None:
    tms = _cards(name)[TMS]
    assert "1 adequate trial failed, 1 stopped unmeasured" in tms["summary"]
    detail = tms["detail"]
    assert "venlafaxine (SNRI, stopped unmeasured, failure inferred: " in detail
    assert "failed, inferred" not in detail
    assert "(1 failed, 1 stopped unmeasured, failure inferred: 1-2 medications)" in detail
    assert "2 failed" not in detail
    assert "1 day after venlafaxine stopped" in detail
    assert "1 days" not in detail
    assert f"**Trial running, not judged yet:** {running}: judge it once 6 weeks" in detail


# 3. A response whose PHQ-9 is still moderate.


def test_response_with_moderate_score_gets_the_optimise_card() -> None:
    found = _cards("v07_partial")
    assert TMS not in found
    card = found[OPTIMISE]
    assert card["summary"].startswith(
        # cards44 (recheck K31b finding 2): at the top of its range, an adjunct only.
        "Venlafaxine response, not remission (PHQ-9 11 on 2026-11-23): at the top of its range: "
        "add an adjunct (CANMAT 2023 para 190)"
    )
    assert "225 mg/day is the top of its range for this patient" in card["detail"]
    assert "First-line adjuncts (CANMAT 2023 Table 7.2)" in card["detail"]
    assert not card.get("suggestions")


def test_response_with_mild_score_gives_no_card() -> None:
    found = _cards("v07c_response_phq8")
    assert OPTIMISE not in found
    assert TMS not in found


def test_partial_response_unchanged() -> None:
    card = _cards("v14_partial14")[OPTIMISE]
    assert "add an adjunct to venlafaxine first (CANMAT para 190)" in card["summary"]
