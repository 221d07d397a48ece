"""Session 36 text69: one rule for how far a denial reaches before a self-harm phrase
(denial_scope.py, text_bounds.denial_reach), and the object a past act or a plan names after
"but" (self_harm_taken._act_end, stated_plan_count._JOINED).

- NegEx's clause (text_bounds.CLAUSE) did not end at a colon, a free-standing dash, "?" or "!",
  so "No HI: wants to kill himself", "No HI - wants to kill himself", "Denies HI: wants to die",
  "Denies SI? wants to kill himself" read the wish as denied (quiet, TMS offered) while "No HI,
  wants to kill himself" and "Denies SI. wants to kill himself" were critical. Now a "?", "!",
  or a colon or dash after a denied item ends a denial's reach in every reader of a denial
  before a phrase; a colon or dash right after the cue introduces what is denied ("Denies: SI,
  HI", "Negative for: SI", "Psych ROS: negative for: SI, HI, self-harm" stay quiet), unless the
  cue is an item's own answer ("HI: no - wants to kill himself" is read). Answers after the
  phrase ("SI? denies", "SI? No", "SI: denies", "Suicidal ideation: No") are a checklist answer
  and stay quiet; "SI? denies, overdose" reads the overdose after SI's answer, as "SI, HI:
  denies, recent overdose" did.
- A past act's clause ends at "but", and a plan's did not read a count after it: "took 2
  tylenol but 30 ativan", "plan to take 2 tylenol but 30 ativan" were quiet, TMS offered. A
  count of a drug or pill (or an overdose object) right after "but" is another object of the
  same verb; "took 2 tylenol but no more" stays quiet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text69_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # A colon, dash, "?" or "!" after a denied item ends the denial.
    "e_No_HI_c_wants_to_kill_himself": "fixed",
    "e_No_HI_dash_wants_to_kill_himself": "fixed",
    "e_Denies_HI_c_wants_to_die": "fixed",
    "e_Denies_SI_q_wants_to_kill_himself": "fixed",
    "e_Denies_SI_q_plan_to_overdose_on_30_ativan": "fixed",
    "e_Denies_SI_x_wants_to_die": "fixed",
    "e_HI_c_no_dash_wants_to_kill_himself": "fixed",
    "e_SI_q_denies_overdose": "fixed",
    # A count after "but" is an object of the act or plan.
    "e_took_2_tylenol_but_30_ativan": "fixed",
    "e_took_3_ativan_but_2_ambien": "fixed",
    "e_plan_to_take_2_tylenol_but_30_ativan": "fixed",
    # Controls that were critical and stay so.
    "e_No_HI_wants_to_kill_himself": "control",
    "e_Denies_SI_wants_to_kill_himself": "control",
    "e_took_2_tylenol_and_30_ativan": "control",
    "e_SI_HI_c_denies_recent_overdose": "control",
    "e_wanted_to_die_but_took_all_her_night_pills": "control",
    "e_took_30_ativan_but_feels_fine": "control",
}

QUIET = {
    # A colon or dash right after the cue introduces the denied items.
    "e_Denies_c_SI_HI": "control",
    "e_Denies_c_SI_HI_plan_or_intent": "control",
    "e_Denies_c_SI_HI_cutting": "control",
    "e_Negative_for_c_SI": "control",
    "e_Psych_ROS_c_negative_for_c_SI_HI_self_harm": "control",
    "e_Denies_dash_SI_HI": "control",
    "e_Psych_c_denies_SI_HI": "control",
    # Answers after the item (heading and question forms).
    "e_SI_c_denies": "control",
    "e_SI_HI_c_none": "control",
    "e_Suicidal_ideation_c_No": "control",
    "e_SI_q_denies": "control",
    "e_SI_q_No": "control",
    # "but" with no object after it; two one-dose counts.
    "e_took_2_tylenol_but_no_more": "control",
    "e_plan_to_take_2_tylenol_but_no_more": "control",
    "e_took_1_tylenol_but_1_advil": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
