"""Session 35 recheck K47a findings 9-12 (NOISE new with text59 / text61; fix text64).

- Finding 9: the `use* * *gun`, bag and garage ideation rows read safe storage, hunting and
  everyday purposes ("plan to use a gun lock", "plan to use the shotgun for duck season", "plan to
  put a bag over her head in the rain", "... running in the garage to warm it up"): `lookalike`
  rows blank them; "plan to drive off the road to park tonight": text59 compiled every lookalike
  without the `clause_time` allowance, now only the "od x" ones ("OD x 3 days today" read).
- Finding 10: accidents after text61's method acts ("electrocuted herself on the toaster",
  "poisoned herself eating wild mushrooms"): `act_accident` / `accident_object` rows; "razor
  wire" is a `lookalike`.
- Finding 11: a fear before "will" / "might" (self_harm_subject.unsaid): a `fear_only` thing ("be
  dead") or an everyday danger (`fear_context`, `act_accident`) after the method.
- Finding 12: an inquiry before a `preparatory` phrase or a "?" beside it ("asked about intent to
  die", "does she have intent to die?") states no intent.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text64_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_plan_to_use_his_gun_to_kill_himself": "control",
    "e_plan_to_use_his_gun": "control",
    "e_plan_to_use_his_gun_at_the_range_to_kill_himself": "control",
    "e_plan_to_use_the_gun_in_his_gun_safe": "control",
    "e_plan_to_put_a_bag_over_her_head": "control",
    "e_plan_to_put_a_bag_over_her_head_in_the_rain_and_tie_it": "control",
    "e_plan_to_sit_in_the_garage_with_the_car_running": "control",
    "e_plan_to_leave_the_car_running_in_the_garage": "control",
    "e_plan_to_drive_off_the_road_to_park_in_the_lake": "control",
    "e_set_herself_on_fire": "control",
    "e_set_herself_on_fire_with_gasoline": "control",
    "e_electrocuted_herself": "control",
    "e_poisoned_herself_with_rat_poison": "control",
    "e_cut_with_a_razor": "control",
    "e_afraid_she_might_kill_herself": "control",
    "e_worried_she_might_poison_herself": "control",
    "e_worried_she_will_burn_herself": "control",
    "e_wants_to_be_dead": "control",
    "e_intent_to_die": "control",
    "e_stated_intent_to_die": "control",
    "cn_MDD_intent_to_die": "control",
    "e_OD_x_3_days_today": "control",
}

QUIET = {
    # Finding 9.
    "e_plan_to_use_a_gun_lock": "fixed",
    "e_plan_to_use_his_gun_safe": "fixed",
    "cn_Safety_plan_plan_to_use_a_gun_lock_call_988_if_needed": "fixed",
    "e_plan_to_use_the_shotgun_for_duck_season": "fixed",
    "e_will_use_his_rifle_for_deer_season": "fixed",
    "e_plan_to_use_his_gun_at_the_range_this_weekend": "fixed",
    "e_plan_to_put_a_bag_over_her_head_in_the_rain": "fixed",
    "e_plan_to_leave_the_car_running_in_the_garage_to_warm_it_up": "fixed",
    "e_plan_to_drive_off_the_road_to_park_tonight": "fixed",
    # Finding 10; "burned herself cooking" (older) by the same `cooking$` row.
    "e_electrocuted_herself_on_the_toaster": "fixed",
    "e_electrocuted_himself_working_on_the_wiring": "fixed",
    "e_set_himself_on_fire_burning_brush_with_gasoline": "fixed",
    "e_lit_himself_on_fire_with_gasoline_starting_a_bonfire": "fixed",
    "e_poisoned_herself_eating_wild_mushrooms": "fixed",
    "e_cut_with_razor_wire_climbing_fence": "fixed",
    "e_cut_with_a_razor_blade_while_scraping_paint": "fixed",
    "e_burned_herself_cooking": "fixed",
    # Finding 11.
    "e_worried_her_phone_battery_will_be_dead": "fixed",
    "e_afraid_his_car_battery_will_be_dead": "fixed",
    "e_patient_is_afraid_she_will_be_dead_soon": "fixed",
    "e_afraid_she_will_burn_herself_cooking_dementia": "fixed",
    "e_worried_she_might_poison_herself_mixing_cleaning_chemicals": "fixed",
    "e_worried_baby_will_suffocate_himself_in_crib": "fixed",
    # Finding 12.
    "e_asked_about_intent_to_die_denies": "fixed",
    "e_asked_re_intent_to_die": "fixed",
    "e_assess_intent_to_die": "fixed",
    "e_Q_intent_to_die": "fixed",
    "e_does_she_have_intent_to_die": "fixed",
    "cn_MDD_asked_about_intent_to_die": "fixed",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
