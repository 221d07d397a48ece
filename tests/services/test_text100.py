"""Session 40 fix text100 (text99 leftovers): self-harm texts still quiet after text99.

- A plan heading joined to the denied ideation by "and", "&" or "+" in one clause and answered
  open ("denies SI and plan unknown", "denies SI + plan unclear") or asked with a "?" before it
  ("Denies SI and ?plan") was quiet, TMS offered: read as "denies SI, plan unknown" is
  (stated_open_heading.py). "denies SI and plan to f/u 2 wks" names no open word: quiet.
- A lethal-means question answered by the next item ("Access to firearms? SI: denies", "Guns in
  home? denies SI", "Access to lethal means? SI: denies") or left unanswered ("SI: denies.
  Firearms at home?") was quiet, TMS offered: the question stays open, critical as "Suicide
  note? SI: denies" (stated_open_heading.py, question_answer.names_other_item, the
  `means_heading` rows of stated_history_terms.csv). A no, none or denies answering it stays
  quiet.
- Noise: a note question answered "no suicide note" ("Suicide note? No suicide note. SI:
  denies") was critical, TMS held: the `lookalike` row "no suicide note*" blanked the answer, so
  the question read as unanswered. `lookalike_kept` rows keep it after the question or heading
  (self_harm_terms.csv); a note or SI stated after it stays critical.
Prefixes: e_ an ED visit's reason, cn_ a Condition's note. The text of each chart is in its comment.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text100_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Quiet with TMS offered before the fix.
    "e_denies_SI_and_plan_unknown": "fixed",  # 'denies SI and plan unknown'
    "e_denies_SI_amp_plan_unknown": "fixed",  # 'denies SI & plan unknown'
    "e_Denies_SI_and_q_plan": "fixed",  # 'Denies SI and ?plan'
    "e_denies_SI_plus_plan_unclear": "fixed",  # 'denies SI + plan unclear'
    "cn_denies_SI_and_plan_unknown": "fixed",  # 'denies SI and plan unknown'
    "e_Access_to_firearms_q_SI_denies": "fixed",  # 'Access to firearms? SI: denies'
    "e_Access_to_guns_q_SI_denies": "fixed",  # 'Access to guns? SI: denies'
    "e_Guns_in_home_q_denies_SI": "fixed",  # 'Guns in home? denies SI'
    "e_Access_to_lethal_means_q_SI_denies": "fixed",  # 'Access to lethal means? SI: denies'
    "e_SI_denies_Firearms_at_home_q": "fixed",  # 'SI: denies. Firearms at home?'
    "cn_Access_to_firearms_q_SI_denies": "fixed",  # 'Access to firearms? SI: denies'
    # The nearest critical controls (critical before the fix too).
    "e_Firearms_at_home_q_SI_denies": "control",  # 'Firearms at home? SI denies'
    "e_denies_SI_plan_unknown": "control",  # 'denies SI, plan unknown'
    "e_Access_to_firearms_yes_SI_denies": "control",  # 'Access to firearms: yes. SI: denies'
    "e_SI_denies_Access_to_firearms_q": "control",  # 'SI: denies. Access to firearms?'
    "e_Suicide_note_q_No_suicide_note_SI_endorses": "control",  # 'Suicide note? No suicide note. SI: endorses'
    "e_Suicide_note_q_no_suicide_note_wrote_goodbye_letter": "control",  # 'Suicide note? no suicide note; wrote goodbye letter'
}

QUIET = {
    # Critical with TMS held before the fix.
    "e_Suicide_note_q_No_suicide_note_SI_denies": "fixed",  # 'Suicide note? No suicide note. SI: denies'
    "e_Suicide_note_colon_no_suicide_note_SI_denies": "fixed",  # 'Suicide note: no suicide note. SI: denies'
    "e_Goodbye_note_q_no_goodbye_note_SI_denies": "fixed",  # 'Goodbye note? no goodbye note. SI: denies'
    "cn_Suicide_note_q_No_suicide_note_SI_denies": "fixed",  # 'Suicide note? No suicide note. SI: denies'
    # Controls, quiet before the fix too.
    "e_police_found_no_suicide_note": "control",  # 'police found no suicide note'
    "e_denies_SI_and_plan_to_f_u_2_wks": "control",  # 'denies SI and plan to f/u 2 wks'
    "e_denies_SI_and_plan_is_to_continue_sertraline": "control",  # 'denies SI and plan is to continue sertraline'
    "e_denies_SI_and_plan_pending_labs": "control",  # 'denies SI and plan pending labs'
    "e_denies_SI_and_HI": "control",  # 'denies SI and HI'
    "e_Access_to_firearms_q_No_SI_denies": "control",  # 'Access to firearms? No. SI: denies'
    "e_Access_to_firearms_none_SI_denies": "control",  # 'Access to firearms: none; SI: denies'
    "e_Firearms_at_home_q_denies": "control",  # 'Firearms at home? denies'
    "e_Guns_in_home_q_No_Denies_SI": "control",  # 'Guns in home? No. Denies SI'
    "e_Guns_in_home_no_SI_denies": "control",  # 'Guns in home: no. SI: denies'
    "e_Lethal_means_discussed_SI_denies": "control",  # 'Lethal means: discussed. SI: denies'
    "cn_Access_to_firearms_q_No_SI_denies": "control",  # 'Access to firearms? No. SI: denies'
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
