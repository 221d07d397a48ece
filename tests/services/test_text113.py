"""Session 42 fix text113: small self-harm leftovers, each moved toward the critical card.

- 1: a plain or time-limited SI denial undone by the next sentence was quiet, TMS offered, when a
  comma followed the lead word ("denies SI. Today, with plan") or a subject word opened the
  sentence before it ("Denied SI yesterday. Pt now with plan"): prefix_undone.py reads both
  (text_negations.csv `prefix_undo_subject`).
- 2: an ended hold with its number alone ("5150 discontinued", "5150 d/c'd", "5150 expired") was
  not read as a hold at all: quiet, TMS offered. It is the ended hold now, as "5150 hold
  released" is (psych_hold_terms.csv `hold_number_after`); with a denial, the past warning.
- 3: "tired of living", "tired of life" (C-SSRS item 1, wish to be dead: passive suicidal
  ideation) were quiet, TMS offered. A place or person after "tired of living" is a living
  arrangement ("... in this apartment", "... with her mother": quiet); "... with pain" and
  "... in this world" stay read, the safer error.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text113_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_denies_SI_Today_comma_with_plan": "fixed",
    "e_Denies_SI_Today_dash_with_plan": "control",
    "e_Denied_SI_yesterday_Pt_now_with_plan": "fixed",
    "e_Denied_SI_yesterday_Patient_now_endorses_plan": "fixed",
    "e_Denied_SI_this_morning_She_now_has_a_plan": "fixed",
    "e_5150_expired_SI_today": "control",
    "e_tired_of_living": "fixed",
    "e_tired_of_life": "fixed",
    "e_tired_of_living_with_pain": "fixed",
    "e_Tired_of_living_in_this_world": "fixed",
    "e_doesn_t_want_to_wake_up": "control",
    "e_wishes_she_wouldn_t_wake_up": "control",
}

QUIET = {
    "e_Denies_SI_Today_here_for_refill": "control",
    "e_Denies_SI_Today_comma_here_for_refill": "control",
    "e_Denies_SI_Pt_now_sleeping_better": "control",
    "e_Denies_SI_Patient_now_has_a_safety_plan": "control",
    "e_denies_feeling_tired_of_living": "control",
    "e_tired_of_living_in_this_apartment": "control",
    "e_tired_of_living_with_her_mother": "control",
}

# A hold since ended, no current denial: critical, named as the hold (as test_text107's ENDED).
ENDED = {
    "e_5150_discontinued": "fixed",
    "e_5150_d_c_d": "fixed",
    "e_5150_expired": "fixed",
    "e_5150_hold_released": "control",
}

# A hold since ended with a current denial: the past warning (as "5150 released, denies SI/HI").
WARNING = {
    "e_5150_expired_denies_SI": "fixed",
    "e_5150_discontinued_by_psych_denies_SI": "fixed",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(ENDED))
def test_ended_hold_critical(name: str) -> None:
    card = _cards(name).get("suicide-risk")
    assert card is not None and card["indicator"] == "critical", (name, card)
    assert card["summary"].startswith("Emergency hold or 1:1, since ended"), card["summary"]
    assert "suicidal" not in card["summary"].lower()
    assert "tms-referral" not in _cards(name)


@pytest.mark.parametrize("name", sorted(WARNING))
def test_ended_hold_denied_warns(name: str) -> None:
    card = _cards(name).get("suicide-risk")
    assert card is not None and card["indicator"] == "warning", (name, card)
    assert "hold since ended" in card["summary"], card["summary"]


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, ENDED, WARNING)
