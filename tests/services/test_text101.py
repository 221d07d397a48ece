"""Session 40 fix text101 (review K64a findings 1, 2): text99's "Plan: pending psych eval" reading
quieted real signals.

- Words after the evaluation ("SI: denies. Plan: pending psych eval for SH", "...; IVC", "..., on
  5150", "..., eloped from ED") were read as part of it: quiet, TMS offered. The evaluation must now
  end the text, only a date, time or time phrase after it ("... today", "... at 14:00").
- Non-psychiatric `plan_assessment` rows ("pending medical clearance", "transfer", "dispo", "social
  work", "placement", a bare "eval") made the usual path of a self-harm visit quiet: removed; only a
  psych / psychiatry / BH / crisis-team evaluation qualifies (stated_open_heading.py).
- "SI: none. Plan: pending psych eval" stays quiet, as "SI: denies. Plan: pending psych eval" (the
  same statement; no rule tells them apart).
Prefixes: e_ an ED visit's reason, cn_ a Condition's note. The text of each chart is in its comment.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text101_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Quiet with TMS offered before the fix.
    "e_SI_denies_Plan_pending_psych_eval_for_SH": "fixed",  # 'SI: denies. Plan: pending psych eval for SH'
    "e_Denies_SI_Plan_pending_psych_eval_for_SH": "fixed",  # 'Denies SI. Plan: pending psych eval for SH'
    "e_SI_denies_Plan_pending_psych_eval_for_ODing": "fixed",  # 'SI: denies. Plan: pending psych eval for ODing'
    "e_SI_denies_Plan_pending_psych_eval_for_O_D": "fixed",  # 'SI: denies. Plan: pending psych eval for O.D.'
    "e_SI_denies_Plan_pending_psych_eval_on_5150": "fixed",  # 'SI: denies. Plan: pending psych eval, on 5150'
    "e_SI_denies_Plan_pending_psych_eval_IVC": "fixed",  # 'SI: denies. Plan: pending psych eval; IVC'
    "e_SI_denies_Plan_pending_psych_eval_PEC": "fixed",  # 'SI: denies. Plan: pending psych eval; PEC'
    "e_SI_denies_Plan_pending_psych_eval_pink_slip": "fixed",  # 'SI: denies. Plan: pending psych eval; pink slip'
    "e_SI_denies_Plan_pending_psych_eval_EDP": "fixed",  # 'SI: denies. Plan: pending psych eval; EDP'
    "e_SI_denies_Plan_pending_psych_eval_on_1to1_sitter": "fixed",  # 'SI: denies. Plan: pending psych eval, on 1:1 sitter'
    "e_SI_denies_Plan_pending_psych_eval_pt_on_1to1": "fixed",  # 'SI: denies. Plan: pending psych eval; pt on 1:1'
    "e_SI_denies_Plan_pending_psych_eval_eloped_from_ED": "fixed",  # 'SI: denies. Plan: pending psych eval, eloped from ED'
    "e_SI_denies_Plan_pending_psych_eval_for_tox_screen_pos": "fixed",  # 'SI: denies. Plan: pending psych eval for tox screen +'
    "e_SI_denies_Plan_pending_medical_clearance": "fixed",  # 'SI: denies. Plan: pending medical clearance'
    "e_SI_denies_Plan_pending_transfer": "fixed",  # 'SI: denies. Plan: pending transfer'
    "e_SI_denies_Plan_pending_dispo": "fixed",  # 'SI: denies. Plan: pending dispo'
    "e_SI_denies_Plan_pending_social_work": "fixed",  # 'SI: denies. Plan: pending social work'
    "e_SI_denies_Plan_pending_eval": "fixed",  # 'SI: denies. Plan: pending eval'
    "e_SI_denies_Plan_pending_med_clearance": "fixed",  # 'SI: denies. Plan: pending med clearance'
    "e_SI_denies_Plan_pending_placement": "fixed",  # 'SI: denies. Plan: pending placement'
    "cn_SI_denies_Plan_pending_psych_eval_for_SH": "fixed",  # 'SI: denies. Plan: pending psych eval for SH'
    "cn_SI_denies_Plan_pending_medical_clearance": "fixed",  # 'SI: denies. Plan: pending medical clearance'
    # The nearest critical controls (critical before the fix too).
    "e_SI_denies_Plan_pending_psych_eval_for_OD": "control",  # 'SI: denies. Plan: pending psych eval for OD'
    "e_SI_denies_Plan_pending_psych_eval_has_pills_at_home": "control",  # 'SI: denies. Plan: pending psych eval, has pills at home'
    "e_SI_denies_Plan_unknown": "control",  # 'SI: denies. Plan: unknown'
}

QUIET = {
    # Controls, quiet before the fix too.
    "e_SI_denies_Plan_pending_psych_eval": "control",  # 'SI: denies. Plan: pending psych eval'
    "e_SI_denies_Plan_possible_psych_consult": "control",  # 'SI: denies. Plan: possible psych consult'
    "e_Plan_possible_psych_consult": "control",  # 'Plan: possible psych consult'
    "e_SI_denies_Plan_pending_psych_eval_today": "control",  # 'SI: denies. Plan: pending psych eval today'
    "e_SI_denies_Plan_pending_psych_eval_at_1400": "control",  # 'SI: denies. Plan: pending psych eval at 14:00'
    "e_Denies_SI_Plan_pending_psychiatry_evaluation": "control",  # 'Denies SI. Plan: pending psychiatry evaluation'
    "e_SI_denies_Plan_pending_BH_consult": "control",  # 'SI: denies. Plan: pending BH consult.'
    "e_SI_denies_Plan_pending_crisis_team_eval_in_am": "control",  # 'SI: denies. Plan: pending crisis team eval in am'
    "e_SI_none_Plan_pending_psych_eval": "control",  # 'SI: none. Plan: pending psych eval'
    "cn_SI_denies_Plan_pending_psych_eval": "control",  # 'SI: denies. Plan: pending psych eval'
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
