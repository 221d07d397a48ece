"""Session 38 fix tms51: the febrile exception dropped real seizures (review K59a finding 4).

tms50 held the TMS one-click for a resolved seizure typed in, except a febrile seizure, read as
the substring "febrile": "Afebrile seizure", "Nonfebrile seizure", "Seizure disorder; febrile
seizures as a child", "Seizures (febrile and afebrile)" and "Convulsions, febrile in childhood,
later unprovoked seizures" gave a one-click referral. The words are now matched whole,
"afebrile" / "nonfebrile" / "unprovoked" / "seizure disorder" keep the seizure counted, and the
febrile exception holds only when every seizure word is qualified as febrile
(fhir_mapping/seizure_resolved.py, data/seizure_resolved_terms.csv, UNVERIFIED).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "tms51_charts"
_AS_OF = date(2026, 12, 1)
_cards = chart_files.topic_reader(_FOLDER, _AS_OF)
_OPTIMISE = "optimize-switch-augment"
_REFER = "Refer for TMS evaluation"

# No TMS card: a past seizure that was not (only) febrile holds it.
SEIZURE_HELD = {
    "h1_Afebrile_seizure_resolved": "fixed: was a one-click referral",
    "h1_Nonfebrile_seizure_resolved": "fixed: was a one-click referral",
    "h1_Non_febrile_seizure_resolved": "fixed: was a one-click referral",
    "h1_Seizure_disorder_febrile_seizures_as_a_child_resolved": "fixed: was a one-click referral",
    "h1_Seizures_febrile_and_afebrile_resolved": "fixed: was a one-click referral",
    "h1_Convulsions_febrile_in_childhood_later_unprovoked_seizures_resolved": "fixed: was one-click",
    "c2_Seizure_HCC_resolved": "control (held before)",
}
# Only a febrile seizure, resolved: the one-click referral, as before.
OFFERED = {
    "c1_Febrile_seizure_resolved": "control",
    "c1_febrile_convulsions_as_a_child_resolved": "control",
    "c1_Hx_febrile_seizures_age_2_resolved": "control",
    "c3_SNOMED_230432008_resolved": "control: coded febrile convulsions, resolved",
}


def _one_click(card: dict[str, object]) -> bool:
    suggestions = card.get("suggestions") or []
    assert isinstance(suggestions, list)
    return any(s["label"] == _REFER for s in suggestions)


@pytest.mark.parametrize("name", sorted(SEIZURE_HELD))
def test_a_seizure_not_only_febrile_holds_tms(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards
    detail = cards[_OPTIMISE]["detail"]
    assert "**Why no TMS referral:** contraindication: " in detail
    assert "the entry is marked resolved 2016-03-01: a past seizure, still held" in detail


@pytest.mark.parametrize("name", sorted(OFFERED))
def test_a_febrile_seizure_only_keeps_the_one_click(name: str) -> None:
    card = _cards(name)[chart_files.TMS]
    assert _one_click(card), card["summary"]


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, SEIZURE_HELD, OFFERED)
