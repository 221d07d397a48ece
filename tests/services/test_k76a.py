"""Session 43 recheck K76a findings 1 and 2 (lead's fix of text115).

- Finding 1 (UNSAFE, new with text115): place words in `goodbye_other_sender` (hospital, clinic,
  school, church, office...) read "goodbye note from hospital bed" and "goodbye text from clinic
  parking lot" as a goodbye received, quiet with TMS offered: a place after "from" says where the
  patient was. The place words left that role; place words after a sender ("from nurse station")
  keep the goodbye read (`goodbye_sender_device`), and "my" is the writer's own word.
- Finding 2 (UNSAFE, new with text115): "voices saying they want them dead" went quiet: a
  they/them patient's pronouns are `own_object` words.
Controls: a goodbye from a chaplain and a lot number stay quiet (text114's noise fixes).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "k76a_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_goodbye_note_from_hospital_bed": "fixed",
    "e_goodbye_text_from_clinic_parking_lot": "fixed",
    "e_goodbye_message_from_my_hospital_bed": "fixed",
    "e_goodbye_texts_from_nurse_station": "fixed",
    "e_goodbye_letter_from_the_office_found_by_coworker": "fixed",
    "e_goodbye_message_from_church_took_pills": "fixed",
    "e_voices_saying_they_want_them_dead": "fixed",
}

QUIET = {
    "e_goodbye_message_from_hospice_chaplain": "control",
    "e_lot_5150_expired": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
