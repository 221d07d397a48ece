"""Session 41 fix tms61 (session 40 leftovers; review K64a findings 4, 9).

- Finding 1 (UNSAFE): psychotic words as an ED visit's reason ("Psychosis", "+AH/VH", "paranoid,
  hearing voices", "command AH") were not read: TMS offered, the packet said "Psychotic features:
  none on record". Read now as a text-only Condition's words are (fhir_mapping/visit_psychotic.py);
  "Hx psychosis 2015, resolved" and "denies AH/VH" are not current.
- Finding 2: an R44.3 visit diagnosis (no status, no onset) of a 2019 visit read as current
  psychotic features; older than MappingPolicy.psychotic_visit_current_days it is not (a 2026 one is).
- Finding 3 (K64a 4): a foreign body in the eye said removed, or a resolved T15.01XA, was an
  absolute hold; it is a caution to screen (head_metal.said_removed). Intraocular or retained
  metal stays absolute.
- Finding 4 (K64a 9): a note "seizure precautions not needed" or "PNES, EEG normal, not epilepsy"
  asked for a seizure screen; it clears it (safety_notes.py). "h/o seizure 2015, off keppra" holds.
- Finding 5: "Never underwent TMS", "Prior TMS: never" read as an earlier TMS course.
- Finding 6: an insulin pump (device, Z96.41) was unscreened: a caution line now.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "tms61_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_OPTIMISE = "optimize-switch-augment"
_PSYCHOTIC = "Psychotic features"
_SCREEN = "TMS safety screen required"
_EARLIER = "earlier TMS course on record"

# TMS held with the psychotic-features headline.
PSYCHOTIC_HELD = {
    "e_Psychosis": "fixed",
    "e_AH_VH": "fixed",
    "e_paranoid_hearing_voices": "fixed",
    "e_command_AH": "fixed",
    "h_R44_3_visit_diagnosis_2026": "control",
}
# TMS offered, no psychotic headline.
NOT_PSYCHOTIC = {
    "e_Hx_psychosis_2015_resolved": "control",
    "e_denies_AH_VH": "control",
    "t_R44_3_visit_diagnosis_2019": "fixed",
}
# TMS offered with a safety-screen line (a caution), not held.
SCREENED = {
    "t_Corneal_foreign_body_removed_2015": "fixed",
    "t_Foreign_body_in_eye_removed_in_ED_no_retained_fragment": "fixed",
    "t_T15_01XA_resolved_2015": "fixed",
    "t_insulin_pump_device": "fixed",
    "t_Z96_41_insulin_pump": "fixed",
}
# TMS held for a safety item (absolute or a seizure), no psychotic headline.
SAFETY_HELD = {
    "h_Intraocular_foreign_body": "control",
    "h_retained_metal_fragment_left_eye": "control",
    "h_Anxiety_note_h_o_seizure_2015_off_keppra": "control",
}
# TMS offered with no safety-screen line and no earlier course claimed.
PLAIN = {
    "t_Migraine_note_seizure_precautions_not_needed": "fixed",
    "t_Conversion_note_PNES_EEG_normal_not_epilepsy": "fixed",
    "t_Never_underwent_TMS": "fixed",
    "t_Prior_TMS_never": "fixed",
    "t_no_prior_TMS": "control",
    "t_TMS_never_tried": "control",
}
EARLIER_COURSE = {"t_s_p_TMS_2021": "control"}


def _psychotic_headline(cards: dict[str, object]) -> bool:
    optimise = cards.get(_OPTIMISE)
    return isinstance(optimise, dict) and _PSYCHOTIC in optimise.get("detail", "")


@pytest.mark.parametrize("name", sorted(PSYCHOTIC_HELD))
def test_current_psychotic_features_hold_tms(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert chart_files.RISK not in cards, name
    assert _psychotic_headline(cards), name


@pytest.mark.parametrize("name", sorted(NOT_PSYCHOTIC))
def test_past_or_old_psychotic_words_offer_tms(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS in cards, name
    assert not _psychotic_headline(cards), name


@pytest.mark.parametrize("name", sorted(SCREENED))
def test_removed_foreign_body_and_insulin_pump_are_screened(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS in cards, name
    assert _SCREEN in cards[chart_files.TMS]["detail"], name


@pytest.mark.parametrize("name", sorted(SAFETY_HELD))
def test_retained_metal_and_a_seizure_still_hold(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert chart_files.RISK not in cards, name
    assert not _psychotic_headline(cards), name


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_cleared_caution_and_no_course_say_nothing(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS in cards, name
    detail = cards[chart_files.TMS]["detail"]
    assert _SCREEN not in detail, name
    assert _EARLIER not in detail, name


def test_a_stated_course_is_still_an_earlier_course() -> None:
    cards = _cards("t_s_p_TMS_2021")
    assert _EARLIER in cards[chart_files.TMS]["detail"]


def test_the_removed_foreign_body_says_why_it_is_screened() -> None:
    detail = _cards("t_Corneal_foreign_body_removed_2015")[chart_files.TMS]["detail"]
    assert "Corneal foreign body, removed 2015" in detail


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(
        _FOLDER, PSYCHOTIC_HELD, NOT_PSYCHOTIC, SCREENED, SAFETY_HELD, PLAIN, EARLIER_COURSE
    )
