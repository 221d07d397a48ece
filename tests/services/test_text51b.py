"""Session 33 recheck K36a findings 5, 6 (fix text51b): a method after an everyday step of a
plan, and "OD" with a substance or the patient beside it, were quiet and TMS was offered.

- UNSAFE: "plan to go home and kill himself", "denies SI but has a plan to go home and hang
  himself", "mother reports plan to go home and shoot himself" gave no card: a qualifier's
  `ideation_object` was read only right after it. A step of up to five words and an
  `ideation_step_link` word ("and", "then", "to") may now stand between (self_harm_ideation
  `stepped_lead_start`); its denial is read from the qualifier ("denies plan to go home and kill
  himself" stays quiet). text49c's everyday-plan blanking still blanks only "plan to go home".
- UNSAFE: "OD heroin", "OD heroin, left eye swollen", "Pt OD", "OD x1", "Pt OD, eye laceration"
  gave no card: no row read "OD" with a substance after it, the patient before it, or a count of
  one (od_lookalike.od_substance; `event` rows "pt od", "od x1"). The right eye stays quiet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text51b_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Finding 5: a method after an everyday step of the plan.
    "e_plan_to_go_home_and_kill_himself": "fixed",
    "e_Plan_to_go_home_and_shoot_himself": "fixed",
    "e_denies_SI_but_has_a_plan_to_go_home_and_hang_himself": "fixed",
    "e_mother_reports_plan_to_go_home_and_shoot_himself": "fixed",
    "e_plan_to_go_home_and_end_his_life": "fixed",
    "e_wants_to_go_home_and_hang_himself": "fixed",
    "e_Denies_SI_but_has_a_plan_to_go_home_and_take_all_his_pills": "fixed",
    "e_plan_to_shoot_himself": "control",
    # "plan is/was to" as a qualifier (the lead's follow-up: quiet before the rows).
    "e_Plan_is_to_go_home_and_end_it": "fixed",
    "e_The_plan_was_to_go_home_and_hang_himself": "fixed",
    "e_plan_is_to_take_40_ativan": "fixed",  # plan_take_lead rows (recheck K37 finding 1)
    # Vehicle and traffic methods (recheck K37 finding 3: ideation_object rows).
    "e_Plan_to_drive_off_a_bridge": "fixed",
    "e_plan_is_to_walk_into_traffic": "fixed",
    "e_Plan_to_step_in_front_of_a_train": "fixed",
    # Finding 6: "OD" with a substance after it, the patient before it, or a count of one.
    "e_OD_heroin": "fixed",
    "e_OD_heroin_comma_left_eye_swollen": "fixed",
    "e_Pt_OD": "fixed",
    "e_OD_x1": "fixed",
    "e_Pt_OD_comma_eye_laceration": "fixed",
    "e_OD_tylenol": "fixed",
    "e_OD_fentanyl": "fixed",
    "e_OD_on_heroin_comma_left_eye_swollen": "control",
}

QUIET = {
    # An everyday plan alone, or denied, stays quiet.
    "e_Denies_SI_but_has_a_plan_to_go_home": "control",
    "e_plan_to_go_home_and_hang_out_with_friends": "control",
    "e_denies_plan_to_go_home_and_kill_himself": "control",
    "e_plan_is_to_follow_up_with_PCP": "control",
    "e_Plan_is_to_take_2_tylenol_q6h_prn": "control",
    "e_plan_to_drive_into_town": "control",
    "e_Plan_to_walk_in_front_of_the_class": "control",
    # The right eye and once daily stay quiet.
    "e_h_o_cataract_OD": "control",
    "e_OD_cataract_surgery": "control",
    "e_OD_20_40": "control",
    "e_Eye_pain_comma_OD_x2": "control",
    "e_Lens_opacity_OD_x2": "control",
    "e_metformin_OD": "control",
    "e_Pt_OD_20_40": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
