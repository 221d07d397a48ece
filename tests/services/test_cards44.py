"""Session 32 fix cards44: cards43 follow-ups of recheck K31b (the reviewer's charts in
cards44_charts/, all 19 prefetch keys; as of 2026-12-01; built on cards43_charts/v13_lithium and
v07_partial).

1. UNSAFE: L1/L1b/L1c: a lithium level of 0.6 on 2026-11-01 and lisinopril (a thiazide, an NSAID)
   started on 2026-11-15: the level is not today's, so the optimise card asks for a new one and
   the TMS card holds on it, as the interaction card does. Controls: the level drawn after the
   raiser reached steady state (L1d) and v13_lithium (lisinopril since 2017) stay one click; L2,
   L4, L5 still hold.
2. v07_partial / O7_age78: venlafaxine 225 mg/day at the top of its range: "at the top of its
   range: add an adjunct (CANMAT 2023 para 190)", not "optimise the dose".
3. O3 / O3b: an adjunct already running is optimised first ("raise aripiprazole (5 mg/day;
   2-10)"), or, lithium in its target, "change strategy".
4. O1e: PHQ-9 24 -> 18 -> 14 -> 11, still falling: no card (policy residual_falling_points over
   residual_falling_weeks).
5. T1/T1b: bupropion 75/100 mg/day on the TMS card's "Trial running" line is said to be below its
   adequate dose, the 6 weeks counting from an adequate dose.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

TMS = "tms-referral"
OPTIMISE = "optimize-switch-augment"
_HERE = Path(__file__).parent
_cards = chart_files.topic_reader(_HERE / "cards44_charts", date(2026, 12, 1))
_cards43 = chart_files.topic_reader(_HERE / "cards43_charts", date(2026, 12, 1))


def _referral(card: dict) -> dict:
    return next(s for s in card["suggestions"] if s["label"] == "Refer for TMS evaluation")


# 1. A level drawn before a drug that raises it started is not today's.


@pytest.mark.parametrize(
    ("name", "raiser"),
    [
        ("L1_lisinopril_after_level", "lisinopril"),
        ("L1b_hctz_after_level", "hydrochlorothiazide"),
        ("L1c_ibuprofen_after_level", "ibuprofen"),
    ],
)
def test_level_before_a_raiser_started_holds_the_referral(name: str, raiser: str) -> None:
    found = _cards(name)
    tms = found[TMS]
    assert "check a lithium level first, then consider TMS referral" in tms["summary"]
    assert "Not one click yet" in tms["detail"]
    referral = [s for s in tms.get("suggestions", []) if s["label"] == "Refer for TMS evaluation"]
    assert not any(s.get("isRecommended") for s in referral)
    optimise = found[OPTIMISE]
    assert "check a lithium level first (last 0.6 on 2026-11-01)" in optimise["summary"]
    assert "in the 0.5-0.8 target" not in optimise["summary"]
    assert f"(before {raiser} started on 2026-11-15, which raises the level)" in optimise["detail"]
    assert "it has had a fair dose" not in optimise["detail"]


@pytest.mark.parametrize(
    "name",
    ["L1d_level_after_lisinopril", "v13_lithium"],
)
def test_level_after_the_raiser_settled_keeps_the_referral_one_click(name: str) -> None:
    found = (_cards43 if name.startswith("v13") else _cards)(name)
    tms = found[TMS]
    assert "consider TMS referral" in tms["summary"]
    assert "check a lithium level" not in tms["summary"]
    assert _referral(tms).get("isRecommended") is True
    assert "in the 0.5-0.8 target" in found[OPTIMISE]["summary"]


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("L2_level_year_old", "check the lithium level and eGFR first"),
        ("L4_level_day3", "repeat the lithium level first"),
        ("L5_level_5mo", "check the lithium level and eGFR first"),
    ],
)
def test_other_levels_not_todays_still_hold(name: str, first: str) -> None:
    tms = _cards(name)[TMS]
    assert f"{first}, then consider TMS referral" in tms["summary"]


# 2. At the top of its range: an adjunct, not "optimise the dose".


@pytest.mark.parametrize(("folder", "name"), [("cards43", "v07_partial"), ("cards44", "O7_age78")])
def test_top_of_range_response_says_add_an_adjunct(folder: str, name: str) -> None:
    card = (_cards43 if folder == "cards43" else _cards)(name)[OPTIMISE]
    summary = card["summary"]
    assert "at the top of its range: add an adjunct (CANMAT 2023 para 190)" in summary
    assert "optimise the dose" not in summary
    assert "225 mg/day is the top of its range for this patient." in card["detail"]


# 3. An adjunct already running is optimised first.


def test_an_aripiprazole_order_awaiting_its_fill_is_named_not_raised() -> None:
    # orders39: O3's aripiprazole is an order no fill shows taken while the chart's feed carries
    # other fills: "ordered, no fill yet", never "raise aripiprazole" (a running aripiprazole is
    # still raised first: tests/services/test_orders39.py, p09).
    card = _cards("O3_on_aripiprazole")[OPTIMISE]
    assert card["summary"].endswith("aripiprazole 5 mg/day ordered 2026-10-15, no fill yet")
    assert "add an adjunct" not in card["summary"]
    assert (
        "**Adjunct ordered:** aripiprazole 5 mg/day ordered 2026-10-15, no fill yet"
        in (card["detail"])
    )


def test_running_lithium_in_target_changes_strategy() -> None:
    card = _cards("O3b_on_lithium")[OPTIMISE]
    assert "lithium at its target level: change strategy" in card["summary"]
    assert "add an adjunct" not in card["summary"]


# 4. Still falling: quiet.


def test_scores_still_falling_leave_the_card_quiet() -> None:
    assert OPTIMISE not in _cards("O1e_225_improving_steadily")


def test_scores_no_longer_falling_fast_keep_the_card() -> None:
    # 15 -> 11 over the last 2 weeks: under the 5 points of policy residual_falling_points.
    assert "response, not remission" in _cards("O1_still_improving")[OPTIMISE]["summary"]


# 5. A running trial below its adequate dose.


@pytest.mark.parametrize(("name", "mg"), [("T1_bup75", "75"), ("T1b_bup100", "100")])
def test_running_trial_below_its_dose_said_so(name: str, mg: str) -> None:
    detail = _cards(name)[TMS]["detail"]
    assert (
        f"bupropion {mg} mg/day since 2026-11-08 (3 weeks), below its adequate dose "
        "(150-450 mg/day): the 6 weeks count from an adequate dose: judge it once they are "
        "reached"
    ) in detail


def test_running_trial_at_its_dose_unchanged() -> None:
    detail = _cards43("v11b_third_short")[TMS]["detail"]
    assert (
        "bupropion 300 mg/day since 2026-11-08 (3 weeks): judge it once 6 weeks at an adequate "
        "dose are reached"
    ) in detail
    assert "below its adequate dose" not in detail
