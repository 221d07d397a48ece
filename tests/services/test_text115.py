"""Session 43 recheck K75a of text114 (fix text115).

- Finding 1 (UNSAFE, new with text114): a relative, a partner or a friend after a goodbye's "from"
  is often the patient, the note written from the reporter's side ("goodbye letter from dad
  found", "wife received goodbye text from husband", "goodbye text from brother (pt)") and went
  quiet, TMS offered. Only senders who clearly are not the patient (staff, a clinic, a chaplain)
  make a goodbye received; a patient word or a found word anywhere in its clause keeps it read
  (goodbye_sender.py).
- Finding 2 (UNSAFE, new with text114): a send verb before the goodbye ("sent goodbye message from
  mom phone") or a device or account word after the sender ("from the family group chat") keeps
  it read.
- Finding 3 (UNSAFE, new with text114): another number's word before a hold number won whatever
  followed ("order 5150 hold", "bed 5150 hold" quiet, TMS offered): a `hold_in_force_after` word
  now wins, and the clinical words (order, x, #, id, number, no., item) are no other number's.
  "lot 5150 expired", "rm 5150 released" stay quiet.
- Finding 4 (UNSAFE, older): passive death wishes in the patient's words ("nobody would miss me",
  "no reason to live", "life not worth living") were quiet, TMS offered: suicidal-ideation rows
  (C-SSRS item 1), denied as "better off dead" is.
- Finding 5 (UNSAFE, older): PA "302", Ontario "Form 1" and Ohio "pink slip" holds, "5150
  ordered", "legal status 5150" were quiet: read with hold words only (bare "302", "Form 1" stay
  quiet: a room, a glucose, any form).
- Finding 8 (noise, new with text114): "voices saying she wants them dead" (homicidal) raised the
  suicide-risk card: `<own>` is the patient only; it keeps the psychotic-features card, TMS held.
  Beside it "voices saying we want you dead" was quiet, TMS offered: 'we' is a `between` word.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text115_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Findings 1, 2: a goodbye from a relative, or from someone's phone or account, may be the patient's.
    "cn_goodbye_letter_from_dad_found": "fixed",
    "e_girlfriend_received_goodbye_text_from_boyfriend": "fixed",
    "e_goodbye_letter_from_dad_found": "fixed",
    "e_goodbye_letter_from_husband_pt_found_by_wife": "fixed",
    "e_goodbye_message_from_chaplain_found": "fixed",
    "e_goodbye_note_from_mother_found_by_son": "fixed",
    "e_goodbye_text_from_brother_pt": "fixed",
    "e_goodbye_text_from_nurse_phone": "fixed",
    "e_goodbye_texts_from_her_friend_phone": "fixed",
    "e_goodbye_texts_from_husband_to_family": "fixed",
    "e_goodbye_texts_from_pt_s_phone_to_family": "control",
    "e_goodbye_texts_from_the_family_group_chat": "fixed",
    "e_posted_goodbye_message_from_dad_account": "fixed",
    "e_pt_sent_goodbye_message_from_the_clinic": "control",
    "e_sent_goodbye_message_from_mom_phone": "fixed",
    "e_wife_received_goodbye_text_from_husband": "fixed",
    # Finding 3: a word stating a hold in force after the number wins over another number's word before it.
    "cn_bed_5150_hold": "fixed",
    "e_Hold_x_5150_pending": "fixed",
    "e_bed_5150_hold": "fixed",
    "e_hash_5150_hold": "fixed",
    "e_item_5150_hold": "fixed",
    "e_order_5150_hold": "fixed",
    "e_per_MD_order_5150_hold_placed": "fixed",
    "e_pt_with_ID_5150_hold": "fixed",
    "e_will_order_5150_hold": "fixed",
    # Finding 4: a passive death wish in the patient's own words (C-SSRS item 1).
    "cn_nobody_would_miss_me": "fixed",
    "cn_pt_states_life_not_worth_living": "fixed",
    "e_better_off_dead": "control",
    "e_doesn_t_deserve_to_live": "fixed",
    "e_feels_she_should_not_be_alive": "fixed",
    "e_life_not_worth_living": "fixed",
    "e_no_one_would_miss_her": "fixed",
    "e_no_reason_to_live": "fixed",
    "e_nobody_would_care_if_she_died": "fixed",
    "e_nobody_would_miss_me": "fixed",
    "e_nothing_to_live_for": "fixed",
    # Finding 5: other hold laws (PA 302, Ontario Form 1, Ohio pink slip) and 5150 with other hold words.
    "cn_pt_on_302": "fixed",
    "e_302_d": "fixed",
    "e_5150_ordered": "fixed",
    "e_5150_since_2026_11_28": "fixed",
    "e_MD_to_order_5150": "fixed",
    "e_legal_status_5150": "fixed",
    "e_pink_slip": "fixed",
    "e_pink_slipped_rm_12": "fixed",
    "e_placed_on_302": "fixed",
    "e_pt_on_302": "fixed",
    "e_pt_on_Form_1": "fixed",
    "e_pt_on_legal_5150": "fixed",
    # Finding 8: whom a voice wants dead.
    "e_voices_saying_they_want_her_dead": "control",
    "e_voices_saying_we_want_you_dead": "fixed",
}

QUIET = {
    # Findings 1, 2: a goodbye from a relative, or from someone's phone or account, may be the patient's.
    "cn_goodbye_message_from_hospice_chaplain_staff": "control",
    "e_goodbye_message_from_Dr_Smith": "control",
    # Finding 3: a word stating a hold in force after the number wins over another number's word before it.
    "e_lot_5150": "control",
    "e_rm_5150_released": "control",
    # Finding 4: a passive death wish in the patient's own words (C-SSRS item 1).
    "cn_denies_feeling_life_not_worth_living": "control",
    "e_denies_feeling_life_not_worth_living": "control",
    "e_denies_feeling_she_doesn_t_deserve_to_live": "control",
    "e_denies_thoughts_that_nobody_would_miss_her": "control",
    "e_has_many_reasons_to_live": "control",
    # Finding 5: other hold laws (PA 302, Ontario Form 1, Ohio pink slip) and 5150 with other hold words.
    "e_302": "control",
    "e_Form_1": "control",
    "e_Form_1_signed_for_FMLA": "control",
    "e_Glucose_302": "control",
    "e_not_on_302": "control",
    "e_rm_302": "control",
}

# A voice wanting another person dead: the psychotic-features pathway only, TMS held.
PSYCHOTIC_ONLY = {
    "e_voices_saying_he_wants_us_dead": "fixed",
}

# Recheck K76a (lead fix): a place after "from" is where the patient was, not the sender, and
# "them" may be a they/them patient: the goodbye is read again, the voice's "them" is the patient.
READ_AGAIN = {
    "e_goodbye_message_from_the_clinic": "K76a finding 1",
    "e_voices_saying_she_wants_them_dead": "K76a finding 2",
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
    summary = cards["optimize-switch-augment"]["summary"]
    assert summary.startswith("Psychotic features"), summary


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, PSYCHOTIC_ONLY, READ_AGAIN)


@pytest.mark.parametrize("name", sorted(READ_AGAIN))
def test_k76a_place_and_them_read_again(name: str) -> None:
    cards = _cards(name)
    assert "suicide-risk" in cards, name
    assert cards["suicide-risk"]["indicator"] in {"critical", "warning"}, name
