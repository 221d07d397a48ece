"""Session 37 recheck K57a findings 6, 8 and 10 (fix text86).

- Finding 8 (noise, text79): another scale's item 9 was read as the PHQ-9's ("QIDS item 9: 2",
  "GDS item 9: yes", "K10 item 9: 3", "PHQ-15 item 9: 1" critical): `other_screen` rows of
  screen_item_text.csv. BDI item 9 is the BDI's suicide item and stays critical (decided).
- Finding 6 (UNSAFE, text79): only the first written answer was read ("PHQ-9 item 9: 0 -> 2",
  "... 0 at intake, 3 on re-administration", "... answered 0, mother says 3" quiet, TMS offered):
  a later answer of the same item in its sentence is read (screen_item_text._later_positive).
  Dated answers ("PHQ-9 item 9: 2 in 2019") stay critical, as ideation with a year does.
- Finding 10 (noise, text80): "first attempt today at IV / ambulation / PO intake / weaning off
  vent" was critical: a care task (the session 36 "<task> attempted" lookalike rows) after "at"
  is that task's attempt (self_harm_context._bare_other); "first attempt today" alone stays.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text86_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Finding 6: a later positive answer of the same item.
    "e_PHQ_9_item_9_0_at_intake_3_on_re_administration": "fixed",
    "e_PHQ_9_item_9_0_2": "fixed",
    "e_PHQ_9_item_9_answered_0_mother_says_3": "fixed",
    "e_EPDS_item_10_never_later_2": "fixed",
    "e_ASQ_negative_positive_on_repeat": "fixed",
    # Controls: a positive item 9 (BDI's is its suicide item), dated answers (the safer error).
    "e_BDI_item_9_2": "control",
    "e_PHQ_9_item_9_2": "control",
    "e_item_9_2": "control",
    "e_K10_18_item_9_2": "control",
    "e_PHQ_9_item_9_2_in_2019": "control",
    "e_ASQ_positive_2019_negative_today": "control",
    # Finding 10 controls: no care task after "at", or another signal beside it.
    "e_first_attempt_today": "control",
    "e_first_attempt_today_at_home": "control",
    "e_first_attempt_today_at_IV_SI_with_plan": "control",
}

QUIET = {
    # Finding 8: another scale's item 9.
    "e_QIDS_item_9_2": "fixed",
    "e_GDS_item_9_yes": "fixed",
    "e_K10_item_9_3": "fixed",
    "e_PHQ_15_item_9_1": "fixed",
    "e_QIDS_SR_item_9_2": "fixed",
    "e_HDRS_item_9_2": "fixed",
    "e_MDQ_item_9_yes": "fixed",
    # Finding 10: a care task's first attempt.
    "e_first_attempt_today_at_IV": "fixed",
    "e_first_attempt_today_at_ambulation": "fixed",
    "e_first_attempt_today_at_PO_intake": "fixed",
    "e_first_attempt_today_at_weaning_off_vent": "fixed",
    # Controls: the lowest answer, later numbers that are no answer of the item.
    "e_PHQ_9_item_9_0": "control",
    "e_PHQ_9_item_9_0_total_14": "control",
    "e_PHQ_9_item_9_0_item_3_2": "control",
    "e_PHQ_9_item_9_0_at_week_2": "control",
    "e_PHQ_9_item_9_0_positive_for_anhedonia": "control",
    "e_ASQ_negative": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
