"""Session 43 fix text114: self-harm text leftovers of session 42.

- 1 (UNSAFE): a voice telling suicidal content, no command ("voices telling her nobody would miss
  her", "voices say she should not be alive") gave the psychotic-features card only, no
  suicide-risk card (and "voices saying no one would miss him" not even that: TMS offered). Read
  as a command to die is (command_hallucination_terms.csv `self_content`): critical, TMS held.
  "voices telling him he is evil" stays psychotic only, as text112 left it.
- 2: "5150 in 2019" was quiet, TMS offered, while "h/o 5150 2019" was read: a year right after
  the number makes it the hold (psych_hold._dated_after): in a note the past warning, as "h/o
  5150" is read today, in a visit reason the critical card.
- 3: "lot 5150 expired" gave the ended-hold card (text113's end words): a word naming another
  number right before it ("lot", "room", "ext": `other_number_before`) makes it no hold.
- 4: "goodbye message from hospice chaplain" was critical: a goodbye received from a named other
  person is no preparatory act of the patient's (goodbye_sender.py); a goodbye the patient said,
  sent or left stays critical.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text114_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # 1: suicidal content of voices.
    "e_voices_telling_her_nobody_would_miss_her": "fixed",
    "e_Neg_SI_AH_telling_her_nobody_would_miss_her": "fixed",
    "e_voices_say_she_should_not_be_alive": "fixed",
    "e_voices_saying_no_one_would_miss_him": "fixed",
    "e_voices_saying_she_doesn_t_deserve_to_live": "fixed",
    "e_voices_telling_him_the_world_would_be_better_without_him": "fixed",
    "cn_voices_telling_her_nobody_would_miss_her": "fixed",
    "e_AH_saying_she_d_be_better_off_dead": "control",
    "e_hears_voices_saying_everyone_would_be_better_off_without_him": "control",
    # 2: a dated hold in a visit reason is today's record of it.
    "e_5150_in_2019": "fixed",
    "e_placed_on_5150_in_2019_for_SI": "control",
    "cn_placed_on_5150_in_2019_for_SI": "control",
    # 3: a hold number with hold context stays a hold.
    "e_5150_expired": "control",
    "e_5150_d_c_d": "control",
    "e_pt_on_5150": "control",
    "e_lot_5150_pt_on_5150": "control",
    "cn_5150_expired": "control",
    # 4: the patient's own goodbye.
    "e_said_goodbye_to_family": "control",
    "e_texted_goodbye_to_ex": "control",
    "e_said_goodbye_to_her_kids_gave_away_dog": "control",
    "e_goodbye_message_from_pt_to_mother": "control",
    "e_mother_found_goodbye_note_from_son": "control",
    "e_goodbye_note_from_son_found": "control",
    # A relative after "from" may be the patient, written from the reporter's side (recheck
    # K75a finding 1, fix text115): read, the safer error.
    "e_goodbye_text_from_her_sister": "control",
    "cn_said_goodbye_to_family": "control",
}

QUIET = {
    "e_lot_5150_expired": "fixed",
    "e_rm_5150_released": "fixed",
    "cn_lot_5150_expired": "fixed",
    "e_room_5150": "control",
    "e_ext_5150": "control",
    "e_5150_Main_St": "control",
    "e_goodbye_message_from_hospice_chaplain": "fixed",
    "cn_goodbye_message_from_hospice_chaplain": "fixed",
    "e_chaplain_said_goodbye": "control",
    "e_said_goodbye_to_visitors": "control",
    "e_denies_AH_telling_her_nobody_would_miss_her": "control",
}

# A note's dated hold: the past warning, as "h/o 5150 2019" (text112) is read.
WARNING = {
    "cn_5150_in_2019": "fixed",
    "cn_5150_2019": "fixed",
    "cn_h_o_5150_2019": "control",
}

# A voice heard with no suicidal content: the psychotic-features pathway only, TMS held.
PSYCHOTIC_ONLY = {
    "e_voices_telling_him_he_is_evil": "control",
    "e_voices_telling_her_nobody_likes_her": "control",
    "e_voices_telling_him_he_d_be_better_off_without_his_wife": "control",
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


@pytest.mark.parametrize(
    "name", sorted(n for n in CRITICAL if n.startswith("e_") and "voices" in n)
)
def test_suicidal_voices_keep_the_psychotic_card(name: str) -> None:
    summary = _cards(name)["optimize-switch-augment"]["summary"]
    assert summary.startswith("Psychotic features"), summary


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, WARNING, PSYCHOTIC_ONLY)
