"""Non-psychiatric drugs with a known risk of torsades (ondansetron, antiarrhythmics,
fluoroquinolones, macrolides, ...) are read beside an antidepressant with a QTc line, trazodone
and mirtazapine have a QTc caution line of their own, and an old myocardial infarction is a
caution line on a tricyclic order, never the acute-MI contraindication.

Review 12 c3: citalopram 40 mg with ondansetron and a QTc of 478 ms made no card. Charts are the
QTc tests' (tests/services/test_qtc_cards_show_the_ecg.py): an ICD-10-CM MDD problem, RxNorm
MedicationRequests as Epic sends a medication list (RxNorm coding + text; ondansetron with text
only, as in the review chart), a US Core QTc Observation (LOINC 8636-3, ms) of 2025-05-20,
validated against fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date

import pytest

from services.recommendation import Indicator
from tests.fixtures import builders as fb
from tests.services.test_qtc_cards_show_the_ecg import (
    CITALOPRAM_40,
    P,
    chart,
    medication,
    order_cards,
    qtc,
    view_cards,
)

pytestmark = pytest.mark.real_drug_table

TOPIC = "running-drug-qtc"
ORDER_QTC = "order-qtc"
CAUTION = "order-drug-caution"
ONDANSETRON_TEXT = (None, "ondansetron 8 MG Disintegrating Oral Tablet")
LEVOFLOXACIN = ("82122", "levofloxacin")
AMIODARONE = ("703", "amiodarone")
TRAZODONE_50 = ("856377", "trazodone hydrochloride 50 MG Oral Tablet")
NORTRIPTYLINE_25 = ("198045", "nortriptyline 25 MG Oral Capsule")


def _ondansetron() -> dict:
    """Epic's shape of a free-text medication-list entry: no coding, the text only."""
    return fb.medication_request(
        None,
        ONDANSETRON_TEXT[1],
        date(2025, 4, 1),
        dose_value=1,
        frequency=3,
        expected_supply_days=30,
        repeats=11,
        patient=P,
        id="mr-ondansetron",
    )


# --- chart open ------------------------------------------------------------------------------


def test_citalopram_with_ondansetron_and_qtc_478_is_a_warning_naming_both() -> None:
    cards = view_cards(chart(qtc(478), _ondansetron(), draft=None, running=CITALOPRAM_40))
    card = cards[TOPIC]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith("QTc 478 ms on 2025-05-20 with citalopram and ondansetron")
    assert "ondansetron" in card.detail and "known risk of torsades" in card.detail
    assert "CredibleMeds Known Risk" in card.detail
    assert card.suggestions == ()


@pytest.mark.parametrize("drug", [LEVOFLOXACIN, AMIODARONE])
def test_a_coded_fluoroquinolone_or_antiarrhythmic_counts_too(drug: tuple[str, str]) -> None:
    other = medication(drug, date(2025, 5, 1), "mr-other")
    card = view_cards(chart(qtc(470), other, draft=None, running=CITALOPRAM_40))[TOPIC]
    assert drug[1] in card.summary


def test_control_ondansetron_with_a_normal_qtc_makes_no_card() -> None:
    cards = view_cards(chart(qtc(440), _ondansetron(), draft=None, running=CITALOPRAM_40))
    assert TOPIC not in cards


def test_control_ondansetron_alone_is_never_a_trial_nor_a_card() -> None:
    # Sertraline has no QTc row: ondansetron is not even read (read_only_with), so no card and no
    # course of it on the record.
    record = chart(qtc(478), _ondansetron(), draft=None)
    assert TOPIC not in view_cards(record)
    assert all(t.ingredient != "ondansetron" for t in record.trials)


def test_trazodone_with_ondansetron_above_450_is_a_card() -> None:
    cards = view_cards(chart(qtc(470), _ondansetron(), draft=None, running=TRAZODONE_50))
    card = cards[TOPIC]
    assert "trazodone and ondansetron" in card.summary
    assert "Desyrel label 5.3" in card.detail


# --- the order hooks -------------------------------------------------------------------------


def test_citalopram_drafted_with_ondansetron_running_names_it_as_a_warning() -> None:
    record = chart(qtc(478), _ondansetron(), draft=CITALOPRAM_40)
    card = order_cards(record)[ORDER_QTC]
    assert card.indicator is Indicator.WARNING
    assert "ondansetron running" in card.summary
    assert "Also running, each prolonging the QT interval" in card.detail
    assert "known risk of torsades" in card.detail


def test_control_citalopram_drafted_alone_above_450_stays_information() -> None:
    card = order_cards(chart(qtc(478), draft=CITALOPRAM_40))[ORDER_QTC]
    assert card.indicator is Indicator.INFO
    assert "Also running" not in card.detail


def test_trazodone_drafted_above_450_is_a_caution_line_without_a_dose_claim() -> None:
    card = order_cards(chart(qtc(470), draft=TRAZODONE_50))[ORDER_QTC]
    assert card.indicator is Indicator.INFO
    assert "dose-dependently" not in card.detail
    assert "avoid it with known QT prolongation" in card.detail


# --- old myocardial infarction ---------------------------------------------------------------


def _old_mi(system: str = fb.ICD10CM, code: str = "I25.2") -> dict:
    return fb.condition(
        system,
        code,
        "Old myocardial infarction",
        date(2019, 3, 4),
        category="problem-list-item",
        patient=P,
        id="cond-old-mi",
    )


@pytest.mark.parametrize(
    ("system", "code"), [(fb.ICD10CM, "I25.2"), ("http://snomed.info/sct", "1755008")]
)
def test_a_tricyclic_drafted_with_an_old_mi_is_a_caution_line(system: str, code: str) -> None:
    card = order_cards(chart(_old_mi(system, code), draft=NORTRIPTYLINE_25))[CAUTION]
    assert card.indicator is Indicator.INFO
    assert "contraindicated" not in card.summary.lower()
    assert "cardiovascular" in card.detail and code in card.detail


def test_control_old_mi_alone_makes_no_chart_open_card() -> None:
    cards = view_cards(chart(_old_mi(), draft=None, running=NORTRIPTYLINE_25))
    assert "running-drug-caution" not in cards


def test_control_old_mi_with_an_ssri_drafted_makes_no_caution() -> None:
    assert CAUTION not in order_cards(chart(_old_mi(), draft=CITALOPRAM_40))
