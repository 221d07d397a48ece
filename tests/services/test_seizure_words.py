"""Session 37 fix dx60 (review K55a finding 1, UNSAFE): a seizure history written in words.

- A problem-list entry whose words name a seizure or convulsions and no epilepsy ("Seizures",
  "History of seizure" on ICD-10-CM Z87.898, "h/o seizures", "Convulsions", "Seizure (HCC)",
  "Seizure-like activity", "Febrile seizure as a child") gave a one-click TMS referral whose card
  said "No epilepsy/seizure disorder ... recognised in the chart's codes and text", and bupropion
  stayed a switch option; the same seizure coded (R56.9, SNOMED CT 703151001) was held as a
  seizure disorder. The words are now read as R56.9 is (diagnosis_terms.csv `seizure*`,
  `convulsion*`): TMS and bupropion held.
- Psychogenic non-epileptic seizures (PNES, pseudoseizures) and seizure precautions are no
  epilepsy (look-alike rows), but not silence either: the TMS card names them on its "TMS safety
  screen required" line (tms_safety_terms.csv cautions), so the TMS service asks. "psychogenic
  non-epileptic seizures" was held as epilepsy ("epileptic" read as epilepsy).
- Controls: a denial, a relative's seizures and a drug's seizure threshold stay a plain referral
  with bupropion listed. A seizure entry resolved with its abatement date was one too, until fix
  tms50 held it as the same entry coded R56.9 resolved is held (its chart keeps its q_ name).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "seizure_words_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_OPTIMISE = "optimize-switch-augment"

HELD = {
    "h_Seizures": "fixed",
    "h_History_of_seizure": "fixed",
    "h_History_of_seizure_Z87_898": "fixed",
    "h_h_o_seizures": "fixed",
    "h_Convulsions": "fixed",
    "h_Seizure_HCC": "fixed",
    "h_Seizure_like_activity": "fixed",
    "h_Febrile_seizure_as_a_child": "fixed",
    "h_Seizure_precautions_h_o_seizures": "fixed",
    "q_Seizure_HCC_resolved": "changed by tms50: was a plain referral, R56.9 resolved was held",
}

SCREENED = {
    "s_Psychogenic_non_epileptic_seizures": "changed: was held as epilepsy",
    "s_PNES": "fixed",
    "s_Pseudoseizures": "fixed",
    "s_Seizure_precautions": "fixed",
}

QUIET = {
    "q_No_seizures": "control",
    "q_Denies_seizures": "control",
    "q_FHx_seizures": "control",
    "q_Bupropion_lowers_seizure_threshold": "control",
}


def _switch_options(cards: dict[str, Any]) -> str:
    # The optimise card's switch sentence, up to its first full stop after the options.
    detail: str = cards[_OPTIMISE]["detail"]
    return detail.split("Switch options", 1)[1].split(".", 1)[0]


def _tms_detail(cards: dict[str, Any]) -> str:
    detail: str = cards[chart_files.TMS]["detail"]
    return detail


@pytest.mark.parametrize("name", sorted(HELD))
def test_seizure_words_hold_tms_and_bupropion(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert chart_files.RISK not in cards, name
    assert "Why no TMS referral:** contraindication" in cards[_OPTIMISE]["detail"]
    assert "bupropion" not in _switch_options(cards)


@pytest.mark.parametrize("name", sorted(SCREENED))
def test_non_epileptic_and_precautions_screened(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)
    detail = _tms_detail(cards)
    assert "TMS safety screen required" in detail
    assert "No epilepsy/seizure disorder, metal" not in detail


@pytest.mark.parametrize("name", sorted(QUIET))
def test_controls_plain_referral(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)
    assert "TMS safety screen required" not in _tms_detail(cards)
    assert "bupropion" in _switch_options(cards)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, HELD, SCREENED, QUIET)
