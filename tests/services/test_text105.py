"""Session 41 fix text105: text104's leftovers.

- A `pre` denial ("Denies", "No") undone by the words after it, as text104 did for a prefix
  ("Denies SI until today", "Denies SI passive", "Denies SI HI plan", "No SI until today",
  "denies SI, positive on repeat" were quiet with TMS offered; prefix_undone.py `pre_undone`).
  Plain denials stay quiet: a plan or intent joined to the denial's list ("Denies SI, HI, plan
  or intent", "denies SI or plan"), an everyday plan after a comma ("denies SI, plan to follow
  up with PCP"), a plan in another sentence, another finding after "positive" or "endorses"
  ("positive for anxiety", "endorses depression"), a time joined to another ("now or in the
  past").
- A firearm at home with a plan to use it (self_harm_terms.csv `preparatory`: text104 had the
  gun rows only); "plans to use it for hunting" names none.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text105_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Quiet with TMS offered before the fix.
    "e_Denies_SI_until_today": "fixed",
    "e_Denies_SI_passive": "fixed",
    "e_Denies_SI_HI_plan": "fixed",
    "e_Denies_SI_sl_HI_plan": "fixed",
    "e_No_SI_until_today": "fixed",
    "e_denies_SI_c_positive_on_repeat": "fixed",
    "e_Firearm_at_home_c_plans_to_use_it": "fixed",
    "e_firearms_at_home_c_plans_to_use_them": "fixed",
    "e_Guns_at_home_c_plans_to_use_them": "fixed",
    # Control, critical before and after: the denied finding named again after "positive".
    "e_denies_SI_c_positive_for_SI_on_repeat": "control",
}

QUIET = {
    # Controls, quiet before and after: common plain denials and everyday plans.
    "e_Denies_SI_sl_HI": "control",
    "e_Denies_SI_c_HI_c_plan_or_intent": "control",
    "e_denies_SI_c_no_plan": "control",
    "e_No_SI_sl_HI": "control",
    "e_Denies_SI_dot_Plan_colon_f_sl_u_2_weeks": "control",
    "e_denies_SI_c_plan_to_follow_up_with_PCP": "control",
    "e_Denies_SI_c_plans_to_go_home_with_mother": "control",
    "e_denies_SI_or_plan": "control",
    "e_denies_SI_c_HI_c_AVH_semicolon_positive_for_anxiety": "control",
    "e_Denies_SI_now_or_in_the_past": "control",
    "e_Denies_SI_c_endorses_depression": "control",
    "e_Denies_SI_today": "control",
    "e_Firearm_at_home_c_plans_to_use_it_for_hunting": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
