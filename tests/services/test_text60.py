"""Session 35 fix text60: self-harm plan readings still quiet (session 34 leftovers).

- 1 (UNSAFE): a plan whose everyday step had nine or more words joined nothing: "plan to go to
  the hardware store down the street and buy a rope and hang himself", "plan to walk out to the
  middle of the bridge near her house and jump" were quiet, TMS offered. A step now reaches as
  far as its clause (no word cap: self_harm_ideation.step); the qualifier nearest the term
  governs it, so a denial of a later qualifier ("plan to go home and denies wanting to kill
  himself", "will go home ... and has no intent to kill himself", critical before) is read.
- 2 (UNSAFE): "plan in 2015 to hang himself, again last week" was quiet, TMS offered, and "plan
  in 2015 to overdose, and again last week" read as an overdose act: a `lead_time` phrase may
  stand after a qualifier's first word ("plan in 2015 to"); `past_plan_lead` "plan in" keeps
  "plan in 2015 to hang himself, none since" the past warning, as "In 2015 plan was to" is.
- 3 (WRONG): "plan to take all her meds at once" with a time of day was critical at night and
  quiet with breakfast or dinner: decided critical for every time of day (the safer error), only
  a `taken_adherence` phrase ("as prescribed") says the day's doses (test_text57 moved too).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text60_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

# name: ("fixed" or "control", the summary the critical card opens with)
CRITICAL = {
    # 1: a step of nine or more words.
    "e_plan_to_go_to_the_hardware_store_down_the_street_and_buy_a_rope_and_hang_himself": (
        "fixed",
        "",
    ),
    "e_plan_to_walk_out_to_the_middle_of_the_bridge_near_her_house_and_jump": ("fixed", ""),
    # 1: the later, undenied qualifier governs.
    "e_no_plan_to_go_to_work_and_thoughts_of_going_to_the_bridge_and_jumping": ("control", ""),
    # 2: a time inside the qualifier; a current word keeps a dated plan current.
    "cn_plan_in_2015_to_hang_himself_comma_again_last_week": ("fixed", "plan in 2015"),
    "e_plan_in_2015_to_hang_himself_comma_again_last_week": ("fixed", "plan in 2015"),
    "cn_plan_in_2015_to_overdose_comma_and_again_last_week": ("fixed", "plan in 2015"),
    "e_plan_last_week_to_hang_himself": ("fixed", "plan last week"),
    "cn_In_2015_plan_was_to_hang_himself_comma_again_last_week": ("control", "In 2015 plan"),
    # 3: a whole supply at once, any time of day.
    "e_plan_to_take_all_her_meds_at_once_with_dinner": ("fixed", "plan to take all her"),
    "e_plan_to_take_all_her_meds_at_once_at_bedtime": ("control", "plan to take all her"),
    "e_plan_to_take_all_her_meds_at_once_in_the_evening": ("control", "plan to take all her"),
    "e_took_all_her_meds_at_once_with_breakfast": ("control", "Overdose, intent not recorded"),
}

QUIET = {
    # 1: everyday plans name no method; denials.
    "e_plan_to_go_to_the_store_and_buy_groceries_and_then_go_home": "control",
    "e_plan_to_go_back_to_work_next_week_and_see_how_it_goes": "control",
    "e_plan_to_take_all_the_kids_to_school": "control",
    "e_denies_plan_to_go_home_and_kill_himself": "control",
    "e_plan_to_go_home_and_denies_wanting_to_kill_himself": "fixed",
    "e_Pt_will_go_home_with_family_and_has_no_intent_to_kill_himself": "fixed",
    # 2: a dated plan denied.
    "e_denies_plan_in_2015_to_hang_himself": "control",
    # 3: the day's doses.
    "e_plan_to_take_all_her_meds_at_once_with_breakfast_as_prescribed": "control",
    "e_plan_to_take_all_her_meds_at_bedtime": "control",
}

# 2: a plan stated as past: the warning that asks about current thoughts, TMS still offered.
WARNING = {
    "cn_plan_in_2015_to_hang_himself_comma_none_since": "fixed",
    "cn_In_2015_plan_was_to_hang_himself_comma_none_since": "control",
    "cn_plan_in_2015_to_overdose_comma_none_since": "fixed",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_with_its_wording_and_tms_withheld(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_critical_without_tms(cards, name)
    summary = cards[chart_files.RISK]["summary"]
    assert summary.startswith(CRITICAL[name][1]), (name, summary)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(WARNING))
def test_past_plan_is_the_past_warning(name: str) -> None:
    cards = _cards(name)
    card = cards.get(chart_files.RISK)
    assert card is not None and card["indicator"] == "warning", (name, card)
    assert card["summary"].endswith("ask about current thoughts"), (name, card["summary"])
    assert "past overdose" not in card["summary"], (name, card["summary"])
    assert chart_files.TMS in cards


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, WARNING)
