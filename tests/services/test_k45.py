"""Session 34 recheck K45a findings 1-3 (lead's fix).

- Findings 1, 2 (UNSAFE, new with text58): a plan's everyday step that a lookalike row blanks
  ("take all the kids", "stand in front of class") left nothing of the step but spaces, and a step
  needed a word, so "plan to take all the kids and kill herself" and "plan to stand in front of
  class and shoot herself" went quiet, TMS offered. A step may now be no word at all
  (self_harm_ideation.step).
- Finding 3 (UNSAFE, older): "plan to stand in front of the train" was quiet: `stand* in front of
  <vehicle>` is an ideation_object row as walk/run/lie are.
- Found beside them (older): "thoughts of going home and killing herself", "thoughts of ending it"
  were quiet: the -ing forms are ideation_object rows as "kill herself" and "end it" are.
- Finding 4 (older): a step of six words or more ("plan to stand in front of the whole class and
  shoot herself") joined nothing: a step may have up to eight words. K44a finding 5 (older): "In 2025
  plan was to overdose, none since; has access to pills" was the past warning: "access to pills" is
  a risk_means row.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "k45_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_plan_to_take_all_the_kids_and_kill_herself": "fixed",
    "e_plan_to_take_all_her_classes_and_hang_herself": "fixed",
    "e_plan_to_take_all_of_her_time_to_end_it": "fixed",
    "e_plan_to_stand_in_front_of_class_and_shoot_herself": "fixed",
    "e_plan_to_stand_in_front_of_the_train": "fixed",
    # Found beside them: the -ing forms after a gerund step or "thoughts of".
    "e_thoughts_of_going_home_and_killing_herself": "fixed",
    "e_thoughts_of_ending_it": "fixed",
    # Finding 4: a step of six or more words; K44a finding 5: access to pills keeps a plan current.
    "e_plan_to_walk_in_front_of_the_class_and_kill_herself": "fixed",
    "e_plan_to_stand_in_front_of_the_whole_class_and_shoot_herself": "fixed",
    "cn_In_2025_plan_was_to_overdose_none_since_has_access_to_pills": "fixed",
    # K45a finding 5, K44a finding 4: a two-word possessive before the pills; purposes that
    # blanked a method ("to let the pain pass", "to park in the lake").
    "e_plan_to_take_all_her_kids_pills": "fixed",
    "e_plan_to_drive_off_the_road_to_let_the_pain_pass": "fixed",
    "e_plan_to_drive_off_the_road_to_park_in_the_lake": "fixed",
}

QUIET = {
    "e_plan_to_take_all_the_kids_to_school": "control",
    "e_plan_to_stand_in_front_of_the_class": "control",
    "e_plan_to_stand_in_front_of_the_train_station": "control",
    "e_denies_thoughts_of_ending_it": "control",
    "e_plan_to_go_back_to_work_next_week_and_see_how_it_goes": "control",
    "e_took_all_her_kids_to_school": "control",
    "e_plan_to_drive_off_the_road_to_park": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
