"""Session 34 recheck K38a findings 1-6 (fix text54).

- Finding 1 (UNSAFE): session 33's vehicle, traffic and train rows held base forms only, so
  "thoughts of driving off a bridge", "thinking about crashing his car", "plan is to drive her
  car off a bridge", "plan is to crash the car", "plan is to lie down on the railroad tracks",
  "plan is to be hit by a train" were quiet, TMS offered. The rows now take any ending of their
  verb ("driv*") and a `<vehicle>` / `<tracks>` object after any article, possessive or
  describing word (self_harm_ideation.term_regex); "thought about" is an ideation lead.
- Finding 2 (UNSAFE): "plan is to swallow all her pills" was quiet while "take all her pills"
  was critical: `swallow*` rows as the `tak*` ones.
- Finding 3: the C-SSRS plan question answered "plan is to hang himself", or "See comment" with
  the plan in the row's note, was "could not be read" (TMS held for a check): a free text that
  names a plan is a yes (suicide_screen_answers._names_plan).
- Finding 4: a Condition note "In 2015 his plan was to hang himself, none since" was critical as
  current ideation: the past warning, as "History of SI with plan to hang self in 2015, none
  since" (condition_harm_notes._dated_plan_past).
- Findings 5, 6 (noise, new with session 33): "step in front of" needs a vehicle ("Plan to step
  in front of the class" was critical); "drive off the road" must close its clause ("... to
  rest"); "traffic court" is a `lookalike`, blanked.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text54_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Finding 1: a vehicle, traffic or train method in any word form (visit reason).
    "e_thoughts_of_driving_off_a_bridge": "fixed",
    "e_thoughts_of_crashing_her_car": "fixed",
    "e_thinking_about_crashing_his_car": "fixed",
    "e_has_thought_about_walking_into_traffic": "fixed",
    "e_thoughts_of_lying_on_the_tracks": "fixed",
    "e_plan_to_stand_on_the_tracks": "fixed",
    "e_plan_is_to_stand_on_the_train_tracks": "fixed",
    "e_plan_is_to_lie_down_on_the_railroad_tracks": "fixed",
    "e_plan_is_to_drive_her_car_off_a_bridge": "fixed",
    "e_plan_is_to_drive_his_car_into_a_tree": "fixed",
    "e_plan_is_to_crash_the_car": "fixed",
    "e_plan_is_to_drive_into_a_pole": "fixed",
    "e_plan_is_to_run_in_front_of_a_car": "fixed",
    "e_plan_is_to_be_hit_by_a_train": "fixed",
    "e_Plan_to_step_in_front_of_a_train": "control",
    "e_plan_colon_crash_car": "control",
    "e_plan_to_drive_off_a_bridge": "control",
    "e_plan_to_walk_into_oncoming_traffic": "fixed",
    "e_wants_to_throw_herself_under_a_bus": "fixed",
    # The same in a Condition note.
    "cn_thoughts_of_driving_off_a_bridge": "fixed",
    "cn_thoughts_of_crashing_her_car": "fixed",
    # Finding 2: another verb of taking a whole supply.
    "e_plan_is_to_swallow_all_her_pills": "fixed",
    "cn_plan_is_to_swallow_all_her_pills": "fixed",
    # Finding 3: the C-SSRS plan question answered in free text, or in its note.
    "ol_plan_is_to_hang_himself": "fixed",
    "ol_plan_to_drive_off_a_bridge": "fixed",
    "cc_plan_is_to_hang_himself": "fixed",
    "cc_plan_to_step_in_front_of_a_train": "fixed",
    "ol_Plan_colon_drive_off_a_bridge": "control",
    # Finding 4's controls: a present after "none since", a plan with no year.
    "cn_In_2015_his_plan_was_to_hang_himself_comma_none_since_but_urges_daily": "control",
    "cn_plan_was_to_take_40_ativan": "control",
}

QUIET = {
    # Finding 5: "step in front of" needs a vehicle.
    "e_Plan_to_step_in_front_of_the_class": "fixed",
    "e_plan_is_to_step_in_front_of_the_group": "fixed",
    "e_plan_to_step_in_front_of_the_camera": "fixed",
    "e_thoughts_of_stepping_in_front_of_the_class": "fixed",
    # Finding 6: everyday uses.
    "e_plan_to_drive_off_the_road_to_rest": "fixed",
    "e_plan_is_to_run_into_traffic_court": "fixed",
    # Everyday plans and denials stay quiet.
    "e_Plan_is_to_follow_up_with_PCP": "control",
    "e_plan_to_drive_to_clinic_tomorrow": "control",
    "e_walk_in_front_of_the_class": "control",
    "e_denies_plan_to_drive_off_a_bridge": "control",
    "e_denies_thoughts_of_crashing_her_car": "control",
    "e_plan_is_to_drive_the_car_home": "control",
    "e_plan_to_take_the_bus_to_work": "control",
    "e_plan_to_crash_at_a_friends_place": "control",
    "e_plan_is_to_take_the_train_to_work": "control",
    # "into" reads only traffic: walking into a station or boarding is no method (fix text54).
    "e_plan_to_walk_into_the_train_station": "control",
    "e_plan_to_step_into_the_subway": "control",
    "e_plan_to_drive_into_the_car_wash": "control",
    # "throw ... under the bus" reads only the patient thrown: the idiom is none.
    "e_plan_is_to_throw_him_under_the_bus": "control",
}

PAST = {
    "cn_In_2015_his_plan_was_to_hang_himself_comma_none_since": "fixed",
    "cn_History_of_SI_with_plan_to_hang_self_in_2015_comma_none_since": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(PAST))
def test_past_plan_is_the_past_warning(name: str) -> None:
    card = _cards(name).get(chart_files.RISK)
    assert card is not None and card["indicator"] == "warning", (name, card)
    assert card["summary"].endswith(
        "(note of 2026-11-25 on the problem list): ask about current thoughts"
    )
    assert chart_files.TMS in _cards(name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, PAST)
