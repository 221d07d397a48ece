"""Session 41 recheck K68a finding 9 (lead fix): text104's prefix undo words made a review of
systems critical ("Neg SI/HI, positive for anxiety", "(-) SI/HI, + anxiety", "..., safety plan
reviewed", "..., passive smoker", "..., now sleeping better", "..., but tearful"). A prefix's
denial now ends only as text105 made a `pre` denial end (fhir_mapping/prefix_undone.py): an
opening word ("positive", "+", "but", "endorses") only with the finding named again, a listed
plan one more item denied, benign and safety plans blanked, "intent" never, a lead word ("now",
"today") only with the finding or another undo word after it in its clause. Every QUIET chart
was critical before this fix; the CRITICAL ones are text104's targets kept (controls).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "k68a_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_Negative_SI_c_now_endorses": "control",
    "e_Neg_SI_yesterday_c_today_with_plan": "control",
    "e_Negative_SI_screen_but_endorses_plan": "control",
    "e_neg_SI_sl_HI_w_sl_o_plan_c_pl_passive": "control",
    "e_Negative_for_HI_c_positive_SI": "control",
}

QUIET = {
    "e_Neg_SI_sl_HI_c_positive_for_anxiety": "fixed",
    "e_Negative_SI_sl_HI_c_pl_for_cough": "fixed",
    "e_neg_paren_SI_sl_HI_c_pl_anxiety": "fixed",
    "e_Neg_SI_sl_HI_c_pos_for_insomnia": "fixed",
    "e_Neg_SI_sl_HI_c_plan_col_return_to_work": "fixed",
    "e_Neg_SI_sl_HI_c_safety_plan_reviewed": "fixed",
    "e_Neg_SI_sl_HI_c_today_here_for_med_refill": "fixed",
    "e_Neg_SI_sl_HI_c_now_sleeping_better": "fixed",
    "e_Neg_SI_sl_HI_c_passive_smoker": "fixed",
    "e_Neg_SI_sl_HI_c_intent_to_quit_smoking": "fixed",
    "e_Neg_SI_sl_HI_c_endorses_anhedonia": "fixed",
    "e_Neg_SI_sl_HI_c_but_tearful": "fixed",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
