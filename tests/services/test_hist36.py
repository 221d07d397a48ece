"""Session 31 fix hist36: a visit reason's "Plan:" / "Intent:" heading (hist36_charts/, all 19
prefetch keys: hist35's u_plan_crash_car, an ED visit of 2026-11-20, with the reason's words
changed; `e_` charts carry a local reason code the tables do not know beside the words; evaluated
as of 2026-12-01):

1. UNSAFE: a heading answered by a method with no SI word in the reason ("Plan: hang self",
   "Intent: to hang self", "Plan: jump off bridge") made no card. Now critical: a stated suicide
   plan (stated_heading.states_method, read by visit_risk.py).
2. UNSAFE: "Plan: safety plan; will hang self", "Plan: none; will hang self" beside a denied SI
   history were the past-SI warning: the clause after ";" or "," was outside the heading's
   answer (and a "Plan:" whose answer was blanked read as a bare list). A method in a later
   clause of the heading's sentence is read now, unless a denial or history lead stands before
   it in its clause ("Plan: RTC 4 weeks; no access to guns" stays the warning).
3. WRONG: "Plan: take lithium nightly", "sertraline 50 mg daily" beside a denied SI history were
   critical (no treatment head). A drug of the drug tables with dosing words only is the
   treatment plan now (the past-SI warning); "overdose on lithium", "take lithium and crash
   car", "take all her lithium" stay critical.
4. UNSAFE: "SI, Intent: none", "Passive SI, Plan: none", "History of SI, Intent: none" made no
   card: text_negation read "Intent"/"Plan" as a checklist item the answer "none" covered with
   the SI. A qualifier is no item now, and a risk heading's denial is no denial of the SI
   (stated_history._denies_now): critical. "Intent: none", "Plan: RTC 4 weeks" after "History of
   SI, denies current SI" keep the past-SI warning (controls).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"
TMS = "tms-referral"

_cards = chart_files.topic_reader(Path(__file__).parent / "hist36_charts", AS_OF)


@pytest.mark.parametrize(
    "name",
    [
        "u_plan_hang_self",
        "u_intent_hang_self",
        "u_plan_jump_bridge",
        "e_plan_shoot_self",
        "u_plan_safety_then_hang",
        "u_plan_safety_comma_hang",
        "u_plan_none_then_hang",
        "u_plan_safety_then_hang_alone",
        "k_plan_overdose_lithium",
        "k_plan_lithium_crash_car",
        "k_plan_all_lithium_alone",
        "u_si_intent_none",
        "u_passive_si_plan_none",
        "u_hx_si_intent_none",
        "e_si_intent_none",
    ],
)
def test_a_stated_plan_or_ideation_is_the_critical_card(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "critical", card["summary"]
    assert "denied now" not in str(card["summary"])
    assert TMS not in cards


@pytest.mark.parametrize(
    "name",
    [
        "f_plan_take_lithium",
        "f_plan_lithium_qhs",
        "f_plan_sertraline_dose",
        "e_plan_quetiapine_bedtime",
        "f_intent_none",
        "f_plan_rtc",
        "f_intent_none_plan_rtc",
        "f_plan_rtc_no_guns",
    ],
)
def test_a_treatment_plan_or_denial_keeps_the_past_si_warning(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "warning", card["summary"]
    assert "ask about current" in str(card["summary"])
    assert TMS in cards


@pytest.mark.parametrize(
    "name", ["n_plan_rtc", "n_plan_take_lithium", "n_plan_safety_plan", "n_si_hi_denies"]
)
def test_no_si_and_no_method_is_no_suicide_risk_card(name: str) -> None:
    assert RISK not in _cards(name)
