"""Session 30 fix hist35 (recheck K25a s30; hist35_charts/, all 19 prefetch keys, K25a's charts:
hist34's u_plan_none_but_rope with the reason's words changed, evaluated as of 2026-12-01):

1. UNSAFE (hist34): a risk heading answered by a method the list missed or by no method word
   ("Plan: crash car", "Plan: drive off road", "Plan: has one, would not share", "Plan:
   specific, with date set", "Intent: high", "Intent: strong", "Intent: to act on it") beside
   a denied history of SI was the past-SI warning. Now an "Intent:" answer is a risk unless a
   denial ("no", "denies", "low"), a "Plan:" answer unless a denial, the treatment plan (a
   head: "check", "RTC", "start", "cut dose", "jump-start"; or "as prescribed", "education",
   "safety", "course" anywhere, which win over a method word) or a harmless phrase
   (stated_heading.py). NOISE (K25a #9): "Plan: take all meds as prescribed", "cut dose in
   half", "jump-start TMS", "overdose education", "rope course", "gun safety counseling",
   "end things with boyfriend" were critical: now the past-SI warning.
2. UNSAFE: "Plan: f/u; researched lethal doses online" was the warning: "researched lethal",
   "lethal doses" are risk rows now, critical.
3. NOISE: "SA" as the sinoatrial node ("SA node dysfunction", "SA block on ECG"), South Africa,
   social anxiety, or "as a child" read as a suicide attempt (the critical self-harm card): now
   sa_other words. ("Recently moved from SA", "SA (social anxiety) worse" keep a critical SI card
   for their `current` words "recently", "worse": not read as an attempt any more.)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import stated_history, stated_sa
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"
TMS = "tms-referral"
ATTEMPT = "Self-harm or suicide attempt"

_cards = chart_files.topic_reader(Path(__file__).parent / "hist35_charts", AS_OF)


@pytest.mark.parametrize(
    "name",
    [
        "u_plan_crash_car",
        "u_plan_drive_off_road",
        "u_intent_high",
        "u_intent_strong",
        "u_intent_to_act",
        "u_plan_has_one",
        "u_plan_specific",
        "u_plan_fu_researched",
        "u_plan_yes_od",
        "u_plan_od_on_meds",
        "u_sa_last_week",
    ],
)
def test_a_risk_answer_is_the_critical_card(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "critical", card["summary"]
    assert "denied now" not in str(card["summary"])
    assert TMS not in cards


@pytest.mark.parametrize(
    "name",
    [
        "f_plan_take_meds",
        "f_plan_cut_dose",
        "f_plan_jump_start_tms",
        "f_plan_overdose_education",
        "f_plan_rope_course",
        "f_plan_gun_safety",
        "f_plan_end_things_boyfriend",
        "f_intent_no",
        "f_intent_denies",
        "f_sa_node",
        "f_sa_atrial",
        "f_sa_survivor_of",
    ],
)
def test_a_treatment_plan_denial_or_other_sa_leaves_the_past_si_warning(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "warning", card["summary"]
    assert "ask about current" in str(card["summary"])
    assert TMS in cards


@pytest.mark.parametrize("name", ["f_sa_south_africa", "f_sa_social_anxiety"])
def test_sa_as_a_place_or_anxiety_is_no_attempt(name: str) -> None:
    card = _cards(name)[RISK]
    assert ATTEMPT not in str(card["summary"])


@pytest.mark.parametrize(
    ("clause", "after", "affirms"),
    [
        ("plan: crash car", "", True),
        ("intent: high", "", True),
        ("intent: to act on it", "", True),
        ("intent: no", "", False),
        ("intent: low", "", False),
        ("intent: none", "has pills saved", True),
        ("plan: has one", "would not share", True),
        ("plan: check lithium level", "", False),
        ("plan: rtc 4 weeks", "", False),
        ("plan: start tms", "", False),
        ("plan: will start tms", "", False),
        ("plan: hang out with friends", "", False),
        ("plan: shoot for discharge friday", "", False),
        ("plan: take all meds as prescribed", "", False),
        ("plan: take all her pills", "", True),
        ("plan: end things with boyfriend", "", False),
        ("plan: end things with pills", "", True),
        ("plan: f/u", "rope in car", True),
        ("researched lethal doses online", "", True),
        ("plan: none", "no access to guns", False),
    ],
)
def test_heading_answers(clause: str, after: str, affirms: bool) -> None:
    assert stated_history.affirms_risk(clause, after=after) is affirms


@pytest.mark.parametrize(
    ("text", "attempt"),
    [
        ("sa node dysfunction", False),
        ("sa block on ecg", False),
        ("hx sa as a child", False),
        ("recently moved from sa (south africa)", False),
        ("sa (social anxiety) worse", False),
        ("sa x2", True),
        ("sa last week", True),
    ],
)
def test_sa_other_words(text: str, attempt: bool) -> None:
    assert stated_sa.is_attempt(text) is attempt
