"""Session 40 fix tms57 (review K63a findings 1, 2, 3, 6, 7 and "Elevated ICP" in 11).

- Finding 1 (UNSAFE): a Procedure coded CPT 61697-61703 (surgery of an intracranial aneurysm:
  the clip), code alone or with the AMA title, gave a one-click TMS referral; now held
  (tms_safety_codes.csv). CPT 61624 (CNS embolisation) and "AVM embolization" are screened.
- Finding 2 (UNSAFE): metal in the eye, orbit or skull as written ("Metal shavings in eye",
  "Ocular foreign body, metallic", "Bullet in skull", H05.51 "Retained (old) foreign body ...
  orbit") gave a one-click referral; now held: H05.5 family, and a fragment word beside a head or
  eye word in one clause (head_metal.py, data/tms_head_metal_words.csv).
- Finding 3 (UNSAFE): "Retained bullet fragment in brain" was only a caution whose card said "no
  metal or stimulator in or near the head recognised"; now held by the same rule, and a fragment
  to screen ("Shrapnel in neck") makes that line say metal is on record (tms_referral_criteria).
- Findings 6, 7, 11: implanted drug pumps (CPT 62360-62362, Z45.1, "intrathecal baclofen pump"),
  pacemaker / ICD shorthand and CPT 33206-33249 code only, "Elevated ICP": screened.
- Controls: "Shrapnel in neck" stays a caution (its wording changes), "Intraocular foreign body"
  stays held, a plain chart, "Foreign body sensation in eye", "No metal in eye" and an "ICD-10"
  in text stay one-click.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "tms57_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_OPTIMISE = "optimize-switch-augment"
_SCREEN = "TMS safety screen required"
_NO_METAL = "no metal or stimulator in or near the head recognised"

HELD = {
    "h_Procedure_CPT_61700_code_only": "fixed",
    "h_Procedure_CPT_61697_with_display": "fixed",
    "h_Metal_worker_with_orbital_foreign_body": "fixed",
    "h_Metal_shavings_in_eye": "fixed",
    "h_MRI_contraindicated_metal_in_eye": "fixed",
    "h_Ocular_foreign_body_metallic": "fixed",
    "h_Bullet_in_skull": "fixed",
    "h_GSW_to_head_with_retained_fragments": "fixed",
    "h_H05_51_retained_old_foreign_body_right_orbit": "fixed",
    "h_Retained_bullet_fragment_in_brain": "fixed",
    "h_Bullet_fragments_in_head_from_GSW_2009": "fixed",
    "h_Intraorbital_metallic_foreign_body": "fixed",
    "h_Device_Retained_metallic_foreign_body_in_left_orbit": "fixed",
    "h_Intraocular_foreign_body": "control",
}

SCREENED = {
    "s_Procedure_CPT_61624_embolization": "fixed",
    "s_AVM_embolization_2018": "fixed",
    "s_Device_Implantable_infusion_pump": "fixed",
    "s_Device_Intrathecal_baclofen_pump": "fixed",
    "s_Procedure_CPT_62362_code_only": "fixed",
    "s_Z45_1_infusion_pump": "fixed",
    "s_S_p_PPM_placement_2021": "fixed",
    "s_AICD_in_situ": "fixed",
    "s_Procedure_CPT_33208_code_only": "fixed",
    "s_Procedure_CPT_33249_code_only": "fixed",
    "s_Elevated_ICP": "fixed",
    "s_Shrapnel_in_neck": "control: stays a caution; its criterion line fixed",
}

QUIET = {
    "q_Plain_chart": "control",
    "q_Foreign_body_sensation_in_eye": "control",
    "q_No_metal_in_eye": "control",
    "q_ICD_10_codes_reviewed": "control",
}


def _tms_detail(cards: dict[str, Any]) -> str:
    detail: str = cards[chart_files.TMS]["detail"]
    return detail


@pytest.mark.parametrize("name", sorted(HELD))
def test_metal_or_clip_in_the_head_holds_tms(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert chart_files.RISK not in cards, name
    assert "Why no TMS referral:** contraindication" in cards[_OPTIMISE]["detail"], name


@pytest.mark.parametrize("name", sorted(SCREENED))
def test_implant_to_screen_is_named_on_the_card(name: str) -> None:
    cards = _cards(name)
    assert chart_files.RISK not in cards, name
    assert _SCREEN in _tms_detail(cards), name


def test_fragment_to_screen_is_never_cleared_as_no_metal() -> None:
    detail = _tms_detail(_cards("s_Shrapnel_in_neck"))
    assert "Shrapnel in neck" in detail
    assert _NO_METAL not in detail
    assert "metal or a foreign body is on record, its site to screen" in detail


def test_other_cautions_keep_the_no_metal_line() -> None:
    assert _NO_METAL in _tms_detail(_cards("s_Elevated_ICP"))


@pytest.mark.parametrize("name", sorted(QUIET))
def test_plain_chart_stays_one_click(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)
    assert _SCREEN not in _tms_detail(cards), name


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, HELD, SCREENED, QUIET)
