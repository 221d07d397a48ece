"""Session 36 fix text77: suicide concern in words, found by recheck K54a (findings 1, 2).

- Finding 1: "suicide" as a noun was never read ("Suicide", "Suicide plan", "Suicide risk",
  "Suicide watch", "Concern for suicide" were quiet, TMS offered, while "Suicidal" was critical).
  In a visit reason or a problem entry it names a current suicide concern: read as suicidal
  ideation to confirm (diagnosis_terms.csv `suicide`). A program or someone else's death by
  suicide ("suicide prevention class", "father died by suicide", "suicide of brother") is a
  `lookalike`; the shared negation keeps "denies suicide", "family history of suicide" quiet.
  Decision: "suicide risk: low" is critical (the card asks to confirm): a rated low risk is not
  no risk, the text does not say when or by whom it was rated, and TMS must not be offered beside
  a suicide-risk entry nobody has resolved; the false card is the safer mistake.
- Finding 2: talk of suicide is ideation voiced ("talking about suicide", "talks about killing
  himself", "mentioned ending her life", "ideas of ending her life"): `ideation_lead` rows.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text77_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Finding 1 (quiet, TMS offered, before).
    "e_Suicide": "fixed",
    "e_Suicide_plan": "fixed",
    "e_suicide_has_a_plan": "fixed",
    "e_Suicide_risk": "fixed",
    "e_Suicide_eval": "fixed",
    "e_Suicide_watch": "fixed",
    "e_Suicide_precautions": "fixed",
    "e_Concern_for_suicide": "fixed",
    "e_suicide_risk_low": "fixed",
    # Finding 2.
    "e_talking_about_suicide": "fixed",
    "e_talking_about_suicide_has_a_plan": "fixed",
    "e_talks_about_killing_himself": "fixed",
    "e_making_statements_about_killing_herself": "fixed",
    "e_talked_of_taking_her_own_life": "fixed",
    "e_mentioned_ending_her_life": "fixed",
    "e_ideas_of_ending_her_life": "fixed",
    # Controls.
    "e_Suicidal": "control",
    "e_Suicide_attempt": "control",
    "e_thinking_about_suicide": "control",
}

QUIET = {
    "e_suicide_prevention_class": "control",
    "e_family_history_of_suicide": "control",
    "e_father_died_by_suicide": "control",
    "e_Father_committed_suicide": "control",
    "e_suicide_of_brother": "control",
    "e_loss_of_friend_to_suicide": "control",
    "e_denies_suicide": "control",
    "e_no_suicide_attempts": "control",
    "e_talked_about_suicide_prevention": "control",
    "e_denies_talking_about_suicide": "control",
    "e_talked_about_her_day": "control",
    "e_mentioned_her_daughter_s_birthday": "control",
    "e_Suicide_screen_negative": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
