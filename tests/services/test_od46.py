"""Recheck K32b s32 findings 1, 4, 6, 7 (fix od46): eye43's OD rule dropped real overdoses.

1. UNSAFE: eye43 read "OD" with a count, a month/day or a year ("OD x2", "OD 11/18", "OD 2019")
   only opening its clause or after a `clause_lead` word, so a drug name before it ("Tylenol OD
   x2", "Heroin OD x2", "Seroquel OD 11/25", "opioid OD 2019") raised nothing and TMS was offered.
   Those rows read anywhere again; the right eye and once daily are `lookalike` rows blanked
   before reading (an eye word right before "OD": "Floaters OD 11/18", "Glaucoma OD 2019"; "OD x2
   weeks", a count with a unit of time: once daily, "Metformin OD x2 weeks", "Tylenol OD x2
   weeks"). eye43's own charts (test_eye43.py) keep their readings.
6. UNSAFE: "Heroin OD", "Multiple ODs", "2 prior ODs" raised nothing: the plural and a substance
   of overdose before a bare "OD" are read ("Lithium OD" alone stays unread: lithium is dosed
   once daily).
4. UNSAFE: "urges to cut daily", "thoughts of cutting daily" were no ideation ("cut$" needs the
   clause to close) and "none recently" blanked the present ("Cutting 2019, none recently but
   urges daily" the past warning only): the `ideation_object` rows "cut daily", "cutting daily",
   "cut again"...; the `current_absent` row "none recent*" is gone ("recently" a present word
   again, the safer mistake); "urges to cut down" stays quiet.
7. NOISE: "Found hanging around the ED" was a hanging: "hanging around" before a place word is a
   `lookalike` row; "Pt found hanging around 3am" stays read (the safer mistake).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_FOLDER = Path(__file__).parent / "od46_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # 1. A drug or a word before "OD" with a count or a month/day.
    "e_Tylenol_OD_x2": "fixed",
    "e_Intentional_tylenol_OD_11_18": "fixed",
    "e_Heroin_OD_x2": "fixed",
    "e_Seroquel_OD_11_25": "fixed",
    "e_Lithium_OD_x2": "fixed",
    "e_Recurrent_OD_x2": "fixed",
    "e_Pt_took_OD_11_18": "fixed",
    "e_Fentanyl_OD_x2": "fixed",
    "e_Acetaminophen_OD_11_18": "fixed",
    "e_Pt_with_tylenol_OD_x2": "fixed",
    # 6. A substance before a bare "OD"; the plural.
    "e_Heroin_OD": "fixed",
    "e_Multiple_ODs": "fixed",
    "e_2_prior_ODs": "fixed",
    # 4. Urges or thoughts of cutting with how often, beside a past act.
    "e_Cutting_2019_none_recently_but_urges_daily": "fixed",
    "e_Cutting_2019_none_since_urges_to_cut_daily": "fixed",
    "e_Cutting_2019_none_since_thoughts_of_cutting_daily": "fixed",
    "e_Urges_to_cut_daily": "fixed",
    "e_Thoughts_of_cutting_daily": "fixed",
    # 7. Controls: a hanging.
    "e_Pt_found_hanging_around_3am": "control",
    "e_Found_hanging_in_closet": "control",
}

QUIET = {
    # 7. Loitering.
    "e_Found_hanging_around_the_ED": "fixed",
    "e_Pt_found_hanging_around_outside_ER": "fixed",
    # Controls: once daily, the right eye, cutting down.
    "e_Metformin_OD_x2_weeks": "control",
    "e_Tylenol_OD_x2_weeks": "control",
    "e_Eye_pain_OD_x_2_weeks": "control",
    "e_Floaters_OD_11_18": "control",
    "e_Glaucoma_OD_2019": "control",
    "e_Lithium_OD": "control",
    "e_Urges_to_cut_down": "control",
}

PAST = {
    # 1. A drug before "OD" with a past year: the past-overdose warning.
    "e_opioid_OD_2019": "2019",
    "e_Benzo_OD_2024": "2024",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_critical_without_tms(cards, name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)


@pytest.mark.parametrize(("name", "year"), sorted(PAST.items()))
def test_a_past_year_gives_the_past_attempt_warning(name: str, year: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "warning", card["summary"]
    assert f"({year})" in str(card["summary"]), card["summary"]
    assert TMS in cards


def test_every_chart_is_named() -> None:
    names = {p.stem for p in _FOLDER.glob("*.json")}
    assert names == set(CRITICAL) | set(QUIET) | set(PAST)
