"""Session 42 leftovers of text109, fix text110.
- A plain denial contradicted by the next sentence opening with a time lead word and the finding
  or a plan ("Denies SI. Today with plan", "denies SI. today + plan") was quiet, TMS offered:
  prefix_undone._plainly_contradicted. "Today here for refill", "Today denies plan", a plan
  heading or an everyday plan stay denials.
- "SH" among history headings ("MDD, SH, FH reviewed") raised the critical card: it is the
  social history (harm_abbreviations._history_headings); "Depression, SH", "MDD; SH" stay
  self-harm items.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text110_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_Denies_SI_Today_with_plan": "fixed",
    "e_Denies_SI_Now_with_plan": "fixed",
    "e_denies_SI_today_plan": "fixed",
    "e_No_SI_Today_with_plan": "fixed",
    "e_Denies_SI_Now_passive_SI": "control",
    "e_Depression_SH": "control",
    "e_MDD_SH": "control",
    "e_MDD_SH_PTSD": "control",
}

QUIET = {
    "e_MDD_SH_FH_reviewed": "fixed",
    "e_MDD_SH_FH_noncontributory": "fixed",
    "e_PMH_PSH_SH_FH_reviewed": "control",
    "e_HPI_ROS_SH_reviewed": "control",
    "e_Denies_SI_Today_here_for_refill": "control",
    "e_Denies_SI_Today_denies_plan": "control",
    "e_Denies_SI_Plan_f_u_4_wks": "control",
    "e_Denies_SI_Today_plan_for_discharge": "control",
    "e_Denies_SI_Today_plan_f_u_4_wks": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
