"""Session 40 fix bip69: whose bipolar disorder a text names, the relative's or the patient's.

After fix bip68 "bipolar in family", "FHx bipolar" and "Sister has BPAD" read as the family's,
but a `relative_same` word after them ("bipolar in family, pt also", "FHx bipolar, pt also") was
never read there: the patient's bipolar disorder was missed, augment and TMS offered (unsafe).
It is now the patient's too, the card naming the text (fhir_mapping/relative_diagnosis.py
`patient_shares`, `family_shared`). The other way (noise): "cousin w/ bipolar", "dad w/ BPAD",
"mother w bipolar", "bipolar (mother)", "Hx: bipolar - mother" were the patient's, TMS held; the
relative now governs them ("w/", "w": text_negations.csv `family_link`, read by the diagnosis
reader only) and a bracket or dash holding only relatives makes it the family's.

Kept as they were: "mother w/ SI" stays the critical card (the self-harm reader's links are not
changed); "pt and mother both bipolar", "FHx: mother bipolar. PMH: bipolar I", "bipolar II",
"bipolar (pt and mother)", "bipolar - mother at bedside" stay the patient's; "mother bipolar, pt
also has diabetes" stays the mother's (another finding of the patient's).

Charts: tests/services/bip69_charts/ (bip68's visit_reason_mother_bipolar.json and
problem_mother_bipolar.json, bip67's order_reason_quetiapine_bipolar_depression.json, as of
2025-06-01, their text changed; neg37's e_Hx_SI_Plan_none.json, as of 2026-12-01).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "bip69_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2025, 6, 1))
_visit_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"

# The patient's: bipolar disorder on record and named, no optimise or TMS card.
HELD = {
    "visit_reason_bipolar_in_family_pt_also": "fixed",
    "visit_reason_FHx_bipolar_pt_also": "fixed",
    "visit_reason_Sister_has_BPAD_pt_also": "fixed",
    "problem_Bipolar_in_family_pt_also": "fixed",
    "problem_FHx_bipolar_pt_too": "fixed",
    "order_reason_quetiapine_bipolar_in_family_pt_also": "fixed",
    "order_reason_quetiapine_FHx_bipolar_pt_also": "fixed",
    "visit_reason_bipolar_in_family_patient_also_has_BPAD": "control",
    "visit_reason_FHx_bipolar_pt_dx_bipolar_II_2019": "control",
    "problem_FHx_bipolar_pt_dx_bipolar_II_2019": "control",
    "visit_reason_pt_and_mother_both_bipolar": "control",
    "visit_reason_FHx_mother_bipolar_PMH_bipolar_I": "control",
    "visit_reason_bipolar_II": "control",
    "visit_reason_mom_w_bipolar_pt_too": "control",
    "visit_reason_bipolar_pt_and_mother": "control",
    "visit_reason_bipolar_mother_at_bedside": "control",
}

# The words the held card names (the text as written).
NAMED = {
    "visit_reason_bipolar_in_family_pt_also": "bipolar in family, pt also",
    "visit_reason_FHx_bipolar_pt_also": "FHx bipolar, pt also",
    "visit_reason_Sister_has_BPAD_pt_also": "Sister has BPAD, pt also",
    "problem_Bipolar_in_family_pt_also": "Bipolar in family, pt also",
    "problem_FHx_bipolar_pt_too": "FHx bipolar, pt too",
    "order_reason_quetiapine_bipolar_in_family_pt_also": "bipolar in family, pt also",
    "order_reason_quetiapine_FHx_bipolar_pt_also": "FHx bipolar, pt also",
}

# The relative's: no bipolar disorder read, optimise and TMS offered.
OFFERED = {
    "visit_reason_cousin_w_bipolar": "fixed",
    "visit_reason_mother_w_bipolar": "fixed",
    "visit_reason_dad_w_BPAD": "fixed",
    "visit_reason_bipolar_mother": "fixed",
    "visit_reason_Hx_bipolar_mother": "fixed",
    "problem_Mom_w_bipolar_I_disorder": "fixed",
    "problem_Bipolar_disorder_mother": "fixed",
    "order_reason_quetiapine_dad_w_bipolar": "fixed",
    "order_reason_quetiapine_bipolar_mother": "fixed",
    "order_reason_quetiapine_FHx_bipolar": "control",
    "visit_reason_mother_bipolar_pt_also_has_diabetes": "control",
    "visit_reason_FHx_bipolar_pt_also_has_diabetes": "control",
}

# A relative's SI written with "w/" or "w": the self-harm reading is unchanged (critical, no TMS).
CRITICAL = {
    "e_mother_w_SI_slash": "control",  # "mother w/ SI"
    "e_mother_w_SI": "control",  # "mother w SI"
}


@pytest.mark.parametrize("name", sorted(HELD))
def test_the_patients_bipolar_is_held(name: str) -> None:
    cards = _cards(name)
    assert DIAGNOSIS in cards, name
    assert "bipolar disorder on record" in cards[DIAGNOSIS]["summary"], cards[DIAGNOSIS]
    assert TMS not in cards
    assert OPTIMISE not in cards


@pytest.mark.parametrize("name", sorted(NAMED))
def test_the_held_card_names_the_text(name: str) -> None:
    assert NAMED[name] in _cards(name)[DIAGNOSIS]["detail"]


@pytest.mark.parametrize("name", sorted(OFFERED))
def test_a_relatives_bipolar_is_not_the_patients(name: str) -> None:
    cards = _cards(name)
    review = cards.get(DIAGNOSIS)
    assert review is None or "bipolar" not in review["summary"].lower(), (name, review)
    assert OPTIMISE in cards, name
    assert TMS in cards, name


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_a_relatives_si_keeps_the_critical_card(name: str) -> None:
    chart_files.assert_critical_without_tms(_visit_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, HELD, OFFERED, CRITICAL)
