"""Session 36 fix text73: recheck K53a findings 1-5 (self-harm denials in lists, answers after an item).

- Finding 1: a phrase's own answer after it ("self-harm: yes", "SI: passive", "cutting - yes") was
  overridden by a list's denial before it ("Psych: denies HI, self-harm: yes", "Denies the
  following: HI, SI: yes"): quiet, TMS offered. The own answer now decides (denial_scope.own_answer,
  read by self_harm_scope.cue_window and text_checklist.denial_listed); "..., self-harm: no" stays
  denied by its own answer.
- Finding 2: an item's "no" answer denied the next item ("HI: no, SI: yes", "HI: no, SI"): an answer
  cue right after an item's mark answers that item only (denial_scope.answers_item).
- Finding 3: Epic's ROS "Psychiatric/Behavioral: Negative for suicidal ideas and self-injury." raised
  a false critical card: a heading that is no checklist item opens a list with its cue whatever
  follows the cue; "suicidal ideas" and Epic's other Psychiatric/Behavioral words are checklist items.
- Finding 4: "denies SI, now reports: feeling well" read the colon's object as a retraction.
- Finding 5: "found no suicide note" was read as a preparatory act.
Controls: "SI: denies, HI: denies, self-harm: yes", "SI, HI: denies, recent overdose" (test_lead36),
"Denies self-harm: cutting, burning" (text69's colon after a denied item, kept: see the module
text73 report) and "found suicide note" stay critical; plain denial lists stay quiet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text73_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_Psych_denies_HI_self_harm_yes": "fixed",
    "e_Safety_denies_HI_self_harm_yes": "fixed",
    "e_Psych_denies_HI_self_harm_endorses": "fixed",
    "e_Psych_denies_HI_self_harm_plus": "fixed",
    "e_Psych_denies_HI_self_harm_dash_yes": "fixed",
    "e_Psych_denies_HI_cutting_yes_last_night": "fixed",
    "e_Denies_the_following_HI_SI_yes": "fixed",
    "e_Denies_HI_self_harm_yes": "fixed",
    "e_Psych_denies_HI_SI_yes": "fixed",
    "e_denies_HI_SI_passive": "fixed",
    "e_HI_no_SI_yes": "fixed",
    "e_HI_denies_SI_endorses": "fixed",
    "e_AVH_no_SI_yes": "fixed",
    "e_Psych_HI_no_SI_yes": "fixed",
    "e_HI_no_SI": "fixed",
    "e_SI_denies_HI_denies_self_harm_yes": "control",
    "e_SI_HI_denies_recent_overdose": "control",
    "e_Denies_self_harm_cutting_burning": "control",
    "e_found_suicide_note": "control",
    "e_denies_SI_now_endorses": "control",
}

QUIET = {
    "e_Psychiatric_Behavioral_Negative_for_suicidal_ideas_and_self_injury": "fixed",
    "e_Psychiatric_Behavioral_Negative_for_behavioral_problems_self_injury_and_suicidal_ideas": (
        "fixed"
    ),
    "e_Psychiatric_Behavioral_Negative_for_agitation_Epic_full_list": "fixed",
    "e_Psych_denies_suicidal_ideas_self_injury": "fixed",
    "e_denies_SI_now_reports_feeling_well": "fixed",
    "e_denies_SI_or_HI_today_reports_none": "fixed",
    "e_police_found_no_suicide_note": "fixed",
    "e_found_no_suicide_note": "fixed",
    "e_Psych_denies_HI_self_harm_no": "control",
    "e_Psych_denies_SI_HI_self_harm": "control",
    "e_Denies_SI_HI_self_harm": "control",
    "e_Denies_SI_HI_self_harm_none": "control",
    "e_Psych_no_SI_HI_self_harm": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
