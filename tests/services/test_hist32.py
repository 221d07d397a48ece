"""Session 30 fix hist32 (recheck K21 s30; hist32_charts/, all 19 prefetch keys, K21's charts and
near-variants of them, evaluated as of 2026-12-01):

1. Noise of hist31: a visit reason beside a denied history of SI whose plan, intent, attempt or
   OD is no risk ("Plan: outpatient follow-up", "plan: f/u with PCP", "OD right eye", "Vision:
   OD 20/40", "attempt to reach family", "attempted to call mother", "planning to return to
   work", "intends to start college", "plan to follow up in clinic", "plan reviewed with
   patient") became the critical card and lost TMS. Now a heading, a harmless purpose, "reviewed"
   and OD beside an eye or an acuity are no risk (stated_history_terms.csv risk_after,
   risk_excluded): the pre-hist31 reading comes back (the past-SI warning with TMS; nothing for
   a history dated 2010). Controls stay critical ("has plan to overdose", "but has plan",
   "endorses plan", "unable to deny intent", "no plan but + intent", "OD 2015").
2. A denial counts only where it governs the risk (risk_gap): "not sure about her plan", "no one
   knows about her plan" were denied plans (no card); now critical. New risk rows: "ingestion of
   pills", "researched methods", "access to firearms", "goodbye text", "SA x2"; "no longer
   denies plan" is no denial.
3. A C-SSRS item 2 answered "Y", or asked under an Epic local code in the screener's words
   ("Have you actually had any thoughts of killing yourself?" = Yes), was not read and the day's
   two noes made the screen "negative", releasing a self-poisoning discharge hold with TMS
   offered. Now "Y" is a yes and the worded local row is item 2 (suicide_screen_wording.csv):
   critical. An answer that still cannot be read ("Unsure") makes the screen no negative one and
   no assessment: the hold stays, the answer is named as not read.
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

_chart = chart_files.loader(Path(__file__).parent / "hist32_charts")
_at = Evaluator(AS_OF)


def _cards(name: str) -> dict[str, dict[str, object]]:
    doc = _chart(name)
    chart_files.check_chart(doc)
    return _at.by_topic(doc)


@pytest.mark.parametrize(
    "name",
    [
        "nz_denied_plan_heading",
        "nz_denied_plan_colon_fu_pcp",
        "nz_denied_od_right_eye",
        "nz_denied_attempted_to_call",
        "nz_denied_planning_to_return",
        "nz_denied_intends_to_start",
        "nz_denied_plan_to_follow_up",
    ],
)
def test_a_risk_word_that_states_no_risk_leaves_the_past_si_warning(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "warning", card["summary"]
    assert "denied now" in str(card["summary"]) or "ask about current" in str(card["summary"])
    assert TMS in cards


@pytest.mark.parametrize(
    "name",
    [
        "nz_dated_denied_plan_heading",
        "nz_dated_denied_attempt_to_reach",
        "nz_dated_denied_vision_od",
        "nz_dated_denied_plan_reviewed",
        "qc_dated_not_suicidal_no_plan",
    ],
)
def test_a_dated_history_with_no_risk_stated_now_stays_quiet(name: str) -> None:
    cards = _cards(name)
    assert RISK not in cards
    assert TMS in cards


@pytest.mark.parametrize(
    "name",
    [
        "ct_denied_has_plan_to_overdose",
        "ct_denied_but_has_plan",
        "ct_denied_endorses_plan",
        "ct_dated_unable_to_deny_intent",
        "ct_dated_no_plan_but_intent",
        "ct_denied_od_2015",
        "gv_dated_not_sure_about_plan",
        "gv_dated_no_one_knows_plan",
        "gv_denied_no_longer_denies_plan",
        "ac_dated_ingestion_of_pills",
        "ac_dated_researched_methods",
        "ac_dated_access_to_firearms",
        "ac_dated_goodbye_text",
        "ac_denied_sa_x2",
    ],
)
def test_a_risk_stated_now_keeps_the_critical_card(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "critical", card["summary"]
    assert "denied now" not in str(card["summary"])
    assert TMS not in cards


@pytest.mark.parametrize(
    "name", ["wc_denied_no_intent_or_plan", "wc_denied_denies_intent_and_plan"]
)
def test_a_governed_denial_of_the_risks_stays_the_warning(name: str) -> None:
    assert _cards(name)[RISK]["indicator"] == "warning"


def _names(text: str) -> bool:
    return "si" in text.split()


@pytest.mark.parametrize(
    ("clause", "affirms"),
    [
        ("has a plan to jump off a bridge", True),  # an unlisted purpose stays a risk
        ("plan: yes", True),
        ("plan: +", True),
        ("plan: none", False),
        ("access to firearms: none", False),
        ("plans to follow up with pcp", False),
        ("denies having a plan", False),
        ("does not have a plan", False),
        ("negative for intent", False),
        ("no evidence of intent", False),
        ("denies si or plan", False),
        ("not sure of plan", True),
        ("patient unsure about plan", True),
        ("no one aware of plan", True),
        ("od x2", True),
        ("od right eye", False),
        ("od 20/40", False),
        ("od 2015", True),
    ],
)
def test_affirms_risk_words(clause: str, affirms: bool) -> None:
    assert stated_history.affirms_risk(clause, _names) is affirms


@pytest.mark.parametrize("name", ["cs_item2_text_y", "cs_item2_epic_local_yes"])
def test_a_yes_to_item_2_as_sites_write_it_keeps_the_discharge_hold(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "critical", card["summary"]
    summary = str(card["summary"])
    assert "C-SSRS yes to non-specific active suicidal thoughts" in summary
    assert "C-SSRS negative" not in summary
    assert TMS not in cards


def test_an_item_not_read_makes_no_negative_screen() -> None:
    cards = _cards("cs_item2_text_unsure")
    card = cards[RISK]
    assert card["indicator"] == "critical", card["summary"]
    assert "C-SSRS negative" not in str(card["summary"])
    detail = str(card["detail"])
    assert "Non-specific active suicidal thoughts (past month)' could not be read" in detail
    assert TMS not in cards


@pytest.mark.parametrize("name", ["cs_all_no_control", "cs_item2_epic_local_no"])
def test_a_post_discharge_screen_read_whole_and_no_still_releases(name: str) -> None:
    cards = _cards(name)
    assert cards[RISK]["indicator"] == "info"
    assert "C-SSRS negative" in str(cards[RISK]["summary"])
    assert TMS in cards
