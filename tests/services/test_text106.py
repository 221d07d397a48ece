"""Session 42 fix text106: denials undone by a later time, preparatory acts, "SH" after a diagnosis.

- A `pre` denial limited to an earlier time ("Denies SI yesterday, today with plan", "No SI last
  week, now with plan") covered the later clause too: quiet, TMS offered. A `pre_undo_time` word
  before a lead word ("today", "now", "currently") now lets the lead word undo it as a prefix's
  (prefix_undone.py); "Denies SI yesterday or today", "denies SI, today here for refill" stay.
- "denies plan but endorses passive thoughts": "passive thoughts" named no finding
  (diagnosis_terms.csv row).
- C-SSRS item 6 preparatory acts ("wrote will and gave away dog", "texted goodbye to ex", "said
  goodbye to family", "put affairs in order") were quiet: `preparatory` rows. "said goodbye to
  family at discharge", "updated will with lawyer for estate", charity clothes stay quiet.
- "Depression, SH", "MDD; SH" were quiet: "SH" as a list item after an `sh_listed` diagnosis is
  self-harm, as "h/o SH" is (harm_abbreviations.py); "SH: smoker" stays the social history.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text106_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # A time-limited `pre` denial, then a later clause with a finding.
    "e_Denies_SI_yesterday_today_with_plan": "fixed",
    "e_No_SI_last_week_now_with_plan": "fixed",
    "e_No_SI_last_week_currently_with_plan": "fixed",
    "e_Denies_SI_on_admission_now_endorses_SI": "kept",  # critical before too
    "cn_Denies_SI_yesterday_today_with_plan": "fixed",
    # An endorsement of passive thoughts after a denied plan.
    "e_denies_plan_but_endorses_passive_thoughts": "fixed",
    # Preparatory acts (C-SSRS item 6).
    "e_Neg_SI_HI_pt_wrote_will_and_gave_away_dog": "fixed",
    "cn_Neg_SI_HI_pt_wrote_will_and_gave_away_dog": "fixed",
    "e_texted_goodbye_to_ex": "fixed",
    "e_said_goodbye_to_family": "fixed",
    "e_put_affairs_in_order": "fixed",
    "e_Pt_put_her_affairs_in_order": "fixed",
    "e_sent_goodbye_texts_to_friends": "fixed",
    # "SH" as a diagnosis list's item.
    "e_Depression_SH": "fixed",
    "e_MDD_SH": "fixed",
    "e_PTSD_SH_anxiety": "fixed",
    "cn_MDD_SH": "fixed",
}

QUIET = {
    "e_Denies_SI_yesterday_or_today": "control",
    "cn_Denies_SI_yesterday_or_today": "control",
    "e_denies_SI_today_here_for_refill": "control",
    "e_Denies_SI_yesterday_today_here_for_refill": "control",
    "e_Denies_SI_yesterday_today_denies_plan": "control",
    "e_denies_SI_HI_endorses_anhedonia": "control",
    "e_denies_plan_denies_intent": "control",
    "e_no_SI_now_sleeping_better": "control",
    "e_updated_will_with_lawyer_for_estate": "control",
    "e_gave_away_old_clothes_to_charity": "control",
    "e_said_goodbye_to_family_at_discharge": "control",
    "e_denies_putting_affairs_in_order": "control",
    "e_SH_lives_alone": "control",
    "e_SH_smoker": "control",
    "e_Depression_SH_smoker": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
