"""Session 31 fix words41: missed self-harm words and a common denial of recheck K29b (the
reviewer's charts in words41_charts/, all 19 prefetch keys: `e_*` an Epic visit reason, `f_*` an
Oracle flowsheet comment; as of 2026-12-01). Rows only (self_harm_terms.csv, diagnosis_terms.csv,
text_negations.csv; each row says why).

1. "SI: pt denies", "SI, HI: patient denies": the patient named before the checklist answer.
2. "OD" as a verb or with what or when ("Pt OD'd last night", "OD on tylenol", "OD last night",
   "OD, SI: denies"); "drops OD", "mg od" stay unread.
3. Ligature, head banging, scratching with an object, bleach, a jump from a floor.
4. Hoarding or saving one's own pills; asking or searching what would kill or be fatal. Stockpiling
   needs a drug, pill, medication, weapon or ammunition object or a possessive ("canned food",
   "supplies" are none); "would kill the pain" names no lethality.
5. Passive wishes (C-SSRS item 1): not waking up, being with a dead relative; "wake up so early"
   stays unread.
6. "pt made attempt yesterday", "patient has similar thoughts" after a relative's suicide, a count
   of pills taken after "did take".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
_cards = chart_files.topic_reader(Path(__file__).parent / "words41_charts", date(2026, 12, 1))


CRITICAL = [
    # 2. OD as an act.
    "e_OD_last_night",
    "e_Pt_OD_d_last_night",
    "e_Pt_ODed_last_night",
    "e_OD_on_tylenol",
    "e_Pt_OD_d_on_her_seroquel",
    "e_SI_HI_denies_OD_last_night",
    "e_OD_SI_denies",
    "e_Dad_OD_d_2020_and_pt_OD_d_last_night",
    "f_Pt_OD_d_last_night",
    # 3. Ligature and other self-injury.
    "e_Pt_found_with_cord_around_neck_in_bathroom",
    "e_Pt_tied_sheet_around_neck",
    "e_Pt_banging_head_against_wall",
    "e_Scratching_arms_with_paperclip",
    "e_Found_with_ligature_around_neck",
    "e_Attempted_hanging",
    "e_Drank_bleach",
    "e_Jumped_from_2nd_floor",
    # 4. Preparatory behaviour.
    "e_Hoarding_her_pills",
    "e_Hoarding_his_pills",
    "e_Hoarding_her_meds",
    "e_Saving_her_pills",
    "f_Hoarding_her_pills",
    "e_Asked_how_much_insulin_would_kill_her",
    "e_Asked_how_much_insulin_would_be_fatal",
    "e_Googled_how_many_tylenol_to_die",
    "e_Researching_lethal_doses_online",
    "e_Searching_online_for_ways_to_die",
    "e_Asked_how_many_pills_would_be_too_many",
    "e_Husband_found_pt_stockpiling_her_lithium",
    # 5. Passive wishes.
    "e_Would_rather_not_wake_up",
    "e_Doesn_t_care_if_she_wakes_up",
    "e_Doesn_t_want_to_wake_up",
    "e_Pt_states_she_doesn_t_want_to_wake_up",
    "e_Wish_to_not_wake_up",
    "e_Wants_to_be_with_her_husband_who_passed",
    "e_Wants_to_be_with_her_husband_who_passed_away",
    "e_Wishes_she_could_be_with_her_late_husband",
    "e_Wants_to_go_be_with_her_mom_in_heaven",
    # 6. The patient's own attempt or thoughts.
    "e_Mother_with_hx_of_SA_pt_made_attempt_yesterday",
    "e_Pt_made_attempt_yesterday",
    "e_Father_committed_suicide_patient_has_similar_thoughts",
    "e_SI_HI_cutting_denies_but_did_take_20_pills",
]

# No suicide-risk card at all: a denial, another meaning of OD, stockpiling no means, a pain.
SILENT = [
    "e_SI_pt_denies",
    "e_SI_patient_denies",
    "e_SI_HI_pt_denies",
    "e_SI_SIB_pt_denies",
    "f_SI_pt_denies",
    "e_Eye_exam_drops_OD",
    "e_mg_od",
    "e_Pt_stockpiling_canned_food",
    "e_Stockpiling_food_and_water",
    "e_Stockpiling_supplies",
    "e_Asked_how_many_pills_would_kill_the_pain",
    "e_Doesn_t_want_to_wake_up_so_early",
    "e_Friend_committed_suicide_last_month",
]


@pytest.mark.parametrize("name", CRITICAL)
def test_critical(name: str) -> None:
    card = _cards(name).get(RISK)
    assert card is not None and card["indicator"] == "critical", name


@pytest.mark.parametrize("name", SILENT)
def test_silent(name: str) -> None:
    assert RISK not in _cards(name), name
