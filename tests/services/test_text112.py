"""Session 42 recheck K72a (text108 / text109 merges), fix text112.

- 3 (UNSAFE): a hold in force in a Condition note read as history because a history word or an
  earlier year stood anywhere in its clause or sentence ("Hx depression now on 5150", "Pt on 5150
  hold, similar presentation in 2023", "on 5150 since 12/28/2025"): the warning "hold since
  ended" with TMS. psych_hold._past reads a lead or a year only right beside the hold.
- 4 (UNSAFE): "voices telling him he is evil" was blanked as the verb "voices": the
  psychotic-features card was lost and TMS offered. An object ("him", "her", "pt") after the
  verb, or a subject pronoun with no speaker before "voices", makes it the noun (voices_verb.py).
- 8: "h/o 5150" in a note was quiet, TMS offered, while "prior 5150 hold" warned: a history lead
  right before the number makes it the hold (the past warning in a note, critical in a reason).
- 9b: "voices commanding her to drown" gave no suicide-risk card ('drown' alone a self object).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text112_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "cn_Pt_with_hx_of_MDD_placed_on_1_1_observation": "fixed",
    "cn_Hx_depression_now_on_5150": "fixed",
    "cn_remains_on_5150_hx_depression_since_2010": "fixed",
    "cn_Prior_to_arrival_pt_placed_on_5150_by_police": "fixed",
    "cn_Pt_on_5150_hold_similar_presentation_in_2023": "fixed",
    "cn_5150_placed_prior_admission_2021": "fixed",
    "cn_5150_hold_in_place_same_as_2020": "fixed",
    "cn_on_5150_since_12_28_2025": "fixed",
    "e_voices_commanding_her_to_drown": "fixed",
    "e_h_o_5150": "fixed",
    "e_prior_5150_hold": "control",
    # Suicidal content a voice tells, no command: critical since session 43 fix text114
    # (command_hallucination.py `self_content`; test_text114.py).
    "e_voices_telling_her_nobody_would_miss_her": "fixed",
}

QUIET = {
    "e_pt_voices_understanding": "control",
    "e_Pt_voices_concern_that_he_may_lose_job": "control",
    "e_mother_voices_saying_she_is_worried": "control",
}

# A note's history of holds: the past warning (as text108's "h/o 5150 holds").
WARNING = {
    "cn_hx_of_Baker_Act": "control",
    "cn_prior_5150_hold": "control",
    "cn_h_o_multiple_5150_holds": "control",
    "cn_previous_psych_hold_2017": "control",
    "cn_h_o_5150": "fixed",
    "cn_h_o_5150_in_2019": "fixed",
}

# A voice heard, no command to harm oneself: no suicide-risk card, the psychotic-features
# pathway, TMS held.
PSYCHOTIC_ONLY = {
    "e_voices_telling_him_he_is_evil": "fixed",
    "e_Voices_telling_pt_he_is_worthless": "fixed",
    "e_voices_saying_she_is_evil": "fixed",
    "e_voices_told_him_to_drown_out_the_noise": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(WARNING))
def test_past_hold_warns(name: str) -> None:
    card = _cards(name).get("suicide-risk")
    assert card is not None and card["indicator"] == "warning", (name, card)
    assert "hold since ended" in card["summary"], card["summary"]


@pytest.mark.parametrize("name", sorted(PSYCHOTIC_ONLY))
def test_psychotic_only(name: str) -> None:
    cards: dict[str, Any] = _cards(name)
    assert "suicide-risk" not in cards, (name, cards["suicide-risk"]["summary"])
    assert "tms-referral" not in cards
    summary = cards["optimize-switch-augment"]["summary"]
    assert summary.startswith("Psychotic features"), summary


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, WARNING, PSYCHOTIC_ONLY)
