"""Session 42 fix text107: command hallucinations to die, negated or ended psychiatric holds,
holds in a Condition note.

- 1 (UNSAFE): "Neg SI/HI; AH telling her to die", "hearing voices telling her to jump" gave no
  suicide-risk card: a command hallucination to die or harm oneself is suicidal ideation
  (fhir_mapping/command_hallucination.py). "AH telling her she is worthless" orders nothing and
  "voices telling him to kill the neighbour" names another (as "HI": no suicide card); both keep
  TMS held for the psychotic feature. "denies command AH (to harm self)" is quiet.
- 2 (noise): a hold not placed ("Baker Act declined", "5150 criteria not met") is quiet; a hold
  ended ("5150 hold released", "legal hold lifted") the past warning; "pending section 12" a hold.
- 3: a hold in a Condition note ("pt on 5150") is read as in a visit reason.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text107_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_Neg_SI_HI_AH_telling_her_to_die": "fixed",
    "e_hearing_voices_telling_her_to_jump": "fixed",
    "e_AH_telling_her_to_hang_herself": "fixed",
    "e_voices_telling_him_to_go_kill_himself": "control",
    "e_pending_section_12": "fixed",
    "cn_pt_on_5150": "fixed",
    "cn_Baker_Act_initiated": "fixed",
    "cn_Neg_SI_HI_AH_telling_her_to_die": "fixed",
    "e_5150_released_SI_today": "control",
    "e_Baker_Act_initiated": "control",
    "e_placed_on_legal_hold": "control",
    "e_w5150": "control",
    "e_Baker_Act_initiated_as_pt_declined_voluntary_admission": "control",
}

QUIET = {
    "e_denies_command_AH": "control",
    "e_denies_command_AH_to_harm_self": "control",
    "e_Baker_Act_declined": "fixed",
    "e_Baker_Act_not_initiated": "fixed",
    "e_5150_criteria_not_met": "fixed",
    "e_consider_5150_not_indicated": "fixed",
    "cn_Baker_Act_declined": "control",
}

# No suicide-risk card, TMS held for the psychotic feature.
PSYCHOTIC_ONLY = {
    "e_AH_telling_her_she_is_worthless": "control",
    "e_voices_telling_him_to_kill_the_neighbour": "fixed",
}

# A hold since ended, no current denial: critical, named as the hold (text108; was the warning).
ENDED = {
    "e_5150_hold_released": "fixed",
    "e_legal_hold_lifted": "fixed",
    "cn_5150_hold_released": "fixed",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(PSYCHOTIC_ONLY))
def test_psychotic_only(name: str) -> None:
    cards: dict[str, Any] = _cards(name)
    assert "suicide-risk" not in cards, (name, cards["suicide-risk"]["summary"])
    assert "tms-referral" not in cards


@pytest.mark.parametrize("name", sorted(ENDED))
def test_ended_hold_warns(name: str) -> None:
    # Session 42 fix text108 (lead's decision on K70a 5): a hold ended with no current denial is
    # critical, named as the hold; with a denial, the warning (test_text108.py).
    card = _cards(name).get("suicide-risk")
    assert card is not None and card["indicator"] == "critical", (name, card)
    assert card["summary"].startswith("Emergency hold or 1:1, since ended"), card["summary"]
    assert "suicidal" not in card["summary"].lower()
    assert "tms-referral" not in _cards(name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, PSYCHOTIC_ONLY, ENDED)
