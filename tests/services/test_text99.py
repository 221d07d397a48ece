"""Session 40 fix text99 (session 39 leftovers): self-harm texts quiet or noisy after text94/text98.

- A question about a suicide-risk sign whose answer is the next item's ("Suicide note? SI:
  denies", "Suicide note?  Denies SI", "suicide note? no SI", "Self harm? Denies SI") was quiet,
  TMS offered: the denial answers the other item, so the question stays unanswered, critical as
  "Suicide note?" alone (question_answer.py, self_harm_denial.py). A bare no before the next item
  ("Suicide note? No. SI: denies", "Suicide note? no, denies SI") still answers it.
- A plan heading with no ":" or "?" after it answered open ("denies SI, plan unknown", "denies SI;
  plan not assessed") or asked with a "?" before it ("Denies SI, ?plan") was quiet, TMS offered:
  read as "Plan: unknown" is (stated_open_heading.py).
- Noise: an open word right before an evaluation ("SI: denies. Plan: pending psych eval",
  "Plan: possible psych consult") was critical, TMS held: the treatment plan awaits the
  evaluation (`plan_assessment`). "Plan: unknown, pending psych eval", "Plan: unknown pending
  psych eval", a method after it and a bare open or method answer stay critical (decision in
  stated_open_heading.py).
Prefixes: e_ an ED visit's reason, cn_ a Condition's note. The text of each chart is in its comment.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text99_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Quiet with TMS offered before the fix.
    "e_Suicide_note_q_SI_denies": "fixed",  # 'Suicide note? SI: denies'
    "e_Suicide_note_q_SI_denied": "fixed",  # 'Suicide note? SI denied'
    "e_Suicide_note_q_Denies_SI": "fixed",  # 'Suicide note?  Denies SI'
    "e_suicide_note_q_no_SI": "fixed",  # 'suicide note? no SI'
    "e_Suicide_note_q_HI_denies": "fixed",  # 'Suicide note? HI: denies'
    "e_Suicide_note_qq_SI_denies": "fixed",  # 'Suicide note?? SI: denies'
    "e_Self_harm_q_Denies_SI": "fixed",  # 'Self harm? Denies SI'
    "cn_Suicide_note_q_SI_denies": "fixed",  # 'Suicide note? SI: denies'
    "e_denies_SI_plan_unknown": "fixed",  # 'denies SI, plan unknown'
    "e_denies_SI_plan_unclear": "fixed",  # 'denies SI, plan unclear'
    "e_denies_SI_plan_not_assessed": "fixed",  # 'denies SI; plan not assessed'
    "e_Denies_SI_q_plan": "fixed",  # 'Denies SI, ?plan'
    "e_SI_denies_plan_unknown_no_colon": "fixed",  # 'SI: denies. plan unknown'
    "cn_denies_SI_plan_unknown": "fixed",  # 'denies SI, plan unknown'
    # The nearest critical controls (critical before the fix too).
    "e_Suicide_note_colon_q_SI_denies": "control",  # 'Suicide note: ? SI: denies'
    "e_Suicide_note_q": "control",  # 'Suicide note?'
    "e_SI_denies_Plan_unknown": "control",  # 'SI: denies. Plan: unknown'
    "e_SI_denies_Plan_q": "control",  # 'SI: denies. Plan: ?'
    "e_SI_denies_Plan_unclear": "control",  # 'SI: denies. Plan: unclear'
    "e_SI_denies_Plan_pending": "control",  # 'SI: denies. Plan: pending'
    "e_SI_denies_Plan_overdose": "control",  # 'SI: denies. Plan: overdose'
    "e_SI_denies_Plan_pills": "control",  # 'SI: denies. Plan: pills'
    "e_SI_denies_Plan_unknown_comma_pending_psych_eval": "control",  # 'SI: denies. Plan: unknown, pending psych eval'
    "e_SI_denies_Plan_unknown_pending_psych_eval": "control",  # 'SI: denies. Plan: unknown pending psych eval'
    "e_SI_denies_Plan_pending_psych_eval_has_pills_at_home": "control",  # 'SI: denies. Plan: pending psych eval, has pills at home'
    # Critical again after fix text101 (review K64a finding 2: dispo is no psychiatric evaluation).
    "e_SI_denies_Plan_pending_dispo": "text101",  # 'SI: denies. Plan: pending dispo'
}

QUIET = {
    # Critical with TMS held before the fix.
    "e_SI_denies_Plan_pending_psych_eval": "fixed",  # 'SI: denies. Plan: pending psych eval'
    "e_SI_denies_Plan_possible_psych_consult": "fixed",  # 'SI: denies. Plan: possible psych consult'
    "e_Denies_SI_Plan_pending_psychiatry_evaluation": "fixed",  # 'Denies SI. Plan: pending psychiatry evaluation'
    "cn_SI_denies_Plan_pending_psych_eval": "fixed",  # 'SI: denies. Plan: pending psych eval'
    # Controls, quiet before the fix too.
    "e_Suicide_note_q_No_SI_denies": "control",  # 'Suicide note? No. SI: denies'
    "e_Suicide_note_q_denies": "control",  # 'Suicide note? denies'
    "e_Suicide_note_none_SI_denies": "control",  # 'Suicide note: none; SI: denies'
    "e_Suicide_note_q_no_denies_SI": "control",  # 'Suicide note? no, denies SI'
    "e_Self_harm_q_No_Denies_SI": "control",  # 'Self-harm? No. Denies SI'
    "e_denies_SI_plan_to_follow_up_in_2_weeks": "control",  # 'denies SI, plan to follow up in 2 weeks'
    "e_denies_SI_Plan_continue_sertraline": "control",  # 'denies SI. Plan: continue sertraline'
    "e_SI_denies_Plan_f_u_2_wks": "control",  # 'SI: denies. Plan: f/u 2 wks'
    "e_SI_denies_Plan_refer_to_therapy": "control",  # 'SI: denies. Plan: refer to therapy'
    "e_denies_SI_discharge_plan_unclear": "control",  # 'denies SI, discharge plan unclear'
    "e_denies_SI_plan_possible_TMS": "control",  # 'denies SI, plan possible TMS'
    "e_denies_SI_plan_pending_psych_eval": "control",  # 'denies SI, plan pending psych eval'
    "cn_Suicide_note_q_No_SI_denies": "control",  # 'Suicide note? No. SI: denies'
    # The asked sign named again in the answer's sentence answers it.
    "e_Suicide_attempt_q_no_SI_no_attempt": "control",  # 'Suicide attempt? no SI, no attempt'
    "e_Suicide_note_q_denies_note_or_SI": "control",  # 'Suicide note? denies note or SI'
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
