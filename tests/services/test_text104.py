"""Session 41 recheck K66a findings 1-3 (fix text104).

- Finding 1 (UNSAFE, new with text103's `prefix` 'negative', older with 'neg'): words after a
  prefix denial that undo or limit it ("positive on repeat", "until today", "plan", "passive",
  "now endorses") end the denial (prefix_undone.py); "Negative SI/HI/AH/VH", "neg SI/HI", "Neg
  SI/HI, no plan", "Negative SI today" stay denials.
- Finding 2 (UNSAFE, older vocabulary): preparatory acts of C-SSRS item 6 (a noose, a rope
  readied, a note left for the family, a gun at home with a plan) and swallowed foreign bodies
  (ICD-10-CM T18) after "Denies SI/HI," are self_harm_terms.csv rows; "rope swing accident",
  "note from school", "jump rope" name none.
- Finding 3: "w5150", "consider 5150", "placed on a legal hold", Massachusetts "Section 12(a)",
  "on section 12" are holds (psych_hold_terms.csv); a bare "section 12 of form" is none.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text104_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Finding 1: quiet with TMS offered before the fix.
    "e_Negative_SI_sl_HI_screen_c_positive_on_repeat": "fixed",
    "e_Negative_SI_until_today": "fixed",
    "e_Negative_SI_HI_plan": "fixed",
    "e_negative_SI_passive": "fixed",
    "e_Neg_SI_until_today": "fixed",
    "e_neg_SI_passive": "fixed",
    "e_Negative_SI_c_now_endorses": "fixed",
    # Finding 2.
    "e_Denies_SI_sl_HI_c_noose_in_room": "fixed",
    "e_Negative_SI_sl_HI_c_found_with_noose": "fixed",
    "e_Denies_SI_sl_HI_c_note_left_for_family": "fixed",
    "e_Negative_SI_sl_HI_c_rope_in_car": "fixed",
    "e_Denies_SI_sl_HI_c_swallowed_batteries": "fixed",
    "e_Denies_SI_sl_HI_c_gun_at_home_c_plans_to_use_it": "fixed",
    # Finding 3.
    "e_w5150": "fixed",
    "e_consider_5150": "fixed",
    "e_placed_on_a_legal_hold": "fixed",
    "e_Section_12_a": "fixed",
    "e_on_section_12": "fixed",
}

QUIET = {
    # Controls, quiet before and after: plain prefix denials, a denied plan or noose, and
    # words that share a term's word but name no self-harm or hold.
    "e_Negative_SI_sl_HI_sl_AH_sl_VH": "control",
    "e_neg_SI_sl_HI": "control",
    "e_Neg_SI_sl_HI_c_no_plan": "control",
    "e_Negative_SI_today": "control",
    "e_rope_swing_accident": "control",
    "e_note_from_school": "control",
    "e_jump_rope": "control",
    "e_Denies_SI_sl_HI_c_no_noose": "control",
    "e_section_12_of_form": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
