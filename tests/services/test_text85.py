"""Session 37 fix text85: regressions of text83 found by recheck K57a (UNSAFE: signals quiet).

- Finding 1: an intent stated after an accident's clause no longer kept the cut ("cuts to forearm
  - MVC, intentional", "cuts on wrist, accidental. Later admits intentional", "..., pt states
  wanted to crash" were quiet, TMS offered): an `intent`, `suicidal` or `accident_undone` word
  anywhere after the act keeps it (self_harm_context._kept). "from broken glass" named no
  accident before text83 and glass is a common self-harm tool: `accident_from_kept` rows.
- Finding 4: a `denial_now` word ("no", "not", "without") opened hedges that deny nothing ("OD
  2015; not sure about SI today", "no SI today?", "no current SI, cannot contract for safety"):
  it denies only the finding itself, with no "?" and only denials after it
  (stated_denial_now.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text85_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_cuts_to_forearm_MVC_intentional": "fixed",
    "e_cuts_to_forearm_MVC_Intentional_per_pt": "fixed",
    "e_cuts_to_forearm_MVC_states_drove_into_tree_on_purpose": "fixed",
    "e_cuts_to_forearm_MVC_pt_states_wanted_to_crash": "fixed",
    "e_cuts_on_forearm_from_glass_intentional": "fixed",
    "e_cuts_on_wrist_accidental_Later_admits_intentional": "fixed",
    "e_cuts_on_forearm_on_broken_glass_intentional": "fixed",
    "e_cuts_on_forearm_from_broken_glass": "fixed",
    "e_OD_2015_not_sure_about_SI_today": "fixed",
    "e_OD_2015_no_clear_SI_today": "fixed",
    "e_OD_2015_not_able_to_deny_SI_today": "fixed",
    "e_OD_2015_not_forthcoming_about_SI_today": "fixed",
    "e_OD_2015_no_answer_re_SI_today": "fixed",
    "e_OD_2015_no_reliable_history_re_SI_today": "fixed",
    "e_OD_2015_not_SI_free_today": "fixed",
    "e_OD_2015_without_denial_of_SI_today": "fixed",
    "e_OD_2015_no_SI_today_question": "fixed",
    "e_OD_2015_no_current_SI_cannot_contract_for_safety": "fixed",
    "e_OD_2015_not_suicidal_today_unable_to_say_why_she_came_in": "fixed",
}

QUIET = {
    "e_cuts_to_forearm_MVC": "control",
    "e_cuts_on_wrist_accidental": "control",
    "e_cuts_on_forearm_from_broken_glass_accidental": "control",
    "e_cuts_on_forearm_from_broken_glass_while_cleaning": "control",
    "e_cut_arm_on_broken_glass": "control",
    "e_cuts_on_forearm_from_cat_bite": "control",
}

# The past-overdose warning (TMS offered): a plain denial of today beside the dated overdose.
PAST = {
    "e_OD_2015_no_SI_today": "control",
    "e_OD_2015_not_suicidal_today": "control",
    "e_OD_2015_no_thoughts_of_self_harm_today": "control",
    "e_OD_2015_no_SI_today_no_plan": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(PAST))
def test_plain_denial_of_today_is_the_past_warning(name: str) -> None:
    card = _cards(name)["suicide-risk"]
    assert card["indicator"] == "warning", (name, card["summary"])
    assert "past overdose, intent not recorded (2015)" in card["summary"]


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, PAST)
