"""Session 36 fix text72: leftovers of fix text71 and recheck K52a finding 2 (older unsafe
readings, quiet with TMS offered; probe at main).

- A bare "attempted" with its time ("attempted last week", "denies SI now, attempted last week")
  is the patient's attempt, as "cutting last week" is; "attempted to call her sister" and
  "attempted to quit smoking" have an object and stay quiet, "attempted suicide" stays critical.
- Cuts on a wrist, forearm or thigh ("superficial cuts on forearm", "fresh cuts on wrist") are a
  sign of self-injury to confirm; a cut on a finger, a laceration from a fall, a paper cut and cuts
  "from fall" stay quiet.
- "denies thoughts of suicide, searched how to overdose": a qualifier that already names its
  self-harm object takes no step past a comma (self_harm_plan_step._object_first), so the search
  for a method is read as "denies SI, searched how to overdose" is.
- "mother found suicide note": a relative who found the note reports the patient's note
  (`report_found` rows, self_harm_subject.other_subject); "mother wrote a suicide note before she
  died" stays the mother's.
- "thoughts/plans of suicide" was already read at the branch point (a control here, with its
  denial).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text72_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_denies_SI_now_attempted_last_week": "fixed",
    "e_denies_SI_attempted_last_week": "fixed",
    "e_attempted_last_week": "fixed",
    "e_superficial_cuts_on_forearm": "fixed",
    "e_fresh_cuts_on_wrist": "fixed",
    "e_cuts_on_forearm": "fixed",
    "e_denies_HI_or_SI_superficial_cuts_on_forearm": "fixed",
    "e_denies_thoughts_of_suicide_searched_how_to_overdose": "fixed",
    "e_mother_found_suicide_note": "fixed",
    "e_denies_SI_mother_found_suicide_note": "fixed",
    "e_Mother_found_her_suicide_note": "fixed",
    "e_thoughts_plans_of_suicide": "control",
    "e_attempted_suicide": "control",
    "e_denies_SI_searched_how_to_overdose": "control",
    "e_plan_to_go_home_get_his_gun_shoot_himself": "control",
}

QUIET = {
    "e_attempted_to_call_her_sister": "control",
    "e_attempted_to_quit_smoking": "control",
    "e_cut_on_finger_from_knife_while_cooking": "control",
    "e_laceration_to_forearm_from_fall": "control",
    "e_paper_cut": "control",
    "e_cuts_on_forearm_from_fall": "control",
    "e_mother_wrote_a_suicide_note_before_she_died": "control",
    "e_denies_thoughts_plans_of_suicide": "control",
    "e_denies_cuts_on_wrists": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
