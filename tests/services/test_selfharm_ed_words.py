"""Recheck K7 s28 (fix selfharm3): suicidal ideation and self-harm in free text as EDs write it.

K7's charts (the RC Oracle ED chart of self_harm_scope_charts/, its encounter diagnosis or the
visit's reason written as each phrase; all 19 prefetch keys) in selfharm_ed_words_charts/:

1. "Suicidal", "suicidal thoughts", "thoughts of suicide", "thoughts of killing herself", "wants to
   kill himself", "Patient states she wanted to kill herself" raised no card (UNSAFE): now the
   critical suicide-risk card (data/diagnosis_terms.csv rows); their denials stay quiet.
2. "reports cutting", "endorses cutting thighs", "took 20 tabs of trazodone", "took 30 tablets"
   after a denial raised nothing: now self-harm (cutting) or an overdose whose intent is not
   recorded; "took 2 tablets of ibuprofen" stays quiet (a count of three or more).
3. The sacroiliac "SI" ("SI arthritis", "Left SI inj", "Sprain of left SI ligament", ...) raised the
   critical card (noise): now nothing (fhir_mapping/abbreviation_context.py); "Chest pain SI" is
   still read.
4. Checklist denials ("SI, HI: denies", "SI/HI/self-harm: denies", "neg for SI", "SI neg") raised
   the critical card (noise): now nothing; "SI: no plan" is read (the answer qualifies the plan).
5. "SI with plan to overdose", "thoughts of overdosing", "threatened to overdose", "thoughts of self
   harm, no attempt" were worded as an act ("Overdose ... what happened", "Self-harm or suicide
   attempt"): now suicidal ideation (fhir_mapping/self_harm_ideation.py), still critical.
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
_SI = " at the ED visit on 2026-11-25: complete a suicide risk assessment today (e.g. C-SSRS)"
_ACT = (
    "Self-harm or suicide attempt (diagnosis text only: confirm) at the ED visit on 2026-11-25: "
    "higher suicide risk, assess today"
)
_OVERDOSE = (
    "Overdose, intent not recorded ({where} text only: confirm) at the ED visit on 2026-11-25: "
    "assess suicide risk today"
)

_chart = chart_files.loader(Path(__file__).parent / "selfharm_ed_words_charts")
_by_topic = Evaluator(AS_OF).by_topic


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        # Finding 1: suicidal ideation in words.
        ("dx_suicidal_thoughts", "suicidal thoughts" + _SI),
        ("dx_suicidal", "Suicidal" + _SI),
        ("dx_thoughts_of_suicide", "thoughts of suicide" + _SI),
        ("dx_wants_to_kill_himself", "wants to kill himself" + _SI),
        ("dx_states_wanted_to_kill_herself", "Patient states she wanted to kill herself" + _SI),
        ("reason_suicidal_thoughts", "suicidal thoughts" + _SI),
        ("reason_suicidal", "Suicidal" + _SI),
        ("reason_thoughts_of_killing_herself", "thoughts of killing herself" + _SI),
        # Finding 2: cutting, a count of tablets taken, after a denial.
        ("dx_denies_si_reports_cutting", _ACT),
        ("dx_no_self_harm_endorses_cutting_thighs", _ACT),
        ("dx_no_si_took_20_tabs_trazodone", _OVERDOSE.format(where="diagnosis")),
        ("reason_denies_si_took_30_tablets", _OVERDOSE.format(where="visit reason")),
        ("dx_si_hi_neg_positive_elsewhere", _OVERDOSE.format(where="diagnosis")),
        # Finding 3's control: SI beside another complaint is read.
        ("reason_chest_pain_si", "Chest pain SI" + _SI),
        # Finding 4's control: an answer that qualifies ("no plan") is no denial.
        ("dx_si_no_plan", "SI: no plan" + _SI),
        # Finding 5: a plan, thought or threat is ideation, not an act.
        ("dx_si_plan_to_overdose", "SI with plan to overdose on sertraline" + _SI),
        ("reason_si_plan_to_overdose", "SI with plan to overdose on sertraline" + _SI),
        ("reason_thoughts_of_overdosing", "thoughts of overdosing" + _SI),
        ("reason_threatened_to_overdose", "threatened to overdose" + _SI),
        (
            "reason_thoughts_of_self_harm_no_attempt",
            "passive SI, thoughts of self harm, no attempt" + _SI,
        ),
    ],
)
def test_critical_card_says_what_the_words_say(name: str, summary: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)
    card = _by_topic(doc)[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"] == summary


@pytest.mark.parametrize(
    "name",
    [
        # Finding 1's negative controls.
        "reason_denies_suicidal_thoughts",
        "reason_no_thoughts_of_suicide",
        "dx_not_suicidal",
        # Finding 2's: one or two tablets is a dose.
        "reason_took_2_tablets_ibuprofen",
        # Finding 3: the sacroiliac SI.
        "dx_si_arthritis",
        "dx_left_si_inj",
        "dx_sprain_left_si_ligament",
        "dx_back_pain_radiating_si_region",
        "dx_sacroiliitis_si",
        "dx_si_tenderness",
        "clinic_reason_left_si_inj",
        "clinic_reason_si_arthritis_fu",
        # Finding 4: checklist denials.
        "reason_si_hi_comma_denies",
        "dx_si_hi_self_harm_denies",
        "reason_si_hi_self_harm_none",
        "reason_si_hi_words_denies",
        "dx_neg_for_si",
        "dx_si_neg",
        # Finding 5's: a denied thought.
        "reason_denies_thoughts_of_self_harm",
    ],
)
def test_no_suicide_risk_card(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)
    assert RISK not in _by_topic(doc)
