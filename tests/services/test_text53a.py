"""Session 34 fix text53a: self-harm and overdose words that were quiet, TMS offered (UNSAFE).

- "plan to go home, kill himself", "Plan to go home, end it", "plan is to go home; kill herself":
  a comma or semicolon between the everyday step and the method joined nothing, while "plan to go
  home and kill himself" was critical (fix text51b). "," and ";" are `ideation_step_link` rows
  now (self_harm_ideation._stepped_leads); "plan to go home, rest" names no method and stays quiet.
- "took 2-3 dozen pills", "took 2 to 3 dozen pills": a range before "dozen" read as "2 36", a
  count of 2. The range's low end is multiplied (stated_counts, `count_range` rows "to", "or").
- "took all her meds at once", "swallowed all her meds": "meds" is no pill word ("took all her
  meds" is adherence). A `taken_med` word counts after a `taken_supply` phrase with a
  `taken_at_once` phrase in the clause or a `taken_med_verb` ("swallowed") (self_harm_taken.py).
- "took 4 norco, 4 percocet": each object is a dose's count. The objects of one act add up,
  each as a share of its dose's most by the "take" rules (self_harm_taken._shares): more than
  one whole dose is an overdose; "took 2 tylenol, 2 advil" (two halves) stays quiet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text53a_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # A comma or semicolon between the everyday step and the method.
    "e_plan_to_go_home_comma_kill_himself": "fixed",
    "e_Plan_to_go_home_comma_end_it": "fixed",
    "e_plan_is_to_go_home_semicolon_kill_herself": "fixed",
    "e_plan_to_go_home_and_kill_himself": "control",
    # A range of dozens.
    "e_took_2_3_dozen_pills": "fixed",
    "e_took_1_2_dozen_pills": "fixed",
    "e_took_2_to_3_dozen_pills": "fixed",
    "e_took_3_4_dozen_tabs": "fixed",
    "e_took_2_3_dozen_tylenol": "fixed",
    "e_took_two_to_three_dozen_pills": "fixed",
    "e_took_a_dozen_pills": "control",
    "e_took_3_dozen_pills": "control",
    "e_took_20_30_pills": "control",
    # A whole supply of a patient's medicines taken at once.
    "e_took_all_her_meds_at_once": "fixed",
    "e_swallowed_all_her_meds": "fixed",
    "e_took_all_his_pills_at_once": "control",
    "e_took_all_of_her_lithium": "control",
    # Several drugs, each a dose's count, more than a dose in all.
    "e_took_4_norco_comma_4_percocet": "fixed",
    "e_took_3_ativan_and_2_ambien": "fixed",
    "e_took_5_ativan_5_xanax_and_3_norco": "control",
    # Critical before this fix (2 x 6 doses a day above tylenol's 8 a day): kept as it was.
    "e_Plan_is_to_take_2_tylenol_q4h_prn": "control",
}

QUIET = {
    "e_plan_to_go_home_comma_rest": "control",
    "e_Plan_is_to_follow_up_with_PCP": "control",
    "e_denies_plan_to_go_home_comma_kill_himself": "control",
    "e_took_all_her_meds_this_morning_as_prescribed": "control",
    "e_never_took_all_her_meds_at_once": "control",
    "e_took_2_tylenol_for_pain": "control",
    "e_took_2_tylenol_comma_2_advil": "control",
    "e_took_2_ativan_and_2_ambien": "control",
    "e_took_4_tylenol_daily_comma_4_advil_daily_for_pain": "control",
    "e_mother_took_4_norco_comma_4_percocet": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
