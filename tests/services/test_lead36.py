"""Session 36 lead fixes: headings and templates before a denial list.

- "Psych: denies SI, HI, self-harm" read the self-harm as a current act (critical, TMS held): the
  heading's colon made "denies SI" SI's own answer, so the denial stopped there. An item's answer
  must close it (self_harm_scope._answered); "SI: denies, HI: denies, self-harm: yes" stays read.
- "Denies the following: SI, HI" was critical (text69 leftover: words between the cue and its
  colon): `pre` rows "denies the following", "negative for the following" (text_negations.csv).
- "IV attempted today", "Intubation attempted again", "Phone call attempted today" were critical
  after fix text72's "attempted <time>" act rows: `lookalike` "<care task> attempted" rows.
- "Sertraline attempted 2020", "Lithium trial attempted 2024" gave a past-suicide-attempt warning
  (recheck K54a finding 7): fix text72's "attempted <year>" rows dropped.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "lead36_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_Psych_denies_SI_HI_wants_to_die": "control",
    "e_Psych_denies_SI_took_30_ativan": "control",
    "e_SI_denies_HI_denies_self_harm_yes": "control",
    "e_SI_HI_denies_recent_overdose": "control",
    "e_Denies_the_following_SI_HI_Wants_to_die": "control",
    "e_SI_IV_attempted_today": "control",
    "e_overdose_IV_attempted_today": "control",
    "e_attempted_last_week": "control",
}

QUIET = {
    "e_Psych_denies_SI_HI_self_harm": "fixed",
    "e_Psych_denies_SI_HI_cutting": "fixed",
    "e_Denies_the_following_SI_HI": "fixed",
    "e_Patient_denies_the_following_SI_HI_self_harm": "fixed",
    "e_Negative_for_the_following_SI": "fixed",
    "e_IV_attempted_today": "fixed",
    "e_Intubation_attempted_again": "fixed",
    "e_Phone_call_attempted_today": "fixed",
    "e_Sertraline_attempted_2020": "fixed",
    "e_Lithium_trial_attempted_2024": "fixed",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
