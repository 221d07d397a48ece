"""Recheck s28 K9 findings 2, 3, 5, 6: how a ward dose's statusReason text is read
(fhir_mapping/administration_reasons.py, data/administration_reasons.csv)."""

from __future__ import annotations

import pytest

from fhir_mapping.adherence_record import DoseReading
from fhir_mapping.administration_reasons import reason_reading

MISSED, HELD = DoseReading.MISSED, DoseReading.HELD


def _read(text: str, unnamed: DoseReading = HELD) -> DoseReading:
    return reason_reading([{"text": text}], unnamed=unnamed)


@pytest.mark.parametrize(
    "text",
    [
        # Finding 2: word forms of a refusal and the patient's other words for it.
        "Pt refusing",
        "Refuse",
        "Patient refuse",
        "Pt did not want",
        "Pt does not want",
        "Patient won't take",
        "Patient won\u2019t take",
        "Pt unwilling",
        "spit out",
        "cheeked",
        "Noncompliant",
        # Finding 5: the patient asleep or away, as the codes c and b; wins over "held".
        "asleep",
        "sleeping",
        "off unit",
        "off floor",
        "away",
        "LOA",
        "out on pass",
        "Held - patient asleep",
        # Still the patient's choice beside a possessive.
        "Held per patient's request",
        "held per patient's wishes",
        "Held at patient request",
        "Not given - refused",  # the negation is of "given", not of the refusal
    ],
)
def test_reads_missed_on_hold(text: str) -> None:
    assert _read(text) is MISSED


@pytest.mark.parametrize(
    "text",
    [
        # Finding 3: a clinician after "per patient's" is the prescriber's hold.
        "Held per patient's psychiatrist",
        "Held per patient\u2019s MD",
        "Not given per patient's cardiologist",
        "per pt's MD",
        # Finding 6: a negated refusal is none.
        "Not refused - held for sedation",
        "No refusal; held for low BP",
        "Held - BP 82/50, patient did not refuse",
    ],
)
def test_reads_held_even_on_a_dose_not_done(text: str) -> None:
    assert _read(text, unnamed=MISSED) is HELD


def test_a_stem_row_matches_only_words_beginning_so() -> None:
    # "refus*" reads "refusals" but not a word that only contains the stem.
    assert _read("two refusals today") is MISSED
    assert _read("nonrefusable supply", unnamed=MISSED) is MISSED  # unnamed: no row read
    assert _read("nonrefusable supply", unnamed=HELD) is HELD


# Fix FDX4 (session 28, dx30): the precedence tiers. An away word reads missed unless a
# clinical-errand word stands beside it; a refusal wins over both.
_AWAY_CODE = {"system": "http://hl7.org/fhir/reason-medication-not-given", "code": "b"}


@pytest.mark.parametrize(
    "text",
    [
        "Off unit for procedure",
        "off the floor - surgery",
        "Pt unavailable - in MRI",
        "Off unit for ECT",
        "Pt at HD",
        "Hemodialysis",
    ],
)
def test_away_for_a_clinical_errand_reads_held(text: str) -> None:
    assert _read(text, unnamed=MISSED) is HELD


@pytest.mark.parametrize(
    "text", ["Off unit", "Held - off unit", "Patient unavailable", "Pt refused; off unit for test"]
)
def test_away_alone_or_a_refusal_beside_an_errand_reads_missed(text: str) -> None:
    assert _read(text) is MISSED


def test_the_away_code_beside_an_errand_reads_held() -> None:
    assert reason_reading([{"coding": [_AWAY_CODE]}], unnamed=HELD) is MISSED
    assert reason_reading([{"coding": [_AWAY_CODE], "text": "at dialysis"}]) is HELD
