"""Session 32 fix eye43 (recheck K31a): "OD" the right eye or once daily read as an overdose,
"hung herself" and "hang self" missed, and "none since" undoing a past act's year. Most charts
are the two-failed-trial chart of neg37 (e_Hx_SI_Plan_none) with its ED visit reason's text
changed; the reviewer's charts also put the text in a nursing flowsheet comment (o_) or a
problem-list Condition (c_). All 19 prefetch keys, as of 2026-12-01 (visit 2026-11-20). The
`FIXED` charts fail on 80af94f9 and pass here; the controls pass both.

1. NOISE: "OD" with a count, a month/day or a year ("Eye pain OD x3 days", "Cataract surgery OD
   11/18", "Metformin OD x2 weeks") was a critical overdose, TMS withheld, and with a past year
   ("Cataract OD 2019") the past-overdose warning. Fix od46 (recheck K32b) reads those rows
   ("od x2", data/self_harm_terms.csv) anywhere again and blanks the right eye and once daily as
   `lookalike` rows ("eye pain od", "cataract* od", "od x* day*"): eye43's whitelist of lead
   words missed "Tylenol OD x2". "OD x2", "History of SI, OD x2", "Pt OD x2", "h/o OD 2019" are
   still read; "Seen by Jane Smith, OD 11/18" (an optometrist) is a `lookalike`.
2. UNSAFE: "Hung herself", "Pt hung himself in closet", "found hanging" raised no card, nor did
   "plans to hang self", "wants to hang self", "thoughts of hanging self", "plans to shoot self".
   Controls: "hung up the phone", "hung out with friends", "hanging pictures", "found hanging out
   at the mall" (a `lookalike`: spending time, no hanging).
3. NOISE: "Cutting 2019, none since" was critical with no year: "since" after "none" is no
   present risk (stated_history_terms.csv `current_absent`); now the past-attempt warning (2019).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_FOLDER = Path(__file__).parent / "eye43_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # 1. Controls: "OD" opening its clause or after a history or subject word.
    "e_OD_x2": "control",
    "e_OD_11_18": "control",
    "e_OD_2026": "control",
    "e_Intentional_OD_x2": "control",
    "e_History_of_SI_OD_x2": "control",
    "e_Pt_OD_x2": "control",
    "e_ODd_last_night": "control",
    "e_Seen_by_psych_for_SI_OD_x2": "control",
    # 2. A hanging named as an act, or as what a plan or thought is of.
    "e_Hung_herself": "fixed",
    "e_Pt_hung_himself_in_closet": "fixed",
    "e_found_hanging": "fixed",
    "e_plans_to_hang_self": "fixed",
    "e_wants_to_hang_self": "fixed",
    "e_thoughts_of_hanging_self": "fixed",
    "e_plans_to_shoot_self": "fixed",
    "e_hanged_herself": "control",
    "e_plans_to_hang_herself": "control",
}

QUIET = {
    # 1. "OD" the right eye or once daily, in a visit reason, a flowsheet comment, a Condition.
    "e_Eye_pain_OD_x3_days": "fixed",
    "e_Stye_OD_x2_days": "fixed",
    "e_Cataract_surgery_OD_11_18": "fixed",
    "e_Avastin_injection_OD_11_18": "fixed",
    "e_Intravitreal_Eylea_OD_x3": "fixed",
    "e_Cataract_surgery_OD_2026": "fixed",
    "e_Ptosis_OD_x3_months": "fixed",
    "e_Seen_by_Jane_Smith_OD_11_18": "fixed",
    "e_Metformin_OD_x2_weeks": "fixed",
    "e_Levothyroxine_OD_x3_months": "fixed",
    "e_VA_OD_6_6": "fixed",
    "o_Eye_pain_OD_x3_days": "fixed",
    "o_Cataract_surgery_OD_11_18": "fixed",
    "c_Eye_pain_OD_x3_days": "fixed",
    "c_Conjunctivitis_OD_x_2_days": "fixed",
    # 1. With a past year: no past-overdose warning either.
    "e_Cataract_OD_2019": "fixed",
    "e_s_p_CE_IOL_OD_2019": "fixed",
    "e_Lasik_OD_2019": "fixed",
    "e_Glaucoma_OD_2020": "fixed",
    "e_VA_OD_20_20": "control",
    "e_Timolol_drops_OD_BID": "control",
    # 2. Other senses of hang.
    "e_hung_up_the_phone": "control",
    "e_hung_out_with_friends": "control",
    "e_hanging_pictures": "control",
    "e_found_hanging_out_at_the_mall": "control",
}

PAST = {
    # 3. A past act with its year and "none since": the past-attempt warning, TMS offered.
    "e_Cutting_2019__none_since": "2019",
    "e_OD_2019_none_since": "2019",
    "e_Cutting_2019": "2019",
    # 1. Controls: a past overdose after a history word or opening its clause.
    "e_h_o_OD_2019": "2019",
    "e_Prior_OD_2019": "2019",
    "e_denies_current_SI_OD_2015": "2015",
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
