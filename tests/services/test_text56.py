"""Session 34 recheck K41b findings 1-5 and its gap seen in passing (fix text56).

- Finding 1 (UNSAFE): text54 read "step in front of" only before a listed vehicle, so "plan to
  step in front of a taxi", "... a city bus", "... it", "thoughts of stepping in front of the 5
  train" were quiet, TMS offered. The open row is back; the everyday objects are `lookalike`
  rows "in front of <audience>" ("the class", "the camera", "the train station"), blanked.
- Finding 2 (UNSAFE): "driv* off the road$" had to close its clause, so "plan to drive off the
  road tonight", "... into a ditch" were quiet: open again, an everyday purpose after it ("to
  rest", "to park") a `lookalike` row. The gap: a time word ("tonight") may stand before the end
  of a "$" term's clause ("plan is to take all her pills tonight" was quiet).
- Finding 3: a C-SSRS past-month plan row answered "No" whose note names a plan dated years ago
  was critical: a plan stated as past, as the Condition note reader reads it, is no yes.
- Finding 4: "On 11/20/2026 his plan was to hang himself, none since" in a note of 2026-11-25
  was the past warning: a date within the past month is current; access to means in another
  clause ("has access to a gun", "still has the rope") keeps the note current too.
- Finding 5 (noise): "track team", "railway platform", "train station" are `lookalike` rows.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text56_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Finding 1: stepping in front of any moving thing.
    "e_plan_to_step_in_front_of_a_taxi": "fixed",
    "e_plan_to_step_in_front_of_a_city_bus": "fixed",
    "e_plan_to_step_in_front_of_it": "fixed",
    "e_plan_to_step_in_front_of_an_18_wheeler": "fixed",
    "e_thoughts_of_stepping_in_front_of_the_5_train": "fixed",
    "e_plan_to_step_in_front_of_the_school_bus": "fixed",
    # Finding 2 and the gap: a time, place or manner after the method.
    "e_plan_to_drive_off_the_road_tonight": "fixed",
    "e_plan_to_drive_off_the_road_into_a_ditch": "fixed",
    "e_plan_to_drive_off_the_road_at_high_speed": "fixed",
    "e_plan_is_to_take_all_her_pills_tonight": "fixed",
    "e_plan_is_to_swallow_all_her_pills_tonight": "fixed",
    # Finding 3's controls: a current plan in the note of a "No" is a yes.
    "cc_No_pt_states_plan_to_OD": "control",
    "cc_No_On_11_20_2026_his_plan_was_to_hang_himself_none_since": "control",
    # Finding 4: a plan within the past month, or a past plan beside access to means.
    "cn_On_11_20_2026_his_plan_was_to_hang_himself_none_since": "fixed",
    "cn_Nov_2026_plan_was_to_hang_himself_none_since": "fixed",
    "cn_In_2015_plan_was_to_hang_himself_has_access_to_a_gun": "fixed",
    "cn_In_2015_plan_was_to_hang_himself_still_has_the_rope": "fixed",
}

QUIET = {
    # Finding 3: the row's "No" stands beside a plan dated years ago.
    "cc_No_past_plan_to_jump_off_a_bridge_in_2015": "fixed",
    "cc_No_Hx_plan_to_hang_self_in_2015_none_since": "fixed",
    "cc_No_In_2015_his_plan_was_to_hang_himself_none_since": "fixed",
    "cc_no_no_plan": "control",
    # Finding 5: a place or team after the track or vehicle word.
    "e_plan_to_stand_on_the_track_team": "fixed",
    "e_plan_to_lie_on_the_track_to_sunbathe": "fixed",
    "e_plan_to_stand_on_the_railway_platform": "fixed",
    "e_plan_to_run_in_front_of_the_train_station": "fixed",
    "e_plan_to_walk_in_front_of_the_bus_stop": "fixed",
    # Everyday objects and purposes (text54's "the class", "to rest" stay in test_text54).
    "e_plan_to_step_in_front_of_the_mirror": "control",
    "e_plan_to_drive_off_the_road_to_park": "control",
}

PAST = {
    "cn_In_2015_plan_was_to_hang_himself_no_access_to_guns": "control",
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
    assert "(note of 2026-11-25 on the problem list)" in card["summary"], (name, card)
    assert card["summary"].endswith("ask about current thoughts"), (name, card)
    assert chart_files.TMS in _cards(name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, PAST)
