"""Session 40 fix tms60 (review K64a findings 3, 8): tms57/tms58 over-reading.

- Finding 3: a hallucination or delusion said as past or resolved ("History of hallucinations",
  "Paranoid delusions, resolved 2020"), a sleep phenomenon ("Hypnagogic hallucinations"), a
  support group ("Attends hearing voices group") or with a named cause ("Charles Bonnet
  syndrome", "Alcohol withdrawal hallucinations 2015") turned the optimise card to "Psychotic
  features ... antipsychotic" and held TMS; it is no current psychotic feature now
  (fhir_mapping/psychotic_current.py, data/psychotic_not_current.csv).
- Finding 8: a childhood febrile seizure in a Condition's note held TMS; it reads as the
  Condition's own words resolved do (fhir_mapping/safety_notes.py).
- Controls: "Auditory hallucinations" active in 2026 and a note "h/o seizure 2015, off keppra"
  still hold TMS.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "tms60_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_OPTIMISE = "optimize-switch-augment"
_PSYCHOTIC = "Psychotic features"

TMS_OFFERED = {
    "t_History_of_hallucinations": "fixed",
    "t_hallucinations_resolved_2019": "fixed",
    "t_Paranoid_delusions_resolved_2020": "fixed",
    "t_Hypnagogic_hallucinations": "fixed",
    "t_Attends_hearing_voices_group": "fixed",
    "t_Charles_Bonnet_syndrome": "fixed",
    "t_Alcohol_withdrawal_hallucinations_2015": "fixed",
    "t_Anxiety_note_h_o_febrile_seizure_age_2": "fixed",
    "t_Anxiety_note_febrile_seizure_as_a_child": "fixed",
}

HELD = {
    "h_Auditory_hallucinations_2026": "control",
    "h_Anxiety_note_h_o_seizure_2015_off_keppra": "control",
}


@pytest.mark.parametrize("name", sorted(TMS_OFFERED))
def test_past_or_caused_symptom_and_febrile_note_offer_tms(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS in cards, name
    assert chart_files.RISK not in cards, name
    assert _PSYCHOTIC not in cards.get(_OPTIMISE, {}).get("detail", ""), name


@pytest.mark.parametrize("name", sorted(HELD))
def test_current_symptom_and_seizure_note_still_hold(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert chart_files.RISK not in cards, name


def test_current_hallucinations_keep_the_psychotic_headline() -> None:
    cards = _cards("h_Auditory_hallucinations_2026")
    assert _PSYCHOTIC in cards[_OPTIMISE]["detail"]


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, TMS_OFFERED, HELD)
