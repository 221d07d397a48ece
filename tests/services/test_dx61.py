"""Session 37 fix dx61 (after dx60): a seizure named only as a visit's reason, an encounter
diagnosis or an order's reason.

- An ED visit whose reasonCode is "Seizure", "Convulsions", "new onset seizure", "sz",
  "Breakthrough seizure", "r/o seizure", or coded R56.9 / SNOMED CT 91175000 (Epic and Oracle
  Health shapes) gave a one-click TMS referral with bupropion listed: visit reasons were not read
  for a seizure. They are now read as the same words and codes on the problem list are
  (fhir_mapping/visit_seizure.py): TMS and bupropion held. "r/o seizure" is held (rule-out words
  are read as the finding everywhere; a seizure worked up at an ED visit is the TMS question).
- An encounter diagnosis typed in as "Seizure", sent `resolved` once the visit closed, was
  dropped (text-only seizures counted only while active): the status says the visit ended, so it
  counts (condition_text.py). Coded R56.9 resolved was held already (control).
- Levetiracetam or lamotrigine ordered for "seizures" in words: levetiracetam was only screened,
  lamotrigine (a mood drug too) gave a plain referral with bupropion listed. An antiseizure drug
  alone is no seizure (it stays a screen: control), one ordered for a seizure is
  (services/antiseizure_screen.py). "Seizure prophylaxis" states no seizure: screened.
- "Convulsive syncope", "seizure precautions" and "PNES" as a visit's reason were a plain
  referral; they are screened on the TMS card as on the problem list (tms_safety_terms.csv
  `visit-reason` cautions), bupropion still listed (no seizure disorder).
- Controls: "no seizure activity", "Syncope", a relative's seizures stay a plain referral.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "dx61_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_OPTIMISE = "optimize-switch-augment"

HELD = {
    "h_ED_reason_Seizure": "fixed",
    "h_ED_reason_Convulsions_oracle": "fixed",
    "h_ED_reason_new_onset_seizure": "fixed",
    "h_ED_reason_sz_oracle": "fixed",
    "h_ED_reason_Breakthrough_seizure": "fixed",
    "h_ED_reason_r_o_seizure": "fixed",
    "h_ED_reason_R56_9": "fixed",
    "h_ED_reason_SNOMED_91175000_oracle": "fixed",
    "h_ED_dx_Seizure_resolved_oracle": "fixed",
    "h_ED_dx_R56_9_resolved": "control",
    "h_Levetiracetam_for_seizures": "fixed: was screened",
    "h_Lamotrigine_for_seizures": "fixed",
    "h_Levetiracetam_for_R56_9": "control",
}

SCREENED = {
    "s_ED_reason_Convulsive_syncope": "fixed",
    "s_ED_reason_seizure_precautions": "fixed",
    "s_ED_reason_PNES_oracle": "fixed",
    "s_Levetiracetam_no_reason": "control",
    "s_Levetiracetam_for_seizure_prophylaxis": "control",
}

QUIET = {
    "q_ED_reason_no_seizure_activity": "control",
    "q_ED_reason_Syncope": "control",
    "q_ED_reason_mother_has_seizures_oracle": "control",
}

# The screened charts whose drug, not the visit, is asked about: bupropion is held for an
# antiseizure drug unexplained (drug_cautions.csv `antiseizure-unexplained`).
_DRUG_SCREENED = {"s_Levetiracetam_no_reason", "s_Levetiracetam_for_seizure_prophylaxis"}


def _switch_options(cards: dict[str, Any]) -> str:
    detail: str = cards[_OPTIMISE]["detail"]
    return detail.split("Switch options", 1)[1].split(".", 1)[0]


def _tms_detail(cards: dict[str, Any]) -> str:
    detail: str = cards[chart_files.TMS]["detail"]
    return detail


@pytest.mark.parametrize("name", sorted(HELD))
def test_seizure_at_a_visit_holds_tms_and_bupropion(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert chart_files.RISK not in cards, name
    assert "Why no TMS referral:** contraindication" in cards[_OPTIMISE]["detail"]
    assert "bupropion" not in _switch_options(cards)


def test_visit_reason_named_as_such() -> None:
    detail = _cards("h_ED_reason_Seizure")[_OPTIMISE]["detail"]
    assert "contraindication: Seizure (visit reason) (2026-10-14)" in detail


@pytest.mark.parametrize("name", sorted(SCREENED))
def test_seizure_question_screened(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)
    detail = _tms_detail(cards)
    assert "TMS safety screen required" in detail
    assert "No epilepsy/seizure disorder, metal" not in detail
    listed = "bupropion" in _switch_options(cards)
    assert listed is (name not in _DRUG_SCREENED), name


def test_visit_caution_names_the_visit() -> None:
    detail = _tms_detail(_cards("s_ED_reason_Convulsive_syncope"))
    assert "Convulsive syncope (visit reason)" in detail


@pytest.mark.parametrize("name", sorted(QUIET))
def test_controls_plain_referral(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)
    assert "TMS safety screen required" not in _tms_detail(cards)
    assert "bupropion" in _switch_options(cards)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, HELD, SCREENED, QUIET)
