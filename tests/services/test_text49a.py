"""Session 33 fix text49a (recheck K35a findings 1, 6, 7): an everyday analgesic's count in a
"Plan:" answer and a past "took". Each chart is the two-failed-trial chart of neg37
(e_Hx_SI_Plan_none) with its ED visit reason's text changed, all 19 prefetch keys, as of
2026-12-01 (visit 2026-11-20). The "fixed" charts fail on 30bdabb0 and pass here; the controls
pass both.

1. UNSAFE (regression of eba549a9): an everyday analgesic's count up to
   `plan_take_most_everyday` (8, a day's most) before any dosing word was a dose, whatever the
   word and whatever followed: "take 8 tylenol at bedtime", "... q4h", "... daily with wine",
   "... daily until she dies" gave no card, TMS offered. The day's most now applies only after a
   `plan_dosing_day` word with no `plan_dosing_dose` word; after one dose's word,
   `plan_take_most_everyday_dose` (4); and the clause after the name must hold only dosing words.
6. NOISE: after "tabs of" a drug name the tables do not list ("tylenol", "norco", "oxycodone")
   was left over as an unknown word, so "Plan: take 2 tabs of tylenol q6h prn" read the method
   word "tabs": critical, TMS withheld.
7. MINOR: "took 8 tylenol daily for pain" was "Overdose, intent not recorded"; a day's dose of an
   everyday analgesic for a stated purpose now reads as the "Plan:" twin does.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import stated_dosing
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text49a_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # 1. One dose's word, or more than dosing words after the name.
    "e_Plan_take_8_tylenol_at_bedtime": "fixed",
    "e_Plan_take_8_tylenol_once": "fixed",
    "e_Plan_take_8_tylenol_q4h": "fixed",
    "e_Plan_take_7_tylenol_q2h": "fixed",
    "e_Plan_take_8_tylenol_daily_and_all_her_lithium": "fixed",
    "e_Plan_take_8_tylenol_daily_with_wine": "fixed",
    "e_Plan_take_8_tylenol_daily_until_she_dies": "fixed",
    "e_plan_to_take_8_tylenol_daily_x3_days_to_die": "fixed",
    # Controls: counts no dose takes, a past overdose with a death phrase.
    "e_Plan_take_30_ativan": "control",
    "e_Plan_take_10_klonopin_at_bedtime": "control",
    "e_Plan_take_15_pills": "control",
    "e_plans_to_take_30_tylenol": "control",
    "e_Plan_take_12_tylenol_daily": "control",
    "e_Plan_take_5_tabs_of_norco_q6h_prn": "control",
    "e_took_8_tylenol_daily_for_pain_to_end_it": "control",
    "e_took_8_tylenol_daily_x3_days_to_die": "control",
}

QUIET = {
    # 6. A drug name after "tabs of", a purpose after the dosing words.
    "e_Plan_take_2_tabs_of_tylenol_q6h_prn": "fixed",
    "e_Plan_take_2_tabs_of_norco_q6h_prn": "fixed",
    "e_Plan_take_2_tabs_of_oxycodone_q6h_prn_pain": "fixed",
    # 7. A day's dose taken for a stated purpose.
    "e_took_8_tylenol_daily_for_pain": "fixed",
    # Controls: dosing plans within their limits.
    "e_Plan_take_6_tylenol_daily_for_pain": "control",
    "e_Plan_take_2_tylenol_q6h_prn": "control",
    "e_Plan_take_5_melatonin_at_bedtime": "control",
    "e_Plan_take_4_advil_q6h_prn_pain": "control",
    "e_Plan_take_8_tylenol_daily_f_u_2_weeks": "control",
    "e_Plan_take_6_tylenol_daily_for_back_pain": "control",
    "e_took_8_advil_a_day_for_pain": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named() -> None:
    names = {p.stem for p in _FOLDER.glob("*.json")}
    assert names == set(CRITICAL) | set(QUIET)


@pytest.mark.parametrize(
    ("words", "dose"),
    [
        ("8 tylenol daily for pain", True),
        ("8 tylenol a day", True),
        ("4 tylenol at bedtime", True),
        ("5 tylenol at bedtime", False),  # one dose's word: plan_take_most_everyday_dose
        ("8 tylenol daily at bedtime", False),  # a day's word and one dose's: one dose's most
        ("9 tylenol daily", False),
        ("8 tylenol daily with wine", False),
        ("8 tylenol", False),  # no dosing word
        ("8 klonopin daily", False),  # no everyday analgesic
    ],
)
def test_everyday_dose_reads_the_dosing_words_kind(words: str, dose: bool) -> None:
    assert stated_dosing.everyday_dose(words) is dose
