"""Session 33 fix text49c (recheck K35a finding 4 and text48b's open items): ED visit reasons
swapped into one chart whose only risk source is that reason (the Epic ED visit of
text48b_charts, visit on 2026-11-20, read on 2026-12-01). The `fixed` charts fail on e946b252
and pass here; the controls pass both.

1. UNSAFE: an undated history of overdose written "OD" was quiet, TMS offered ("hx of OD",
   "h/o OD", "prior OD", "pmh: OD", "Denies SI, h/o OD") while "h/o overdose" was critical:
   `event` rows "hx of od", "h/o od", ... (data/self_harm_terms.csv) read it as "h/o overdose".
   The eye and once-daily readings stay quiet: an eye word before "OD" is a `lookalike`, and one
   right after it ("h/o OD cataract surgery") is the right eye (od_lookalike.py), as is "OD"
   before an acuity or "right eye" (`lookalike` "od 20/*", "od right eye": "History: OD 20/40").
2. UNSAFE: "denies SI but has a plan", "denies SI however states he has a plan" were quiet: a
   `contrast` word and a `contrast_verb` after a denied SI open what the patient affirms, read as
   an informant's report after a denial is (stated_report.py); an everyday plan ("plans to go
   home", "plan for discharge", "planning a trip": `plan_benign_*` rows) stays quiet.
3. UNSAFE: an informant's report of a plan with no denial before it ("Mother: pt has plan",
   "wife reports he has a plan") was quiet: an `informant_risk` (a plan or intent) it affirms is
   SI with a plan; its other risks still need the denial ("mother reports pt attempted to call
   her" stays quiet).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = chart_files.RISK
TMS = chart_files.TMS
_FOLDER = Path(__file__).parent / "text49c_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # 1. An undated history of OD, read as "h/o overdose".
    "e_hx_of_OD": "fixed",
    "e_h_o_OD": "fixed",
    "e_history_of_OD": "fixed",
    "e_prior_OD": "fixed",
    "e_pmh_OD": "fixed",
    "e_PMH_significant_for_OD": "fixed",
    "e_Denies_SI_h_o_OD": "fixed",
    "e_h_o_overdose": "control",
    # 2. A plan after a contrast word following a denied SI.
    "e_denies_SI_but_has_a_plan": "fixed",
    "e_denies_SI_however_states_he_has_a_plan": "fixed",
    "e_Denies_SI_but_admits_plan_to_overdose": "control",
    # 3. An informant's report of a plan, no denial before it.
    "e_Mother_pt_has_plan": "fixed",
    "e_per_mother_pt_has_a_plan": "fixed",
    "e_wife_reports_he_has_a_plan": "fixed",
}

QUIET = {
    # 1. The eye and once-daily readings of "OD".
    "e_h_o_cataract_OD": "control",
    "e_hx_of_glaucoma_OD": "control",
    "e_metformin_OD": "control",
    "e_h_o_retinal_detachment_OD": "control",
    "e_h_o_OD_cataract_surgery": "control",
    "e_History_OD_20_40": "control",
    "e_hx_of_OD_right_eye": "control",
    # 2. An everyday plan after a denial.
    "e_Denies_SI_plans_to_go_home": "control",
    "e_denies_SI_planning_a_trip": "control",
    "e_denies_SI_but_has_a_plan_for_follow_up": "control",
    "e_denies_SI_but_has_a_plan_for_discharge": "control",
    "e_denies_SI_but_has_a_safety_plan": "control",
    # 3. An informant's everyday plan, denied plan, or other risk word with no denial.
    "e_Mother_pt_has_plans_to_go_to_college": "control",
    "e_Mother_reports_pt_has_no_plan": "control",
    "e_mother_reports_pt_attempted_to_call_her": "control",
}

PAST = {
    # 1. A dated overdose keeps the past-overdose warning with its year.
    "e_OD_in_2023": "2023",
    "e_h_o_OD_2018": "2018",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize(("name", "year"), sorted(PAST.items()))
def test_a_past_year_gives_the_past_warning(name: str, year: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "warning", card["summary"]
    assert f"({year})" in str(card["summary"]), card["summary"]
    assert TMS in cards


def test_every_chart_is_named() -> None:
    names = {p.stem for p in _FOLDER.glob("*.json")}
    assert names == set(CRITICAL) | set(QUIET) | set(PAST)
