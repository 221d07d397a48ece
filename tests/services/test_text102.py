"""Session 40 fix text102 (after text100): two small self-harm wordings.

- A plan heading joined to the denied ideation by "or" or "/" ("denies SI or plan unknown",
  "denies SI/plan unknown", "denies SI or ?plan"), or opening its clause with a conjunction after
  a list of screening items ("denies SI, or plan unclear", "denies SI, HI or plan unknown"), was
  quiet, TMS offered: read as "denies SI and plan unknown" is since text100
  (stated_open_heading.py `_JOIN`, `_opens_item`). A denied plan ("denies SI/plan") or the
  treatment plan ("denies SI or plan to f/u 2 wks") stays quiet.
- Noise: a denial written after the item with no colon ("SI denies", "Pt SI denies, HI denies",
  "SI/HI denies") gave the critical card while "SI: denies" was quiet: the `answer_bare` rows of
  text_negations.csv read it as "SI: denies" is, only right after the item (or a list of one-word
  items) and closing its clause. "SI mother denies", "SI with plan denies", "SI denies HI", "SI
  denies but has plan", "SI, denies HI" keep the SI; "SI denies, plan: overdose" and "SI denies
  but endorses passive death wish" stay critical by their own signal; only a screening item
  (`list_item`) is so answered: "Overdose denies", "Suicide attempt denies" keep the act. "HI denies, SI" (quiet
  before: the HI's answer reached the SI) is the HI's own answer (denial_scope.answers_item), as
  "HI: denies, SI" is since fix text73.
Prefixes: e_ an ED visit's reason, cn_ a Condition's note. The text of each chart is in its comment.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text102_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Quiet with TMS offered before the fix.
    "e_denies_SI_or_plan_unknown": "fixed",  # 'denies SI or plan unknown'
    "e_denies_SI_sl_plan_unknown": "fixed",  # 'denies SI/plan unknown'
    "e_denies_SI_c_or_plan_unclear": "fixed",  # 'denies SI, or plan unclear'
    "e_denies_SI_c_HI_or_plan_unknown": "fixed",  # 'denies SI, HI or plan unknown'
    "e_denies_SI_or_q_plan": "fixed",  # 'denies SI or ?plan'
    "e_HI_denies_c_SI": "fixed",  # 'HI denies, SI'
    "cn_denies_SI_or_plan_unknown": "fixed",  # 'denies SI or plan unknown'
    "cn_denies_SI_sl_plan_unknown": "fixed",  # 'denies SI/plan unknown'
    # The nearest critical controls (critical before the fix too).
    "e_denies_SI_and_plan_unknown": "control",  # 'denies SI and plan unknown'
    "e_SI_denies_but_endorses_passive_death_wish": "control",  # 'SI denies but endorses passive death wish'
    "e_SI_denies_c_plan_col_overdose": "control",  # 'SI denies, plan: overdose'
    "e_SI_c_denies_HI": "control",  # 'SI, denies HI'
    "e_SI_denies_HI": "control",  # 'SI denies HI'
    "e_SI_mother_denies": "control",  # 'SI mother denies'
    "e_SI_with_plan_denies": "control",  # 'SI with plan denies'
    "e_SI_denies_but_has_plan": "control",  # 'SI denies but has plan'
    "e_HI_col_denies_c_SI": "control",  # 'HI: denies, SI'
    "cn_SI_denies_c_plan_col_overdose": "control",  # 'SI denies, plan: overdose'
    "e_Overdose_denies": "control",  # 'Overdose denies'
    "e_Suicide_attempt_denies": "control",  # 'Suicide attempt denies'
}

QUIET = {
    # Critical with TMS held before the fix.
    "e_SI_denies": "fixed",  # 'SI denies'
    "e_Pt_SI_denies_c_HI_denies": "fixed",  # 'Pt SI denies, HI denies'
    "e_SI_pt_denies": "fixed",  # 'SI pt denies'
    "e_SI_sl_HI_denies": "fixed",  # 'SI/HI denies'
    "e_Suicidal_ideation_denies": "fixed",  # 'Suicidal ideation denies'
    "cn_SI_denies": "fixed",  # 'SI denies'
    # Controls, quiet before the fix too.
    "e_denies_SI_sl_HI": "control",  # 'denies SI/HI'
    "e_denies_SI_or_HI": "control",  # 'denies SI or HI'
    "e_denies_SI_sl_plan": "control",  # 'denies SI/plan'
    "e_denies_SI_sl_HI_c_plan_to_f_sl_u": "control",  # 'denies SI/HI, plan to f/u'
    "e_SI_col_denies": "control",  # 'SI: denies'
    "e_SI_denied": "control",  # 'SI denied'
    "e_denies_SI_or_plan_to_f_sl_u_2_wks": "control",  # 'denies SI or plan to f/u 2 wks'
    "e_denies_SI_sl_plan_col_none": "control",  # 'denies SI/plan: none'
    "cn_SI_col_denies": "control",  # 'SI: denies'
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
