"""Recheck K33 s32 findings 2, 3, 7 (fix od47): od46's OD rows, row by row.

2. UNSAFE: od46's `lookalike` rows "od x* day*", "od x* week*" (once daily, or how long an eye
   complaint lasted) blanked "OD x2 days" inside "Intentional OD x2 days ago" and "Tylenol OD x1
   week ago", so the overdose was never read and TMS was offered. The rows now close their
   clause ("$"): "Metformin OD x2 weeks", "Stye OD x2 days, worse" stay quiet, "... ago" is read.
3. UNSAFE: "OD 2 days ago", "Pt took OD 3 days ago", "Pt took OD" raised nothing while "Overdose
   2 days ago" and "OD yesterday" were critical: `event` rows "od * days ago", "took od"...
7. NOISE: eye words od46's list lacked ("Blepharitis OD x2", "Macular hole OD 11/18",
   "Latanoprost OD x3"; "retinal tear OD 2019", "CRVO OD 2019" a past-overdose warning): more
   `lookalike` rows by stem right before "OD" ("blephar* od", "retin* od", "tear od"...); a drug
   of overdose before "OD" stays read ("Tylenol OD x2", "Heroin OD").
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_FOLDER = Path(__file__).parent / "od47_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # 2. A count and a unit of time followed by "ago": an overdose dated, not once daily.
    "e_Intentional_OD_x2_days_ago": "fixed",
    "e_Tylenol_OD_x1_week_ago": "fixed",
    "e_s_p_OD_x2_weeks_ago_on_sertraline": "fixed",
    "e_OD_x2_days_ago": "fixed",
    "e_OD_x_3_days_ago": "fixed",
    # 3. "OD" dated by "ago", or taken.
    "e_OD_2_days_ago": "fixed",
    "e_Pt_took_OD_3_days_ago": "fixed",
    "e_Pt_took_OD": "fixed",
    "e_Pt_took_an_OD_of_tylenol": "fixed",
    # Controls: read before and after.
    "e_Overdose_2_days_ago": "control",
    "e_OD_yesterday": "control",
    "e_Tylenol_OD": "control",
    "e_Tylenol_OD_x2": "control",
    "e_Heroin_OD": "control",
    "e_Heroin_OD_2_days_ago": "control",
}

QUIET = {
    # 7. An eye word right before "OD": the right eye.
    "e_Blepharitis_OD_x2": "fixed",
    "e_Blepharitis_OD_11_18": "fixed",
    "e_macular_degeneration_OD_x3_injections": "fixed",
    "e_Keratitis_OD_x2": "fixed",
    "e_Vitreous_hemorrhage_OD_11_18": "fixed",
    "e_Macular_hole_OD_11_18": "fixed",
    "e_Photopsia_OD_x2": "fixed",
    "e_Visual_field_defect_OD_x2": "fixed",
    "e_Latanoprost_OD_x3": "fixed",
    "e_Prednisolone_OD_11_18": "fixed",
    "e_retinal_tear_OD_2019": "fixed",
    "e_Pterygium_OD_2019": "fixed",
    "e_CRVO_OD_2019": "fixed",
    "e_Timolol_OD_2019": "fixed",
    "e_Proptosis_OD_2019": "fixed",
    # Controls: once daily or how long, closing the clause; eye words od46 listed.
    "e_Eye_pain_OD_x3_days": "control",
    "e_Stye_OD_x2_days_worse": "control",
    "e_Metformin_OD_x2_weeks": "control",
    "e_Sertraline_OD_x2_wks": "control",
    "e_Dry_eye_OD_x2": "control",
    "e_Dexamethasone_drops_OD_x2": "control",
    "e_Chalazion_OD_11_18": "control",
    "e_Corneal_abrasion_OD_11_18": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_critical_without_tms(cards, name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)


def test_every_chart_is_named() -> None:
    names = {p.stem for p in _FOLDER.glob("*.json")}
    assert names == set(CRITICAL) | set(QUIET)
