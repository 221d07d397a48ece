"""Review 12 finding 3: a long QTc with QT-prolonging drugs already running is said on chart open
(services/rules/running_qtc.py), not only where a drug is ordered or proposed.

Charts are the QTc tests' (tests/services/test_qtc_cards_show_the_ecg.py): an ICD-10-CM MDD
problem, RxNorm MedicationRequests (methadone by its RxNorm ingredient code, as Epic sends a
clinic's methadone order), a US Core QTc Observation (LOINC 8636-3, ms) of 2025-05-20, validated
against fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date

import pytest

from services.recommendation import Indicator
from tests.services.test_qtc_cards_show_the_ecg import (
    CITALOPRAM_40,
    P,
    chart,
    medication,
    qtc,
    view_cards,
)

pytestmark = pytest.mark.real_drug_table

TOPIC = "running-drug-qtc"
AMITRIPTYLINE_100 = ("856762", "amitriptyline hydrochloride 100 MG Oral Tablet")
METHADONE = ("6813", "methadone")


def _methadone() -> dict:
    order = medication(METHADONE, date(2023, 1, 9), "mr-methadone")
    assert order["subject"]["reference"].endswith(P)
    return order


def test_a_long_qtc_with_a_tricyclic_and_methadone_running_is_a_warning() -> None:
    cards = view_cards(chart(qtc(492), _methadone(), draft=None, running=AMITRIPTYLINE_100))
    card = cards[TOPIC]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "QTc 492 ms on 2025-05-20 with amitriptyline and methadone running: each prolongs the "
        "QT interval; repeat the ECG"
    )
    assert "above 450 ms (ICH E14)" in card.detail
    assert "methadone" in card.detail and "known risk of torsades" in card.detail
    assert "Repeat the ECG, check potassium and magnesium" in card.detail
    assert card.suggestions == ()


def test_control_one_tricyclic_below_its_middle_band_makes_no_card() -> None:
    cards = view_cards(chart(qtc(475), draft=None, running=AMITRIPTYLINE_100))
    assert TOPIC not in cards


def test_one_tricyclic_above_its_middle_band_is_a_warning() -> None:
    """Session 25 review RA finding 9: above the 480 ms band (qtc-warning, ICH E14) the drug
    alone speaks on chart open, as an order of it is warned about (before: no card below 500)."""
    card = view_cards(chart(qtc(492), draft=None, running=AMITRIPTYLINE_100))[TOPIC]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "QTc 492 ms on 2025-05-20 with amitriptyline running: above 480 ms; repeat the ECG"
    )


def test_control_a_normal_qtc_with_both_drugs_makes_no_card() -> None:
    cards = view_cards(chart(qtc(430), _methadone(), draft=None, running=AMITRIPTYLINE_100))
    assert TOPIC not in cards


def test_citalopram_running_above_its_stop_line_alone_is_a_warning() -> None:
    card = view_cards(chart(qtc(512), draft=None, running=CITALOPRAM_40))[TOPIC]
    assert card.summary.startswith("QTc 512 ms on 2025-05-20 with citalopram running: above 500 ms")
    assert "the label says to stop it" in card.summary
