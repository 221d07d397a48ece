"""Session 34 recheck K44a findings 1-4, 7, 8 of text56 (fix text58).

- Findings 1, 2 (UNSAFE): text56 read a C-SSRS plan row's note as a Condition's note is read
  (condition_harm_notes.stated_past), and its dated-history and denied-history readings kept
  neither guard of the "plan was to" reading: "Hx plan to hang self on 11/20/2026, none since"
  beside a "No" of 2026-11-25, and "... in 2015, none since, has a gun", went critical -> quiet.
  Every past reading now keeps both: a date within the past month, or access to means in
  another clause, keeps the plan current (the Condition note too, a warning before).
- Finding 3 (UNSAFE): the lookalike "in front of <audience>" blanked the object of "jump in
  front of" ("the crowd on the platform", "the people at the station"). It now follows only
  step/stand/walk/run/speak/present, never before a possessive or when a vehicle, the tracks or
  an `audience_stop` word follows in the clause (finding 4: "the judge's car", "the station
  wagon").
- Finding 4: "off the road to rest$", "... to take a break$" close their clause ("to rest in
  peace", "to take a break from living" are read).
- Findings 7, 8 (noise): "take all the exams soon", "take all her classes this evening" (an
  `everyday` lookalike), "step in front of the whole class" ("whole" a modifier) and "drive off
  the road for a rest stop" (a "for a" purpose) are quiet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text58_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Findings 1, 2: a plan note stated as past, but dated within the month or with means.
    "cc_No_Hx_plan_to_hang_self_on_11_20_2026_none_since": "fixed",
    "cc_No_Hx_plan_to_hang_self_in_2015_none_since_has_a_gun": "fixed",
    "cn_Hx_plan_to_hang_self_on_11_20_2026_none_since": "fixed",
    "cn_In_Nov_2026_plan_was_to_hang_himself_none_since": "control",
    # Findings 3, 4: the object is the method.
    "e_plan_to_jump_in_front_of_the_crowd_on_the_platform": "fixed",
    "e_plan_to_jump_in_front_of_the_crowd_and_onto_the_tracks": "fixed",
    "e_plan_to_jump_in_front_of_the_people_at_the_station": "fixed",
    "e_plan_to_step_in_front_of_the_judge_s_car": "fixed",
    "e_plan_to_step_in_front_of_the_station_wagon": "fixed",
    "e_plan_to_drive_off_the_road_to_rest_in_peace": "fixed",
    "e_plan_to_drive_off_the_road_to_take_a_break_from_living": "fixed",
}

QUIET = {
    # K41b s34 finding 3 (text56): a plan dated years ago beside the row's "No".
    "cc_No_Hx_plan_to_hang_self_in_2015_none_since": "control",
    "cc_No_past_plan_to_jump_off_a_bridge_in_2015": "control",
    # Findings 7, 8: everyday objects and purposes.
    "e_plan_to_take_all_the_exams_soon": "fixed",
    "e_plan_to_take_all_her_classes_this_evening": "fixed",
    "e_plan_to_step_in_front_of_the_whole_class": "fixed",
    "e_plan_to_drive_off_the_road_for_a_rest_stop": "fixed",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
