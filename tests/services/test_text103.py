"""Session 41 fix text103 (session 40 leftovers): self-harm texts still quiet with TMS offered.

- An emergency psychiatric hold or a 1:1 observation in an ED visit's reason ("pt on 5150", "on
  5150 hold", "SI: denies. pt on 5150", "Baker Act", "PEC'd", "IVC'd by family", "involuntary
  hold", "pt on 1:1 sitter") was quiet, TMS offered: a current-risk signal of its own, critical, TMS
  held; the card's basis names the hold's grounds (danger to self or others, grave disability),
  never "suicidal" (fhir_mapping/psych_hold.py, data/psych_hold_terms.csv). "IVC" alone is the
  inferior vena cava and "5150" inside a number or an address is none ("IVC filter placed",
  "lot 5150", "5150 Main St" stay quiet).
- "SH" beside self-harm words ("SH attempt", "h/o SH", "SH yesterday", "SH" alone as the reason)
  and "ODing", "O.D." were quiet: spelled as read (fhir_mapping/harm_abbreviations.py); "SH: lives
  with wife, no tobacco" (the social-history heading) stays quiet.
- Noise: "Negative SI/HI/AH/VH", "Negative SI" gave the critical card while "Neg SI" was quiet:
  "negative" right before the items is a `prefix` denial as "neg" is (text_negations.csv); "Negative
  SI screen but endorses plan", "Negative for HI, positive SI" stay critical.
Prefixes: e_ an ED visit's reason, cn_ a Condition's note. The text of each chart is in its comment.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text103_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Quiet with TMS offered before the fix.
    "e_SI_col_denies_pt_on_5150": "fixed",  # 'SI: denies. pt on 5150'
    "e_pt_on_5150": "fixed",  # 'pt on 5150'
    "e_on_5150_hold": "fixed",  # 'on 5150 hold'
    "e_5150": "fixed",  # '5150'
    "e_5150_d_by_police": "fixed",  # "5150'd by police"
    "e_pt_on_1to1_sitter": "fixed",  # 'pt on 1:1 sitter'
    "e_1to1_sitter_for_safety": "fixed",  # '1:1 sitter for safety'
    "e_PEC_d": "fixed",  # "PEC'd"
    "e_IVC_d_by_family": "fixed",  # "IVC'd by family"
    "e_under_IVC_c_petitioned_by_mother": "fixed",  # 'under IVC, petitioned by mother'
    "e_involuntary_hold": "fixed",  # 'involuntary hold'
    "e_Baker_Act": "fixed",  # 'Baker Act'
    "e_psych_hold": "fixed",  # 'psych hold'
    "e_TDO": "fixed",  # 'TDO'
    "e_Hx_SI_2015_c_on_5150": "fixed",  # 'Hx SI 2015, on 5150'
    "e_SH": "fixed",  # 'SH'
    "e_SH_attempt": "fixed",  # 'SH attempt'
    "e_h_sl_o_SH": "fixed",  # 'h/o SH'
    "e_SH_yesterday": "fixed",  # 'SH yesterday'
    "e_ODing": "fixed",  # 'ODing'
    "e_ODing_on_tylenol": "fixed",  # 'ODing on tylenol'
    "e_O_D_on_tylenol": "fixed",  # 'O.D. on tylenol'
    "e_pt_O_D_d": "fixed",  # "pt O.D.'d"
    "cn_SH_attempt": "fixed",  # 'SH attempt'
    "cn_O_D_on_tylenol": "fixed",  # 'O.D. on tylenol'
    "e_SI_col_denies_c_SH_attempt": "fixed",  # 'SI: denies, SH attempt'
    # The nearest critical controls (critical before the fix too).
    "e_SH_by_cutting": "control",  # 'SH by cutting' ("cutting" read before)
    "e_OD_d_on_pills": "control",  # "OD'd on pills"
    "e_SH_sl_SI": "control",  # 'SH/SI'
    "e_suicide_precautions": "control",  # 'suicide precautions'
    "e_Negative_SI_screen_but_endorses_plan": "control",  # 'Negative SI screen but endorses plan'
    "e_neg_SI_sl_HI_c_pl_OD_today": "control",  # 'neg SI/HI, +OD today'
    "e_Negative_for_HI_c_positive_SI": "control",  # 'Negative for HI, positive SI'
    "e_Negative_SI_sl_HI_c_cutting_yesterday": "control",  # 'Negative SI/HI, cutting yesterday'
    "e_Negative_SI_sl_HI_c_on_5150": "control",  # 'Negative SI/HI, on 5150'
    "cn_Negative_for_HI_c_positive_SI": "control",  # 'Negative for HI, positive SI'
}

QUIET = {
    # Critical with TMS held before the fix.
    "e_Negative_SI_sl_HI_sl_AH_sl_VH": "fixed",  # 'Negative SI/HI/AH/VH'
    "e_Negative_SI": "fixed",  # 'Negative SI'
    "e_negative_SI_sl_HI_sl_AVH": "fixed",  # 'negative SI/HI/AVH'
    "cn_Negative_SI_sl_HI_sl_AH_sl_VH": "fixed",  # 'Negative SI/HI/AH/VH'
    # Controls, quiet before the fix too.
    "e_negative_for_SI_sl_HI": "control",  # 'negative for SI/HI'
    "e_Neg_SI": "control",  # 'Neg SI'
    "e_IVC_filter_placed": "control",  # 'IVC filter placed'
    "e_IVC_thrombus": "control",  # 'IVC thrombus'
    "e_IVC_collapsible_on_US": "control",  # 'IVC collapsible on US'
    "e_lot_5150": "control",  # 'lot 5150'
    "e_5150_Main_St": "control",  # '5150 Main St'
    "e_no_1to1_sitter_needed": "control",  # 'no 1:1 sitter needed'
    "e_pec_strain": "control",  # 'pec strain'
    "e_SH_col_lives_with_wife_c_no_tobacco": "control",  # 'SH: lives with wife, no tobacco'
    "e_SH_col_lives_alone": "control",  # 'SH: lives alone'
    "e_denies_SH": "control",  # 'denies SH'
    "e_blurry_vision_O_D": "control",  # 'blurry vision O.D.'
    "e_Firearms_at_home_q": "control",  # 'Firearms at home?'
    "cn_SH_col_lives_with_wife_c_no_tobacco": "control",  # 'SH: lives with wife, no tobacco'
}

# A hold's card names its grounds and claims no suicidal ideation (psych_hold.py).
_HOLDS = ("e_pt_on_5150", "e_Baker_Act", "e_pt_on_1to1_sitter", "e_IVC_d_by_family")


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize("name", _HOLDS)
def test_a_hold_names_its_grounds_not_suicidal(name: str) -> None:
    card = _cards(name)["suicide-risk"]
    assert "danger to self, danger to others or grave disability" in card["detail"]
    assert "suicidal" not in card["summary"].lower()


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
