"""Session 40 fix tms58 (review K63a findings 4, 5, 9, 10).

- Finding 4 (UNSAFE): current psychotic symptoms typed in ("Auditory hallucinations", "Hearing
  voices", "Paranoid delusions", "Command hallucinations") or coded R44.0 gave a one-click TMS
  referral whose packet said "Psychotic features: none on record"; now read as psychotic features
  (diagnosis_terms.csv, condition_codes.csv R44.0-R44.3), so TMS is held as for "Psychosis NOS".
- Finding 5 (UNSAFE): a seizure in a Condition's note ("h/o seizure 2015, off keppra") or a
  Procedure's ("h/o seizures" on an EEG), and an aneurysm clip in a Procedure note, were not
  read; the notes are now read for the seizure and metal screen (fhir_mapping/safety_notes.py).
- Finding 9: F13, F14, F15 coded active and "Active cocaine use" typed in get the TMS card's
  motor-threshold line, as alcohol (services/data/tms_threshold_conditions.csv).
- Finding 10: a Device that could not be attributed (no patient) makes the contraindication line
  "could not be checked: ask before referral" (services/unattributed_screen.py).
- Controls: negated symptoms and seizures ("No hallucinations", "Denies AH/VH", a note "No
  seizures", a relative's epilepsy) stay one-click with nothing said.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "tms58_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_OPTIMISE = "optimize-switch-augment"
_THRESHOLD = "For the TMS team's motor threshold:"

HELD = {
    "h_Auditory_hallucinations": "fixed",
    "h_Hearing_voices": "fixed",
    "h_Paranoid_delusions": "fixed",
    "h_Command_hallucinations": "fixed",
    "h_R44_0_Auditory_hallucinations": "fixed",
    "h_Anxiety_note_h_o_seizure_2015_off_keppra": "fixed",
    "h_Craniotomy_note_MCA_aneurysm_clipped": "fixed",
    "h_Procedure_note_h_o_seizures": "fixed",
}

THRESHOLD = {
    "m_F14_20_cocaine_dependence": "fixed",
    "m_F13_20_sedative_dependence": "fixed",
    "m_F15_20_stimulant_dependence": "fixed",
    "m_Active_cocaine_use": "fixed",
}

UNCHECKED = {"u_Device_without_patient_Cochlear_implant": "fixed"}

QUIET = {
    "q_No_hallucinations": "control",
    "q_Denies_AH_VH": "control",
    "q_Denies_hallucinations_or_delusions": "control",
    "q_Anxiety_note_no_seizures": "control",
    "q_Anxiety_note_FHx_epilepsy_mother": "control",
}


def _tms_detail(cards: dict[str, Any]) -> str:
    detail: str = cards[chart_files.TMS]["detail"]
    return detail


@pytest.mark.parametrize("name", sorted(HELD))
def test_psychotic_symptoms_or_noted_seizure_hold_tms(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert chart_files.RISK not in cards, name
    assert _OPTIMISE in cards, name


@pytest.mark.parametrize("name", sorted(THRESHOLD))
def test_sedative_or_stimulant_use_gets_the_motor_threshold_line(name: str) -> None:
    cards = _cards(name)
    assert chart_files.RISK not in cards, name
    assert _THRESHOLD in _tms_detail(cards), name


def test_unattributable_device_is_not_cleared() -> None:
    detail = _tms_detail(_cards("u_Device_without_patient_Cochlear_implant"))
    assert "metal or stimulator near the head could not be checked" in detail
    assert "ask before referral" in detail
    assert (
        "**Met** · Adult · Diagnosis" not in detail
        or "Contraindications" not in detail.split("**Met**")[1].split("\n")[0]
    )


@pytest.mark.parametrize("name", sorted(QUIET))
def test_negated_words_stay_one_click(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)
    assert _THRESHOLD not in _tms_detail(cards), name


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, HELD, THRESHOLD, UNCHECKED, QUIET)
