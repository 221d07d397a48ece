"""Session 30 fix hist31 (recheck K20a s30; hist31_charts/, all 19 prefetch keys, K20a's charts
and near-variants of them, evaluated as of 2026-12-01):

1. An ED visit's reason with an undated history, a current denial and a plan, intent, overdose
   or HI with plan in a clause of its own ("History of SI, denies current SI, + plan", "...,
   positive for intent", "Past SI, denies SI now, states he has a plan", "History of SI, OD x2,
   denies current SI", "..., HI with plan") was the past-SI warning with TMS offered (net33's
   stated_history.history_denied passed over any clause naming no SI). Now critical: a clause
   that affirms a risk (stated_history.affirms_risk) blocks the denied-history reading.
2. A dated history with a current denial and a risk stated now ("Hx of SI 2010, now denies SI,
   has a plan", "..., mother found note", "Hx of SI 2010, denies intent, unable to deny plan",
   "..., now denies SI but has a plan", "Hx of SI 2010, does not deny SI") made no card at all:
   the history clause dated the SI to 2010. Now critical: the risk keeps the visit's date, and
   "unable to deny" / "does not deny" are no denials (stated_history_terms.csv denial_negated).
   Controls keep today's reading: "now denies SI, intent or plan" and "now denies SI, no plan"
   stay quiet; "History of SI, denies current SI, no plan" / "intent or plan" / "safety plan
   reviewed" and "History of SI with plan, denies current SI" stay the warning.
3. A clinic C-SSRS at 14:00 after an 11:00 discharge from a self-poisoning admission that
   answers yes to active suicidal thoughts released the discharge hold to the warning "risk
   assessed; keep a safety plan" with TMS offered. A post-discharge yes to active ideation
   (C-SSRS items 2-5) or behaviour releases nothing (services/psychiatric_discharge.py
   `holding_answers`, data/discharge_hold_answers.csv): the card stays critical, names the
   answer and its date, and TMS waits. The same screen answering every item no still releases.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"
TMS = "tms-referral"

_chart = chart_files.loader(Path(__file__).parent / "hist31_charts")
_at = Evaluator(AS_OF)


def _cards(name: str) -> dict[str, dict[str, object]]:
    doc = _chart(name)
    chart_files.check_chart(doc)
    return _at.by_topic(doc)


@pytest.mark.parametrize(
    "name",
    [
        "nt_hx_si_denies_current_si_plan",
        "nt_hx_si_denies_current_si_intent",
        "nt_past_si_denies_now_states_plan",
        "nt_hx_si_od_denies",
        "nt_hx_si_denies_current_si_hi_plan",
        "nt_denies_current_si_does_not_deny_plan",
        "dn_denies_si_has_plan",
        "dn_denies_si_per_mother_plan",
        "dn_denies_si_intent_not_plan",
        "dn_denies_si_but_has_plan",
        "dn_does_not_deny_si",
    ],
)
def test_a_risk_stated_now_beside_a_denied_history_is_critical(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "critical", card["summary"]
    assert "denied now" not in str(card["summary"])
    assert TMS not in cards


@pytest.mark.parametrize(
    "name",
    [
        "nt_denies_current_si_no_plan",
        "nt_denies_current_si_intent_or_plan",
        "nt_denies_current_si_safety_plan",
        "nt_hx_si_with_plan_denies_current",
        "dn_denies_si_today",
    ],
)
def test_a_denied_history_with_no_risk_stated_now_stays_the_warning(name: str) -> None:
    card = _cards(name)[RISK]
    assert card["indicator"] == "warning", card["summary"]


@pytest.mark.parametrize("name", ["dn_denies_si_intent_plan", "dn_denies_si_no_plan"])
def test_a_dated_history_denied_with_its_risks_stays_quiet(name: str) -> None:
    assert RISK not in _cards(name)


def test_a_yes_to_active_thoughts_after_discharge_keeps_the_hold() -> None:
    cards = _cards("o_clinic_1400_si_yes")
    card = cards[RISK]
    assert card["indicator"] == "critical"
    summary = str(card["summary"])
    assert "C-SSRS yes to non-specific active suicidal thoughts" in summary
    assert "2026-11-30" in summary
    assert "risk assessed; keep a safety plan" not in summary
    assert "Assessed since discharge: C-SSRS: yes to" in str(card["detail"])
    assert "not a release" in str(card["detail"])
    assert TMS not in cards


def test_a_post_discharge_screen_answering_no_still_releases() -> None:
    cards = _cards("o_clinic_1400_control")
    assert cards[RISK]["indicator"] == "info"
    assert TMS in cards
