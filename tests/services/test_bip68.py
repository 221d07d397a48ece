"""Session 39 review K62a finding 4 (fix bip68): a relative's bipolar disorder read as the
patient's.

After fix bip67 a visit reason "mother bipolar", "father with bipolar, pt MDD", "son with bipolar
disorder" or "hx of bipolar in family" gave "bipolar disorder on record", a diagnosis review and
no optimise or TMS card: a card claiming more than the record shows. The gap is older: a
text-only Condition "mother bipolar" was read as the patient's too. "FHx bipolar disorder" and
"sister has BPAD" were read right (text_negations.csv `family` cues). A relative written as the
subject ("mother", "son with", "grandfather had": self_harm_terms.csv `relative` rows) now
governs a bipolar mention as it governs a seizure or SI mention, and "in family" or "(family hx)"
right after it makes it the family's (fhir_mapping/relative_diagnosis.py).

Kept the patient's, the safer reading where the words leave it in doubt: "bipolar, mother also"
(a relative after the term), "pt bipolar; mother schizophrenia", "mother bipolar, pt also", a
rule-out ("r/o bipolar"), "bipolar with conflict in family" (no family cue closing the term).

Charts: tests/services/bip68_charts/ (bip67's visit_reason_no_history_of_mania.json and
problem_Bi_polar_disorder.json, as of 2025-06-01, the visit reason's or the Condition's text
changed).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "bip68_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2025, 6, 1))

DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"

# The relative's: no bipolar disorder read, optimise and TMS offered.
OFFERED = {
    "visit_reason_mother_bipolar": "fixed",
    "visit_reason_father_with_bipolar_pt_MDD": "fixed",
    "visit_reason_son_with_bipolar_disorder": "fixed",
    "visit_reason_hx_of_bipolar_in_family": "fixed",
    "visit_reason_Bipolar_disorder_family_hx": "fixed",
    "visit_reason_grandfather_had_bipolar": "fixed",
    "problem_mother_bipolar": "fixed",
    "problem_Mom_with_bipolar_I_disorder": "fixed",
    "problem_Bipolar_in_family": "fixed",
    # Read right before: a family-history cue before the term.
    "visit_reason_FHx_bipolar_disorder": "control",
    "visit_reason_sister_has_BPAD": "control",
    "problem_FHx_bipolar_disorder": "control",
}

# The patient's: bipolar disorder on record, no optimise or TMS card (pass before and after).
HELD = {
    "visit_reason_bipolar_mother_also": "control",
    "visit_reason_pt_bipolar_mother_schizophrenia": "control",
    "visit_reason_mother_bipolar_pt_also": "control",
    "visit_reason_r_o_bipolar": "control",
    "visit_reason_bipolar_with_conflict_in_family": "control",
    "problem_Mother_with_bipolar_pt_reports_same": "control",
}


@pytest.mark.parametrize("name", sorted(OFFERED))
def test_a_relatives_bipolar_is_not_the_patients(name: str) -> None:
    cards = _cards(name)
    review = cards.get(DIAGNOSIS)
    assert review is None or "bipolar" not in review["summary"].lower(), (name, review)
    assert OPTIMISE in cards, name
    assert TMS in cards, name


@pytest.mark.parametrize("name", sorted(HELD))
def test_the_patients_bipolar_is_held(name: str) -> None:
    cards = _cards(name)
    assert DIAGNOSIS in cards, name
    assert "bipolar disorder on record" in cards[DIAGNOSIS]["summary"], cards[DIAGNOSIS]
    assert TMS not in cards
    assert OPTIMISE not in cards


def test_a_rule_out_is_named_a_differential() -> None:
    detail = _cards("visit_reason_r_o_bipolar")[DIAGNOSIS]["detail"]
    assert "r/o bipolar" in detail


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, OFFERED, HELD)
