"""Session 30 fix hist34 (recheck K24a s30; hist34_charts/, all 19 prefetch keys, K24a's charts
and near-variants of them, evaluated as of 2026-12-01):

1. UNSAFE (hist33): "SA" with a date, recency or method ("SA 2 weeks ago", "SA in November", "SA
   - hanging 11/2026", "SA (hanging) in Nov", "s/p SA 11/2026") beside a denied history of SI was
   the past-SI warning: "SA" was read only in attempt context. Now it is an attempt unless its
   clause names sexual assault or substance abuse (survivor, counseling, assault, alcohol,
   childhood) or "by" a person (stated_sa.py), and it is read as "suicide attempt" by the
   self-harm reader: "Hx SA", "1 prior SA" are the critical self-harm card "Hx suicide attempt"
   is.
2. NOISE (hist33): a "Plan:" heading answered by a treatment plan ("check lithium level", "RTC 4
   weeks", "start TMS", "labs", "cut back on alcohol", "hang out with friends", "shoot for
   discharge Friday", "jumping off point") was critical. Now a heading's answer is a risk only
   when it names a method or "yes"; a listed harmless phrase names none. "Plan: jump off a
   bridge", "Plan: take all her lithium", "Plan: yes", "Plan: overdose" stay critical.
3. UNSAFE: a harmless answer ("Plan: none", "Plan: f/u", "Plan: outpatient follow-up") cleared
   the risk though the rest of the reason named access to means or a preparatory act ("but has
   pills saved", "keeps a loaded gun by bed", "rope in car", "wrote goodbye letters"): now
   critical (C-SSRS screener item 6). A denied means ("no access to guns") stays the warning.
4. UNSAFE: "Plan to follow up" with "rope", "the bridge", "end things" later: now critical.
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

_cards = chart_files.topic_reader(Path(__file__).parent / "hist34_charts", AS_OF)


@pytest.mark.parametrize(
    "name",
    [
        "u_sa_2wk",
        "u_sa_in_nov",
        "u_sa_dash_hanging",
        "u_sa_hanging",
        "u_sp_sa",
        "u_sa_hx",
        "u_sa_1",
    ],
)
def test_sa_beside_a_denied_history_is_the_critical_attempt_card(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "critical", card["summary"]
    assert "Self-harm or suicide attempt" in str(card["summary"])
    assert "past suicidal ideation" not in str(card["summary"])
    assert TMS not in cards


@pytest.mark.parametrize(
    "name",
    [
        "u_plan_none_but_pills",
        "u_plan_fu_pills",
        "u_plan_none_but_rope",
        "u_plan_no_but_gun",
        "u_plan_none_saved_pills",
        "u_plan_outpt_hang",
        "u_plan_none_x",
        "u_pu_follow_up_rope",
        "u_pu_follow_bridge",
        "u_pu_follow_up_end",
        "k_plan_overdose",
        "k_plan_yes",
    ],
)
def test_means_or_a_method_after_a_plan_keeps_the_critical_card(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "critical", card["summary"]
    assert "denied now" not in str(card["summary"])
    assert TMS not in cards


@pytest.mark.parametrize(
    "name",
    [
        "f_plan_lithium_level",
        "f_plan_rtc",
        "f_plan_start_tms",
        "f_plan_labs",
        "f_plan_cut_back",
        "f_plan_hang_out",
        "f_plan_shoot_dc",
        "f_plan_jump_off_point",
        "f_pu_pill_organizer",
        "f_plan_move_sister",
        "k_plan_none_no_guns",
        "f_sa_survivor",
        "f_sa_sexual",
        "f_sa_substance",
        "f_sa_x2_sexual",
        "k_sa_no",
    ],
)
def test_a_treatment_plan_or_other_sa_leaves_the_past_si_warning(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "warning", card["summary"]
    assert "ask about current" in str(card["summary"])
    assert TMS in cards


@pytest.mark.parametrize(
    ("clause", "after", "affirms"),
    [
        ("plan: check lithium level", "", False),
        ("plan: rtc 4 weeks", "", False),
        ("plan: hang out with friends", "", False),
        ("plan: take all her lithium", "", True),
        ("plan: hang himself", "", True),
        ("intent: to die", "", True),
        ("plan: yes", "", True),
        ("suicide plan: hanging", "", True),
        ("plan: none", "has been saving pills", True),
        ("plan: none", "no access to guns", False),
        ("plan to follow up at hardware store for rope", "", True),
        ("sa 2 weeks ago", "", True),
        ("childhood sa", "", False),
    ],
)
def test_affirms_risk_words(clause: str, after: str, affirms: bool) -> None:
    assert stated_history.affirms_risk(clause, after=after) is affirms


@pytest.mark.parametrize(
    ("text", "spelled"),
    [
        ("Hx SA", "Hx suicide attempt"),
        ("SA (hanging) in Nov", "suicide attempt (hanging) in Nov"),
        ("SA survivor, in therapy", "SA survivor, in therapy"),
        ("SA at age 12 by uncle", "SA at age 12 by uncle"),
        ("History of SI. SA", "History of SI. SA"),
    ],
)
def test_sa_spelled_out(text: str, spelled: str) -> None:
    assert stated_sa.spell_out(text) == spelled
