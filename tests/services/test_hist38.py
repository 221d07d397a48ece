"""Session 31 fix hist38: visit-reason plan and attempt findings of recheck K28b (hist38_charts/,
all 19 prefetch keys: the reviewer's `f` charts, and probe-built ones, an ED visit of 2026-11-20
with the reason's words changed, `c_` a text-only Condition; evaluated as of 2026-12-01):

1. Lead's decision (hist37 left it): a past attempt a recent visit reason or text-only Condition
   dates by its year ("Prior SA 2010, denies current SI", "Hx intentional OD 2019, denies current
   SI", "History of suicide attempt 2019") gave no card, while a past SI with a denial gave the
   past-SI warning. Now the same warning, worded "past suicide attempt (2010): a major risk
   factor, ask about current thoughts", never dated by the visit; a visit older than the window
   keeps no card (services/past_answers.attempt_event).
2. NOISE: a prescription's quantity in a "Plan:" answer ("dispense 30 tablets", "60 tabs", "x 30
   tabs", "take 2 tabs at bedtime") was critical; now no card. "take all her pills", "overdose
   on tabs", "take 30 tabs" and a method after the quantity stay critical.
3. UNSAFE: "Plan: drive car off bridge", "Plan: crash her car", "Plan: stockpiling sertraline",
   "Method: hanging", "Intent: high" / "Intent: strong" gave no card; now critical. "Plan: CT
   head", "Plan: f/u after car crash", "Intent: none", "Method: none" stay without one.
4. UNSAFE: an elliptical patient clause after a relative's ("Brother attempted suicide, pt
   attempted too", "; pt attempted last week", "Mother has hx of cutting; pt cutting too",
   "Cutting too") gave no card; now critical. "Brother attempted suicide", "pt attempted to help
   her", "Cutting too much wood" stay without one.
5. WRONG: "SI, Intent: none. Plan: overdose" was critical but summarised "Overdose, intent not
   recorded"; now the ideation-with-plan summary (the method a heading's answer names is planned,
   not taken).
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

_cards = chart_files.topic_reader(Path(__file__).parent / "hist38_charts", AS_OF)


@pytest.mark.parametrize(
    "name",
    [
        "f05_plan_drive_bridge",
        "f05_plan_crash_car",
        "f05_plan_stockpiling",
        "f10_method_hanging",
        "f10_intent_high",
        "g_intent_strong",
        "f05_brother_pt_attempted",
        "g_brother_pt_attempted_last_week",
        "f05_mother_pt_cutting_too",
        "f10_cutting_too",
        "g_plan_take_all_pills",
        "g_plan_overdose_on_tabs",
        "g_plan_take_30_tabs",
        "g_plan_dispense_then_hang",
        "f09_si_intent_plan_od",
    ],
)
def test_a_stated_plan_or_act_is_the_critical_card(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "critical", card["summary"]
    assert TMS not in cards


@pytest.mark.parametrize(
    "name",
    [
        "f06_plan_dispense_tabs",
        "f06_plan_lithium_60",
        "f06_plan_2tabs_hs",
        "f06_plan_x30",
        "g_plan_ct_head",
        "g_plan_fu_after_crash",
        "g_intent_none",
        "g_method_none",
        "g_brother_attempted",
        "g_mother_pt_attempted_to_help",
        "g_cutting_too_much",
        "p_prior_sa_2010_old_visit",
    ],
)
def test_no_risk_stated_is_no_suicide_risk_card(name: str) -> None:
    cards = _cards(name)
    assert RISK not in cards, cards[RISK]["summary"]
    assert TMS in cards


def test_a_prescription_quantity_beside_a_past_si_keeps_the_past_si_warning() -> None:
    cards = _cards("g_hx_si_plan_dispense")
    assert cards[RISK]["indicator"] == "warning"
    assert "past suicidal ideation, denied now" in str(cards[RISK]["summary"])


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("p_prior_sa_2010_denied", "2010"),
        ("p_prior_sa_2010", "2010"),
        ("p_intentional_od_2019_denied", "2019"),
        ("c_attempt_2019", "2019"),
    ],
)
def test_a_past_attempt_dated_by_its_year_is_the_past_warning(name: str, year: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "warning", card["summary"]
    summary, detail = str(card["summary"]), str(card["detail"])
    assert f"past suicide attempt ({year}): " in summary
    assert "ask about current thoughts" in summary
    assert f"past suicide attempt ({year}): a major risk factor, ask about current thoughts" in (
        detail
    )
    # Never dated by the visit nor called current, nor the past-SI wording.
    assert "higher suicide risk" not in summary
    assert "denied now" not in summary
    assert "critical card instead" not in detail
    assert TMS in cards


def test_the_past_si_warning_is_unchanged() -> None:
    card = _cards("p_hx_si_denied")[RISK]
    assert card["indicator"] == "warning"
    assert "past suicidal ideation, denied now: ask about current thoughts" in str(card["summary"])


def test_a_planned_overdose_is_ideation_with_a_plan_not_an_overdose_taken() -> None:
    # 5. WRONG: "SI, Intent: none. Plan: overdose" was summarised "Overdose, intent not
    # recorded"; the overdose is the plan's answer (stated_heading.answers_blanked).
    card = _cards("f09_si_intent_plan_od")[RISK]
    assert card["indicator"] == "critical"
    assert str(card["summary"]).startswith("SI, Intent: none. Plan: overdose at the ED visit")
    assert "intent not recorded" not in str(card["summary"])
