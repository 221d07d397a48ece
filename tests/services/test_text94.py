"""Session 39 fix text94: self-harm texts quiet with TMS offered (UNSAFE), now critical with TMS
held.

- EPDS item 10 ("The thought of harming myself has occurred to me", 0-3, any answer above 0
  positive) written as a scale's suicide item (data/scale_suicide_items.csv EPDS row): the answer
  before the item with the scale after it ("scored 2 on item 10 of the EPDS", "item 10 on the
  EPDS: 1"), the item's number right after the scale's name with ":" or "=" ("EPDS 10: 3"), and
  the scale's longer names ("Edinburgh item 10 = 1", "Edinburgh Postnatal Depression Scale item
  10 = 2"), the scale's total before the item ("EPDS total 12, item 10: 1"). A total ("EPDS 10", "EPDS total 8"), an answer of 0, another scale's item 10 ("of the
  PCL-5") and the EPDS crying item 9 stay quiet.
- A question about a suicide note with no answer ("Suicide note?"): an open answer, as
  "unknown" (self_harm_subject._yes); "no" / "denies" stay quiet, an inquiry word before the
  phrase ("does she have intent to die?") stays a question asked.
- A plan or intent heading answered yes or left open in a reason that names suicide ("SI:
  denies. Plan? unknown", "SI: denies. Plan: yes": stated_open_heading.py). Without a suicide
  word ("Plan? unknown", "Plan? yes", "Plan: yes") the heading stays quiet: it may be the
  discharge or treatment plan.
Prefixes: e_ an ED visit's reason, cn_ a Condition's note.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text94_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # EPDS item 10 written as a scale's suicide item.
    "e_scored_2_on_item_10_of_the_EPDS": "fixed",
    "e_EPDS_10_3": "fixed",
    "e_Edinburgh_item_10_eq_1": "fixed",
    "e_item_10_on_the_EPDS_1": "fixed",
    "e_Edinburgh_Postnatal_Depression_Scale_item_10_eq_2": "fixed",
    "e_EPDS_total_12_item_10_1": "fixed",
    "cn_scored_2_on_item_10_of_the_EPDS": "fixed",
    "cn_EPDS_10_3": "fixed",
    # A suicide-note question with no answer.
    "e_Suicide_note_q_no_answer": "fixed",
    "e_Suicide_note_q_period_SI_denied": "fixed",
    "cn_Suicide_note_q_no_answer": "fixed",
    # A plan or intent affirmed or left open beside a suicide word.
    "e_SI_denies_Plan_q_unknown": "fixed",
    "e_SI_denies_Plan_unknown": "fixed",
    "e_SI_denies_Plan_q_yes": "fixed",
    "e_SI_denies_Plan_yes": "fixed",
    "e_SI_denies_Intent_q_unsure": "fixed",
    "cn_SI_denies_Plan_q_unknown": "fixed",
    # The nearest critical controls (critical before the fix too).
    "e_EPDS_q10_positive": "control",
    "e_EPDS_item_10_2": "control",
    "e_Suicide_note_q_unknown": "control",
    "e_Suicide_note_q_yes": "control",
}

QUIET = {
    "e_EPDS_item_10_0": "control",
    "e_EPDS_10_0": "control",
    "e_EPDS_10": "control",
    "e_EPDS_total_8": "control",
    "cn_EPDS_total_8": "control",
    "e_scored_0_on_item_10_of_the_EPDS": "control",
    "e_scored_2_on_item_10_of_the_PCL_5": "control",
    "e_scored_2_on_item_9_of_the_EPDS": "control",
    "e_Suicide_note_q_no": "control",
    "e_Suicide_note_q_denies": "control",
    "e_does_she_have_intent_to_die_q": "control",
    "e_Plan_q_unknown": "control",
    "e_Plan_q_yes": "control",
    "e_Plan_yes": "control",
    "e_SI_denies_Plan_q_no": "control",
    "e_SI_denies_Plan_f_u_2_weeks": "control",
    "e_SI_denies_Discharge_plan_q_unknown": "control",
    "e_no_SI_plan_yes_to_TMS": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
