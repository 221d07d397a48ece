"""Session 37 fix text82: negative screens and denied items raised the critical suicide-risk card
and held the TMS referral (NOISE). Each was an ED visit's reason:

- a denial after a note section's heading ("Psych: denies: SI") was read as the answer of an item
  "Psych", so the SI after it was not denied: `section_heading` rows (denial_scope.py);
- a suicide screen or risk assessment named with its negative result ("Suicide screening
  completed, negative", "Suicide risk assessment: no risk") read "suicide" as ideation:
  screen_result_text.py blanks it; a rated level ("suicide risk: low", "moderate risk") is kept;
- a screening question's alternatives joined by "or" ("Thoughts of self-harm or suicide: denies",
  "Self-harm or suicidal thoughts: no") were not covered by the answer: text_negation.answer_covers;
  "Self-harm, suicidal thoughts: no" (a comma: the act named first) stays critical;
- "PT attempted today, pt refused": "PT" in capitals beside "pt" is physical therapy
  (abbreviation_case.py); "PT" alone, in an all-capitals text or beside "patient" stays the patient;
- "plans of ending her life insurance": `lookalike` "life insurance" (self_harm_terms.csv).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text82_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_Suicide_screening": "control",
    "e_Suicide_screening_positive": "control",
    "e_suicide_risk_low": "control",
    "e_Suicide_risk_assessment_moderate_risk": "control",
    "e_Suicide_risk_assessment_no_acute_risk": "control",
    "e_Suicide_risk_none_but_has_a_plan": "control",
    "e_Thoughts_of_self_harm_or_suicide_yes": "control",
    "e_Self_harm_suicidal_thoughts_no": "control",
    "e_Psych_denies_HI_endorses_SI": "control",
    "e_Psych_denies_SI_Wants_to_kill_himself": "control",
    "e_HI_denies_wants_to_kill_himself": "control",
    "e_pt_attempted_today": "control",
    "e_PT_attempted_today_triage": "control",
    "e_PT_ATTEMPTED_TODAY_PT_REFUSED_TX": "control",
    "e_PT_attempted_today_patient_refused": "control",
    "e_PT_attempted_suicide_today_pt_refused": "control",
    "e_plans_of_ending_her_life": "control",
    "e_plans_of_ending_her_life_insurance_lapsed": "control",
    "e_plans_to_end_his_life_insurance_and_kill_himself": "control",
}

QUIET = {
    "e_Psych_denies_SI": "fixed",
    "e_Psych_ROS_denies_SI": "fixed",
    "e_Suicide_screening_completed_negative": "fixed",
    "e_Suicide_screening_completed_dash_negative": "fixed",
    "e_Suicide_risk_screen_negative": "control",
    "e_Suicide_risk_assessment_no_risk": "fixed",
    "e_Suicide_risk_none": "fixed",
    "e_Thoughts_of_self_harm_or_suicide_denies": "fixed",
    "e_Self_harm_or_suicidal_thoughts_no": "fixed",
    "e_Self_harm_or_suicidal_thoughts_denies": "fixed",
    "e_PT_attempted_today_pt_refused": "fixed",
    "e_plans_of_ending_her_life_insurance": "fixed",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
