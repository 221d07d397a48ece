"""Session 39 fix text98 (review K62a findings 5, 6): noise of fix text94, critical with TMS held,
now quiet with TMS offered.

- A plan heading beside a suicide word whose answer opens with an open word and goes on to the
  treatment plan ("Denies SI. Plan: possible TMS referral", "Plan: pending labs", "Plan: maybe
  increase sertraline", "Plan: unknown, awaiting labs"): the treatment plan is read first
  (stated_open_heading.py). An open word that is the whole answer ("Plan? unknown", "at this
  time" after it), followed by words naming no treatment ("unknown, pt would not say") or a
  method ("unsure, maybe overdose, f/u") stays an open plan, critical. "C-SSRS negative. Plan: ?"
  stays critical (decision in stated_open_heading.py: the screener's plan questions are skipped
  when it is negative, so "?" is that question left open).
- The EPDS item 10's bare form with a time or unit after its digit ("EPDS 10: 2 weeks
  postpartum", "EPDS 10: 6 wks pp"): the total and when it was taken, no item answer
  (scale_suicide_items.item_leads). "EPDS 10: 3", "EPDS 10: 2, 6 wks pp" and the named item
  ("EPDS item 10: 2 weeks postpartum") stay critical.
Prefixes: e_ an ED visit's reason, cn_ a Condition's note.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text98_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

QUIET = {
    # An open word before the treatment plan.
    "e_Denies_SI_Plan_possible_TMS_referral": "fixed",
    "e_Denies_SI_Plan_pending_labs": "fixed",
    "e_SI_denies_Plan_maybe_increase_sertraline": "fixed",
    "e_Denies_SI_Plan_unclear_if_insurance_covers_TMS": "fixed",
    "e_Denies_SI_Plan_unknown_awaiting_labs": "fixed",
    "e_CSSRS_negative_Plan_pending_labs": "fixed",
    "cn_Denies_SI_Plan_possible_TMS_referral": "fixed",
    # The EPDS total with when it was taken.
    "e_EPDS_10_2_weeks_postpartum": "fixed",
    "e_EPDS_10_6_wks_pp": "fixed",
    "e_Edinburgh_10_1_month_postpartum": "fixed",
    "cn_EPDS_10_2_weeks_postpartum": "fixed",
}

CRITICAL = {
    # The nearest critical controls (critical before the fix too).
    "e_SI_denies_Plan_q_unknown": "control",
    "e_SI_denies_Plan_unknown": "control",
    "e_SI_denies_Intent_q_unsure": "control",
    "e_SI_denies_Plan_q_yes": "control",
    "e_SI_denies_Plan_q_unknown_at_this_time": "control",
    "e_SI_denies_Plan_unknown_pt_would_not_say": "control",
    "e_SI_denies_Plan_maybe": "control",
    "e_CSSRS_negative_Plan_q": "control",
    "e_SI_denies_Plan_unsure_maybe_overdose_f_u": "control",
    "e_EPDS_10_3": "control",
    "e_EPDS_10_2_6_wks_pp": "control",
    "e_EPDS_item_10_2_weeks_postpartum": "control",
    "cn_EPDS_10_3": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
