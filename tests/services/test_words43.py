"""Session 32 fix words43: self-harm wordings missed by recheck K30a (findings 1, 3, 4, 5, 9; each
gave no suicide-risk card and offered TMS). The charts in words43_charts/ (all 19 prefetch keys:
`e_*` an Epic ED visit reason on 2026-11-20, `f_*` an Oracle flowsheet comment; as of 2026-12-01)
are the reviewer's where K30a wrote one, the rest made the same way. Rows of self_harm_terms.csv
and diagnosis_terms.csv (each says why), and one reader fix: the `preparatory` rows are read with
the same term rule as the other roles (self_harm_ideation.term_regex), so a `*` inside a term
("stockpil* meds", "hoard* * lithium") matches.

1. A plan, wish or threat to take a whole supply or to OD, with no "Plan:" heading: critical. A
   dosing instruction ("plans to take all her meds with food") is not read: the object must close
   its clause.
3. Methods with their own object (a height or a vehicle jumped from or before, a wrist slit, a
   reflexive "stabbed self", a ligature, a household poison): the self-harm card. Decision:
   "jumped off the bus and twisted ankle" stays silent. A jump reads as self-harm only from a
   height of ICD-10-CM X80 (bridge, roof, building, overpass, cliff, balcony, parking garage) or
   before a moving vehicle (X81); a bus step is a fall, the ankle the injury, and reading every
   jump would put a critical card on sport and stair falls. "Stood on the ledge" is an aborted
   attempt (C-SSRS), read as preparatory: critical.
4. OD with a date of this decade, a month/day or a count, "ODd" with when or what, a whole bottle,
   a count of one's own drug: the overdose card; "acting odd last night", "seemed odd on her meds"
   (lookalike rows: how ED reasons describe altered behaviour) silent. "OD 2019" (an earlier year) is left to
   stated_history (text42).
5. Stockpiling, hoarding and saving one's own pills or a named drug: critical; "hoarding
   disorder", "saving money", "stockpiling groceries" silent.
9. Passive wishes and lethality inquiries in other words, misspelt "suicidal": critical.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_cards = chart_files.topic_reader(Path(__file__).parent / "words43_charts", date(2026, 12, 1))

# Critical, the card of suicidal ideation with a plan or preparatory behaviour.
IDEATION = [
    # 1. Plans, wishes and threats.
    "e_plans_to_take_all_her_lithium",
    "e_Plan_to_take_all_my_pills",
    "e_wants_to_take_all_her_pills",
    "e_wants_to_OD",
    "e_threatened_to_take_all_her_pills",
    "e_planning_to_take_all_her_pills",
    "e_Intends_to_take_all_of_her_pills",
    "e_thinking_of_taking_all_her_pills",
    "e_thoughts_of_taking_all_her_pills",
    "e_threatening_to_OD",
    "e_said_she_would_take_all_her_pills",
    "e_Plans_to_OD",
    "e_plan_to_take_all_pills",
    "f_plans_to_take_all_her_lithium",
    # 3. An aborted attempt.
    "e_stood_on_the_ledge",
    # 5. Preparatory behaviour.
    "e_Stock_piling_pills",
    "e_stock_piling_pills",
    "e_hoarding_lithium",
    "e_hoarding_her_sertraline",
    "e_Pt_hoarding_meds",
    "e_saving_pills",
    "e_saving_up_her_lithium",
    "e_hording_pills",
    "f_Stock_piling_pills",
    # 9. Passive wishes, lethality inquiries, misspellings.
    "e_Doesnt_want_to_wake_up",
    "e_wants_to_be_w_deceased_husband",
    "e_wants_to_be_with_her_dead_mom",
    "e_asked_how_many_tylenol_it_takes_to_die",
    "e_googled_how_much_tylenol_is_lethal",
    "e_sucidal",
    "e_suicidial_ideation",
    "f_sucidal",
]

# 3. The self-harm card ("Self-harm or suicide attempt").
ACT = [
    "e_Jumped_off_bridge",
    "e_jumped_off_roof",
    "e_Slit_wrists",
    "e_stabbed_self",
    "e_shot_self",
    "e_strangled_herself",
    "e_jumped_from_bridge",
    "e_jumped_in_front_of_car",
    "e_jumped_into_river",
    "e_attempted_to_jump_off_bridge",
    "e_belt_around_neck",
    "e_choked_herself_with_a_belt",
    "e_drinking_bleach_last_night",
    "e_ingested_windshield_washer_fluid",
    "f_Jumped_off_bridge",
]

# 4. The overdose card.
OVERDOSE = [
    "e_ODd_last_night",
    "e_ODd_on_tylenol",
    "e_OD_2026",
    "e_OD_in_2026",
    "e_OD_11_18",
    "e_OD_x2",
    "e_took_entire_bottle_of_tylenol",
    "e_took_20_of_her_lithium",
    "e_ingested_20_tylenol",
]

# No suicide-risk card: dosing, another meaning of the words, an injury, a living husband.
SILENT = [
    "e_plans_to_take_all_her_meds_with_food",
    "e_take_all_pills_in_the_morning",
    "e_jumped_off_the_bus_and_twisted_ankle",
    "e_shot_flu_shot",
    "e_stabbing_chest_pain",
    "e_choked_on_food",
    "e_odd_behavior",
    "e_ODD_oppositional_defiant_disorder",
    "e_took_2_tylenol_for_headache",
    "e_took_3_tylenol_for_headache",
    "e_took_3_of_her_kids_to_school",
    "e_Vision_worse_OD",
    "e_Vision_OD_20_40",
    "e_Pt_acting_odd_today",
    # Lead's follow-up: everyday words before "odd" are lookalike rows, blanked.
    "e_Pt_acting_odd_last_night",
    "e_seemed_odd_on_her_meds",
    "e_hoarding_disorder",
    "e_saving_money",
    "e_stockpiling_groceries",
    "e_stockpiling_canned_food",
    "e_Doesn_t_want_to_wake_up_early_for_work",
    "e_Wants_to_be_with_her_husband",
    "f_hoarding_disorder",
    "f_odd_behavior",
    "f_plans_to_take_all_her_meds_with_food",
]


def _critical(name: str) -> dict[str, object]:
    found = _cards(name)
    card = found.get(RISK)
    assert card is not None and card["indicator"] == "critical", name
    # A critical suicide-risk card withholds the TMS referral (K30a: "TMS offered").
    assert TMS not in found, name
    return dict(card)


@pytest.mark.parametrize("name", IDEATION)
def test_ideation_critical(name: str) -> None:
    _critical(name)


@pytest.mark.parametrize("name", ACT)
def test_act_self_harm_card(name: str) -> None:
    summary = str(_critical(name)["summary"])
    assert name.startswith("f_") or summary.startswith("Self-harm or suicide attempt"), summary


@pytest.mark.parametrize("name", OVERDOSE)
def test_overdose_card(name: str) -> None:
    summary = str(_critical(name)["summary"])
    assert summary.startswith("Overdose"), summary


@pytest.mark.parametrize("name", [*OVERDOSE, "f_ODd_last_night", "f_took_entire_bottle_of_tylenol"])
def test_overdose_critical(name: str) -> None:
    _critical(name)


@pytest.mark.parametrize("name", SILENT)
def test_silent(name: str) -> None:
    assert RISK not in _cards(name), name
