"""Session 33 recheck K35b findings 1, 2, 4 (fix text50a): an eye word's "OD" read as the right
eye across a linking word or before "on <drug>", a breaths/steps count that silenced a whole
plan, and counts written as estimates, words or "x N".

- UNSAFE (regression of text48a): "Eye pain after OD x2", "Vision loss, OD on insulin", "Pupils
  dilated, OD on amitriptyline" gave no card: a `lookalike_eye_link` word between the eye word
  and "OD", or an `od_then` word after "OD", keeps the overdose read; "vision", "visual" and
  "pupil(s)" are no eye stems (od_lookalike.py).
- UNSAFE (regression of text48a): "Plan to take 15 breaths and then take 30 ativan", "Plan to
  take 20 steps and 30 tylenol", "Plan to take 20 steps into traffic" gave no card: the lead
  covers its clause and a not-drug word excuses only its own count; a place or method after it
  is a method (stated_plan_count.py, stated_dosing.py).
- UNSAFE (gap): "Took approx 30 ativan", "Took twenty ativan", "Took ativan 1mg x 30", "Took his
  entire supply of lithium", their plan forms and "Pt has plan to jump" gave no card
  (stated_counts.py, `taken_supply`, `ideation_object` rows).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text50a_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Finding 1: a linking word between the eye word and "OD", or "OD on/of/with".
    "e_Eye_pain_after_OD_x2": "fixed",
    "e_Eye_pain_from_OD_x2": "fixed",
    "e_Vision_loss_comma_OD_on_insulin": "fixed",
    "e_Vision_loss_after_OD_on_insulin": "fixed",
    "e_Pupils_dilated_comma_OD_on_amitriptyline": "fixed",
    "e_Eyes_closed_comma_OD_on_heroin": "fixed",
    "e_Visual_hallucinations_comma_OD_x2": "fixed",
    "e_Glaucoma_pt_with_OD_x2_today": "fixed",
    "e_Cornea_abrasion_and_OD_x2": "fixed",
    "e_Blurred_vision_after_OD_on_tylenol": "fixed",
    "e_Eye_pain_OD_on_tylenol": "fixed",
    # Finding 2: a not-drug count excuses only its own; a method after it is read.
    "e_Plan_to_take_15_breaths_and_then_take_30_ativan": "fixed",
    "e_Plan_to_take_15_deep_breaths_then_take_30_ativan": "fixed",
    "e_Plan_to_take_20_steps_and_30_tylenol": "fixed",
    "e_Plan_to_take_20_steps_into_traffic": "fixed",
    "e_Plans_to_take_30_steps_off_the_roof": "fixed",
    "e_Plan_to_take_10_steps_off_the_bridge": "fixed",
    # Finding 4: estimates, count words, "x N", a whole supply, a bare jump plan.
    "e_Took_approx_30_ativan": "fixed",
    "e_Took_tilde_30_ativan": "fixed",
    "e_Took_about_30_ativan": "fixed",
    "e_Took_twenty_ativan": "fixed",
    "e_Took_ativan_1mg_x_30": "fixed",
    "e_Took_40_mg_of_lexapro_x_30_tabs": "fixed",
    "e_Took_his_entire_supply_of_lithium": "fixed",
    "e_Plan_to_take_approx_30_ativan": "fixed",
    "e_Plan_to_take_tilde_30_ativan": "fixed",
    "e_Plan_to_take_twenty_ativan": "fixed",
    "e_Plan_to_take_ativan_1mg_x_30": "fixed",
    "e_Plan_to_take_his_entire_supply_of_lithium": "fixed",
    "e_Pt_has_plan_to_jump": "fixed",
    "e_pt_has_a_plan_to_overdose": "control",
}

QUIET = {
    # text48a's right-eye cases stay quiet.
    "e_Lens_opacity_OD_x2": "control",
    "e_Eyelid_swelling_comma_OD_x2": "control",
    "e_Corneal_ulcer_OD_x2": "control",
    "e_Eye_pain_comma_OD_x2": "control",
    "e_Blurry_vision_OD_x2": "control",
    # Breaths and steps alone stay exercise.
    "e_Plans_to_take_30_deep_breaths": "control",
    "e_Plan_to_take_20_steps_and_30_deep_breaths": "control",
    # A dose stays a dose, however its count is written.
    "e_Took_about_2_tylenol_for_headache": "control",
    "e_Took_two_tylenol": "control",
    "e_Took_ativan_1mg_x_2": "control",
    "e_Took_lithium_300mg_x_3_days": "control",
    "e_Plan_to_take_about_2_tylenol": "control",
    "e_Plan_to_take_two_tylenol_at_bedtime": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
