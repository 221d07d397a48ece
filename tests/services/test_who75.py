"""Session 39 fix who75: WHO ICD-10 codes read through the ICD-10-CM rows (bip67 leftover, UNSAFE).

A Condition coded only with WHO ICD-10 (`http://hl7.org/fhir/sid/icd-10` or its OID) and no display
was read only where a table had a WHO row (self-harm X60-X84, bip67's F30/F31/F34.0): WHO G40.9
epilepsy held no TMS and no bupropion, F20.0 / F25.0 gave no psychosis review, F33.1 / F32.2 were no
depression diagnosis, F10.2 no substance-use review, G47.3 (either system) no sleep-apnoea check.
Now a WHO code in a category listed in fhir_mapping/data/who_icd10_categories.csv is read as the
ICD-10-CM code of its first 3 or 4 characters (fhir_mapping/who_icd10.py); WHO G41 status
epilepticus, R56.8 convulsions and F10.3/F10.4 withdrawal, which CM codes otherwise, have WHO rows.
An unrelated WHO code (J45.9 asthma) stays an entry that could not be read, named as before.

Charts: tests/services/who75_charts/ (bip67's WHO chart, trd_meets_tms.request.json as of
2025-06-01, its WHO Condition recoded; "only_depression" charts also drop the CM F33.2 problem).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.clinical_codes import condition_matches
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "who75_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2025, 6, 1))

DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
WHO = "http://hl7.org/fhir/sid/icd-10"
WHO_OID = "urn:oid:2.16.840.1.113883.6.3"
CM = "http://hl7.org/fhir/sid/icd-10-cm"

# TMS held for a seizure disorder: the optimise card says why, no referral card.
TMS_HELD = {
    "problem_who_G40_9_no_display": "failing before",
    "problem_who_oid_G40_9_no_display": "failing before",
    "problem_who_G41_9_no_display": "failing before",
    "problem_who_R56_8_no_display": "failing before",
    "problem_cm_G40_909": "control",
}

# The diagnosis review names what was read.
REVIEW = {
    "problem_who_F20_0_no_display": ("psychotic disorder on record", "failing before"),
    "problem_who_F25_0_no_display": ("psychotic disorder on record", "failing before"),
    "problem_cm_F20_0": ("psychotic disorder on record", "control"),
    "problem_who_F10_2_no_display": ("Review substance use", "failing before"),
    "problem_who_G47_3_no_display": ("untreated sleep apnea", "failing before"),
    "problem_cm_G47_3_no_display": ("untreated sleep apnea", "failing before"),
}

# The only depression diagnosis is a WHO code: read as MDD, so the TMS referral is offered.
DEPRESSION = {
    "problem_who_F33_1_only_depression": "failing before",
    "problem_who_F32_2_only_depression": "failing before",
}

UNREAD = {"problem_who_J45_9_no_display": "control"}


@pytest.mark.parametrize("name", sorted(TMS_HELD))
def test_seizure_disorder_holds_tms(name: str) -> None:
    cards = _cards(name)
    assert TMS not in cards
    assert "**Why no TMS referral:** contraindication:" in cards[OPTIMISE]["detail"]
    assert "bupropion not listed: contraindicated in seizure disorders" in cards[OPTIMISE]["detail"]


@pytest.mark.parametrize("name", sorted(REVIEW))
def test_diagnosis_review_names_the_reading(name: str) -> None:
    words, _ = REVIEW[name]
    cards = _cards(name)
    assert words in cards[DIAGNOSIS]["summary"]


@pytest.mark.parametrize("name", sorted(DEPRESSION))
def test_who_depression_is_the_diagnosis(name: str) -> None:
    cards = _cards(name)
    assert TMS in cards
    assert DIAGNOSIS not in cards


def test_unrelated_who_code_stays_named_as_unread() -> None:
    cards = _cards("problem_who_J45_9_no_display")
    assert TMS in cards
    assert "1 diagnosis could not be read" in cards[OPTIMISE]["detail"]


@pytest.mark.parametrize(
    ("system", "code", "kinds"),
    [
        (WHO, "G40.9", {"epilepsy"}),
        (WHO_OID, "g409", {"epilepsy"}),
        (WHO, "F33.1", {"depression"}),
        (WHO, "F31.3", {"bipolar"}),  # bip67's row, now read through CM F31
        (WHO, "F34.0", {"bipolar"}),
        (WHO, "F10.3", {"alcohol-sedative-withdrawal", "substance-use"}),
        # A WHO 5th character is never read: F10.21 is "abstinent in a protected environment",
        # not CM F10.21 "in remission" (the active disorder stays flagged, the safer side).
        (WHO, "F10.21", {"substance-use"}),
        (WHO, "X70", {"self-harm"}),  # the WHO self-harm rows are unchanged
        # WHO "other depressive episodes": read as CM F32.89 (its own rows, fix dx69), as is F06.3
        (WHO, "F32.8", {"depression", "depression-unspecified"}),
        (WHO, "F06.3", {"depression", "depression-not-mdd"}),
        (WHO, "J45.9", set()),  # outside the listed categories
        (WHO, "O99.3", set()),  # the O chapter was rebuilt in CM (trimesters): never bridged
        (CM, "G47.3", {"sleep-apnea"}),
        (CM, "F10.21", {"substance-use", "substance-use-in-remission"}),  # CM unchanged
    ],
)
def test_condition_matches(system: str, code: str, kinds: set[str]) -> None:
    assert {row.kind.value for row in condition_matches(system, code)} == kinds


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, TMS_HELD, REVIEW, DEPRESSION, UNREAD)
