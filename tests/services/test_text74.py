"""Session 36 fix text74: noise text68 brought in, found by recheck K52a (findings 7-10, 4).

- Finding 7: the -ing `ideation_object` rows ("harming herself") met fix neg44's rule that an item
  after a comma or "and" is a statement of its own, so ROS denial templates ("Denies SI/HI and
  thoughts of harming self or others", "Denies HI, AVH, thoughts of harming herself") went
  critical. "thoughts of harming/hurting/injuring herself ..." and "others" are `list_follow`
  checklist items (text_negations.csv), as "thoughts of harming self" was. Decision: "denies HI,
  thoughts of harming herself" is quiet too (text68's chart reversed): the same shape as the
  templates and as "Denies SI, thoughts or plans to hurt herself", decided quiet before (test_k49).
- Finding 8: an answered EPDS item 10 ("The thought of harming myself has occurred to me: Never")
  is blanked before the self-harm words are read (quoted_answer.blank_answered_items).
- Finding 9: "saving/stashing her <drug>" reads only with the drug closing its clause: a purpose
  or place after it ("for flights", "in the fridge") is ordinary keeping. Decision: "saving her
  seroquel for bedtime" is quiet (text68's chart reversed, as "for panic attacks"); "saving her
  seroquel" and "saving her ibuprofen" stay critical (no use stated, as "saving her pills").
  "stash of <drug>" is read ("keeps a stash of xanax").
- Finding 10: "whole/entire week/month of" is cancelled by an adherence phrase ("as prescribed")
  unless an at-once phrase stands beside it.
- Finding 4: "Dec 2020 OD, again today", "In 2020 OD, again today", "2020: OD, again today",
  "OD again", "OD, unknown substance" are read (`od_dated`, `od_visit` rows).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text74_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Finding 4 (quiet, TMS offered, before).
    "e_Dec_2020_OD_again_today": "fixed",
    "e_In_2020_OD_again_today": "fixed",
    "e_2020_OD_again_today": "fixed",
    "e_OD_again": "fixed",
    "e_OD_unknown_substance": "fixed",
    "e_keeps_a_stash_of_xanax": "fixed",
    # Controls: a self-harm thought stated, a hoarding verb, a whole period taken.
    "e_thoughts_of_harming_herself": "control",
    "e_denies_HI_reports_thoughts_of_harming_herself": "control",
    "e_denies_SI_thoughts_of_harming_herself_last_night": "control",
    "e_The_thought_of_harming_myself_has_occurred_to_me_Sometimes": "control",
    "e_saving_up_her_seroquel": "control",
    "e_hoarding_her_seroquel": "control",
    "e_stockpiling_his_trazodone": "control",
    "e_saving_her_seroquel": "control",
    "e_saving_her_ibuprofen": "control",
    "e_took_her_whole_week_of_pills": "control",
    "e_took_her_whole_week_of_pills_at_once_as_prescribed": "control",
}

QUIET = {
    # Finding 7 (critical, TMS withheld, before).
    "e_Denies_SI_HI_and_thoughts_of_harming_self_or_others": "fixed",
    "e_Pt_denies_SI_and_thoughts_of_harming_herself": "fixed",
    "e_denies_SI_HI_and_thoughts_of_hurting_herself": "fixed",
    "e_Denies_SI_HI_thoughts_of_harming_self_others": "fixed",
    "e_denies_SI_thoughts_of_harming_herself_or_others": "fixed",
    "e_Denies_HI_AVH_thoughts_of_harming_herself": "fixed",
    "e_Denies_hallucinations_and_thoughts_of_harming_herself": "fixed",
    "e_denies_HI_thoughts_of_harming_herself": "fixed",
    # Finding 8.
    "e_The_thought_of_harming_myself_has_occurred_to_me_Never": "fixed",
    "e_The_thought_of_harming_myself_has_occurred_to_me_0": "fixed",
    "e_EPDS_item_10_The_thought_of_harming_myself_has_occurred_to_me_Never": "fixed",
    "e_EPDS_Q10_The_thought_of_harming_myself_has_occurred_to_me_never": "fixed",
    # Finding 9.
    "e_stashing_her_insulin_in_the_fridge": "fixed",
    "e_stashed_her_lithium_in_her_purse": "fixed",
    "e_stashed_her_pills_in_her_purse": "fixed",
    "e_saving_her_lorazepam_for_flights": "fixed",
    "e_saving_her_xanax_for_panic_attacks": "fixed",
    "e_saving_his_oxycodone_for_bad_pain_days": "fixed",
    "e_saving_her_seroquel_for_bedtime": "fixed",
    # Finding 10.
    "e_took_her_whole_week_of_pills_as_prescribed": "fixed",
    "e_took_her_entire_month_of_lithium_as_prescribed": "fixed",
    "e_Denies_SI_thoughts_or_plans_to_hurt_herself": "control",
    "e_took_a_week_of_antibiotics": "control",
    "e_IOP_elevated_OD_again": "control",
    "e_saving_up_for_a_car": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
