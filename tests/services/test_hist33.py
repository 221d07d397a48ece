"""Session 30 fix hist33 (recheck K23 s30; hist33_charts/, all 19 prefetch keys, K23's charts and
near-variants of them, evaluated as of 2026-12-01):

1. UNSAFE (hist32): a heading ("Plan:", "Intent:") released its risk whatever followed it: "Plan:
   jump off a bridge", "Intent: to die", "Suicide plan: hanging" beside a denied history of SI
   were the past-SI warning with TMS. Now a heading is no risk only when a listed harmless or
   negated answer follows it (stated_history_terms.csv risk_heading_no: "outpatient follow-up",
   "f/u", "none", "denies", "no", "N/A", "discussed", "reviewed"): critical otherwise.
2. UNSAFE (hist32): the purpose "to follow*" released "Plan to follow through with suicide", and a
   listed purpose released a clause naming a method later ("Plan to follow up with her dealer for
   more pills to end it", "Plan to move in with sister so she can take the pills"). Now "to follow
   up" only, and a risk_method word later in the clause keeps the risk: critical.
3. NOISE (hist32): "N/A" / "Not applicable" to a C-SSRS question the screener skips after a No
   (items 3-5 after item 2 = No; the 3-month follow-up after item 6 = No) was an unread answer:
   no negative screen, the discharge hold kept, TMS withdrawn. Now the screener's own skip
   (suicide_screen_answers.csv skip, skip-when-no): "C-SSRS negative", TMS offered. Item 6 itself
   is asked of everyone: "N/A" / "Not asked" there stays unread and the hold stays (the safer
   reading: an unasked item 6 is no negative behaviour answer); without the No it follows, a
   skip word stays unread too.
4. NOISE (hist32): "SA" read as a suicide attempt beside survivor / counseling ("SA survivor, in
   therapy", "SA counseling weekly": critical). Now only in attempt context ("SA x2", "+SA", "SA
   by overdose") and not beside sexual-assault / substance words or "by" a person.
5. NOISE: full denials "denies current SI, no current plan, no intent, no prior attempts" and
   "denies current SI, plan, intent, or prior attempts" were critical (a "current" in a denied
   risk's clause; "prior attempts" at the end of a denied list read as a self-harm act): now the
   past-SI warning, as "denies SI, intent or plan" is.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import stated_history
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"
TMS = "tms-referral"

_chart = chart_files.loader(Path(__file__).parent / "hist33_charts")
_at = Evaluator(AS_OF)


def _cards(name: str) -> dict[str, dict[str, object]]:
    doc = _chart(name)
    chart_files.check_chart(doc)
    return _at.by_topic(doc)


@pytest.mark.parametrize(
    "name",
    [
        "hd_plan_jump",
        "hd_plan_hang",
        "hd_intent_to_die",
        "hd_plan_lithium",
        "hd_plan_shoot",
        "hd_plan_traffic",
        "hd_suicide_plan_hanging",
        "hd_intent_overdose",
        "pu_follow_through",
        "pu_follow_up_pills",
        "pu_move_pills",
        "pu_return_end_it",
        "sac_x2",
        "sac_plus",
        "sac_by_overdose",
        "fdc_prior_attempts",
        "fdc_no_plan_has_intent",
        "fdc_list_attempt_x2",
    ],
)
def test_a_risk_stated_now_keeps_the_critical_card(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "critical", card["summary"]
    assert "denied now" not in str(card["summary"])
    assert TMS not in cards


@pytest.mark.parametrize(
    "name",
    [
        "hdc_plan_outpatient",
        "hdc_plan_none",
        "hdc_plan_na",
        "hdc_intent_denies",
        "hdc_plan_no",
        "hdc_plan_discussed",
        "hdc_plan_fu",
        "puc_follow_up_clinic",
        "puc_move_sister",
        "sa_survivor",
        "sa_counseling",
        "sa_by_boyfriend",
        "sa_victim",
        "sa_bare",
        "sac_no_sa",
        "fd_no_current_plan",
        "fd_list_prior_attempts",
        "fd_nor_attempts",
    ],
)
def test_no_risk_stated_now_leaves_the_past_si_warning(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "warning", card["summary"]
    assert "ask about current" in str(card["summary"])
    assert TMS in cards


@pytest.mark.parametrize(
    ("clause", "affirms"),
    [
        ("plan: jump off a bridge", True),
        ("intent: to die", True),
        ("plan: outpatient follow up", False),
        ("plan: none", False),
        ("plan to follow through with suicide", True),
        ("plan to follow up with her dealer for more pills to end it", True),
        ("plan to follow up in clinic", False),
        ("sa survivor", False),
        ("sa counseling weekly", False),
        ("sa by ex partner", False),
        ("sa x2", True),
        ("+sa", True),
        ("sa by overdose", True),
    ],
)
def test_affirms_risk_words(clause: str, affirms: bool) -> None:
    assert stated_history.affirms_risk(clause) is affirms


@pytest.mark.parametrize(
    "name",
    ["cs_items3to5_na_after_no", "cs_followup_na_after_no", "cs_followup_not_applicable"],
)
def test_a_question_the_screener_skips_after_a_no_is_no_unread_answer(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "info", card["summary"]
    assert "C-SSRS negative" in str(card["summary"])
    assert TMS in cards


@pytest.mark.parametrize(
    "name",
    [
        "cs_item6_na",
        "cs_item6_not_asked",
        "cs_item2_y_passive",
        "cs_items3to5_na_item2_missing",
        "cs_followup_na_item6_missing",
    ],
)
def test_an_answer_no_skip_explains_keeps_the_discharge_hold(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "critical", card["summary"]
    assert "C-SSRS negative" not in str(card["summary"])
    assert TMS not in cards


def test_an_all_no_screen_still_releases() -> None:
    cards = _cards("cs_all_no")
    assert "C-SSRS negative" in str(cards[RISK]["summary"])
    assert TMS in cards
