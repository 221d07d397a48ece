"""Session 34 recheck K39b findings 1, 5, 7 (fix text55b).

- Finding 1 (UNSAFE, pre-existing): "plan to take a bottle of pills", "plan to swallow a bottle
  of pills", "plan to go home and take 30 tylenol", "plan is to go home, take 40 ativan" were
  quiet, TMS offered, while "plan to take 30 tylenol" was critical. The counted plan after a
  `plan_take_lead` now reads past an everyday step and its link (self_harm_ideation.step), a
  `plan_take_verb` ("swallow") as "take", and a whole supply of a drug or pills ("a bottle of
  pills") as a count above a dose (stated_plan_count.py); stated_heading reads the plan on past
  the comma that cut its clause.
- Finding 5 (noise, text53a): "took all her meds at once, as prescribed" and the like were
  overdoses: a `taken_adherence` phrase undoes `taken_at_once` (self_harm_taken._meds_read).
- Finding 7 (borderline, text53a): "took 2 tylenol, 2 advil, 2 aleve" was an overdose: an
  everyday analgesic's share is of its own day's most (self_harm_taken._shares, its docstring
  says why); sedatives and opioids keep the one-dose share.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text55b_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Finding 1: a whole supply, another verb of taking, a count after an everyday step.
    "e_plan_to_take_a_bottle_of_pills": "fixed",
    "e_plan_to_swallow_a_bottle_of_pills": "fixed",
    "e_plan_to_take_a_bottle_of_tylenol": "fixed",
    "e_plan_to_go_home_and_take_a_bottle_of_pills": "fixed",
    "e_plan_to_go_home_comma_take_a_bottle_of_tylenol": "fixed",
    "e_plan_to_go_home_and_take_30_tylenol": "fixed",
    "e_plan_to_go_home_comma_take_30_tylenol": "fixed",
    "e_plan_is_to_go_home_comma_take_40_ativan": "fixed",
    "e_plan_is_to_go_home_semicolon_take_40_ativan": "fixed",
    "e_plan_to_swallow_30_tylenol": "fixed",
    "cn_plan_to_go_home_and_take_a_bottle_of_pills": "fixed",
    "e_plan_to_take_30_tylenol": "control",
    "e_SI_with_plan_to_take_a_bottle_of_pills": "control",
    "e_plan_to_go_home_and_take_all_his_pills": "control",
    # Findings 5 and 7's controls: a whole supply at once, sedatives and opioids summed.
    "e_took_all_her_meds_at_once": "control",
    "e_took_all_his_pills_at_once_as_prescribed": "control",
    "e_swallowed_all_her_meds": "control",
    "e_took_4_norco_comma_4_percocet": "control",
    "e_took_3_ativan_and_2_ambien": "control",
    "e_took_4_tylenol_and_3_ativan": "control",
    "e_took_4_tylenol_comma_4_advil_comma_4_aleve": "control",
    # Recheck K42a finding 1: a whole supply of "meds" at once in a plan, as in an act.
    "e_plan_to_take_all_her_meds_at_once": "fixed",
    "e_plan_to_take_all_of_her_meds_at_once": "fixed",
    "e_plan_to_take_all_his_medications_at_once": "fixed",
}

QUIET = {
    # Recheck K42a finding 1's controls: the day's doses.
    "e_plan_to_take_all_her_meds_in_the_morning": "control",
    "e_plan_to_take_all_her_meds_at_once_comma_as_prescribed": "control",
    # Finding 5: an adherence phrase keeps "all her meds at once" the day's doses.
    "e_took_all_her_meds_at_once_comma_as_prescribed": "fixed",
    "e_took_all_his_meds_at_once_as_directed": "fixed",
    "e_took_all_her_meds_at_the_same_time_as_usual": "fixed",
    "e_took_all_her_meds_this_morning_as_prescribed": "control",
    # Finding 7: three label doses of three everyday analgesics.
    "e_took_2_tylenol_comma_2_advil_comma_2_aleve": "fixed",
    "e_took_2_tylenol_and_1_benadryl": "control",
    "e_took_1_ativan_comma_1_ambien": "control",
    "e_took_2_tylenol_comma_1_benadryl_and_1_ativan": "control",
    # Finding 1's controls: no drug, a dose, a dosing "all", a denial.
    "e_plan_to_take_a_bottle_of_water": "control",
    "e_plan_to_take_all_pills_with_food": "control",
    "e_plan_to_go_home_and_take_2_tylenol": "control",
    "e_plan_to_go_home_comma_take_meds_as_prescribed": "control",
    "e_denies_plan_to_go_home_and_take_30_tylenol": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
