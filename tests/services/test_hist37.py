"""Session 31 fix hist37: visit-reason history and plan findings of recheck K27a (hist37_charts/,
all 19 prefetch keys: the reviewer's charts, an ED visit of 2026-11-20 with the reason's words
changed, `c_` ones a text-only Condition; evaluated as of 2026-12-01):

1. UNSAFE: preparatory behaviour or a veiled farewell after "Hx SI, denies current SI" ("Pt has
   been researching ways to die", "Plan: RTC 2 wk, says won't be here in 2 weeks") was the
   past-SI warning with TMS offered. Now critical (`risk` rows). Controls already critical
   since hist36 ("will shoot self if wife leaves", "Plan: OD") stay so. "OD" after a dose or
   drops is once daily or the right eye ("Plan: lithium 300 mg OD": the warning; `risk_excluded`
   rows), "Plan: OD on lithium" an overdose.
2. NOISE: safety planning and means restriction in a plan ("Plan: naloxone kit given", "lethal
   means counseling", "remove guns from home", "wife to hold pills", "firearms removed by
   brother", "pt will call 988 if SI", "limit supply due to overdose risk", "blister packs to
   limit overdose") were critical (the last two an overdose "at the ED visit"). Now the past-SI
   warning (stated_safety.py); with no SI named, no card. "Plan: 5150 / 1:1 sitter /
   involuntary hold", a refusal ("pt refuses") or a method after the safety words stay critical.
3. WRONG: "Prior SA 2010, denies current SI", "Hx intentional OD 2019, denies current SI" were a
   critical attempt dated the visit ("denies current SI" made the reason current), while the
   same words without the denial gave no card; the Condition "History of suicide attempt 2019"
   (onset 2026-11-20) was a critical attempt "on 2026-11-20". Now each is read the same, dated
   by its own year: a past attempt, a risk-factor line (no card of its own, as a coded attempt
   of that year is). An undated history of attempt and a current SI beside it stay critical.
4. NOISE: "Hx SI; SI/HI: denies", "Hx SI; -SI, +HI", "Hx SI; SI neg, HI pos" were critical: the
   checklist denial of SI was no denial of now (stated_denied.py). Now the past-SI warning (HI
   has no suicide-risk reading); "SI pos, HI neg" and a relative's SI stay critical.
5. NOISE: "History of SI, denies current SI. Intent - none" / ", intent none" / ". SI plan:
   none" were critical. Now the past-SI warning; "Intent - to die", "intent high", "Active SI
   plan: none" stay critical. ("SI/HI/plan: denies" is neg37's, merged in main.)
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

_cards = chart_files.topic_reader(Path(__file__).parent / "hist37_charts", AS_OF)


@pytest.mark.parametrize(
    "name",
    [
        "u_researching_ways_to_die",
        "u_researching_alone",
        "u_wont_be_here",
        "u_wont_be_around",
        "u_plan_then_researching",
        "k_shoot_self_if_wife_leaves",
        "k_kill_herself_if",
        "k_plan_od",
        "k_plan_od_on_lithium",
        "k_mg_od_then_od",
        "k_plan_5150",
        "k_plan_sitter",
        "k_plan_hold",
        "k_remove_guns_refuses",
        "k_lethal_means_then_hang",
        "k_naloxone_then_overdose",
        "k_condition_attempt_undated",
        "k_prior_sa_now_si",
        "k_si_pos_hi_neg",
        "k_hx_si_mother_si",
        "k_intent_dash_to_die",
        "k_intent_high",
        "k_active_si_plan_none",
    ],
)
def test_a_stated_risk_is_the_critical_card(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "critical", card["summary"]
    assert "denied now" not in str(card["summary"])
    assert TMS not in cards


@pytest.mark.parametrize(
    "name",
    [
        "n_naloxone",
        "n_lethal_means",
        "n_remove_guns",
        "n_wife_hold_pills",
        "n_firearms_removed",
        "n_call_988",
        "n_limit_supply",
        "n_blister_packs",
        "n_lock_up_pills",
        "n_week_supply",
        "f_lithium_mg_od",
        "f_drops_od",
        "d_si_hi_denies",
        "d_minus_si_plus_hi",
        "d_si_neg_hi_pos",
        "d_intent_dash_none",
        "d_intent_none",
        "d_si_plan_none",
    ],
)
def test_safety_planning_or_a_denial_keeps_the_past_si_warning(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "warning", card["summary"]
    assert "ask about current" in str(card["summary"])
    assert "Overdose" not in str(card["summary"])
    assert TMS in cards


@pytest.mark.parametrize("name", ["z_plan_lock_up_guns", "z_plan_remove_firearms"])
def test_means_restriction_with_no_si_is_no_suicide_risk_card(name: str) -> None:
    cards = _cards(name)
    assert RISK not in cards
    assert TMS in cards


@pytest.mark.parametrize(
    ("denied", "plain"),
    [
        ("p_prior_sa_2010_denied", "p_prior_sa_2010"),
        ("p_intentional_od_2019_denied", "p_intentional_od_2019"),
        ("p_reason_attempt_2019_denied", "p_reason_attempt_2019"),
        ("p_condition_attempt_2019", "p_reason_attempt_2019"),
    ],
)
def test_a_dated_past_attempt_reads_the_same_with_or_without_a_denial(
    denied: str, plain: str
) -> None:
    # Fix hist38 (lead's decision on hist37's open question): a past attempt a recent visit
    # reason or text-only entry dates by its year is the past warning, with or without the
    # denial ("past suicide attempt (2010): ..."), never dated by the visit (test_hist38.py).
    with_denial, without = _cards(denied), _cards(plain)
    for cards in (with_denial, without):
        assert cards[RISK]["indicator"] == "warning", cards[RISK]["summary"]
        assert "past suicide attempt (20" in str(cards[RISK]["detail"])
    assert (TMS in with_denial) == (TMS in without)
