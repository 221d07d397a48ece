"""Review 12 findings 2, 3, 8 and 15 (cardiac and QTc), on order-select:

2. An acute MI (ICD-10-CM I21.4, six weeks ago) and nortriptyline drafted: critical (review 16 M1;
   a warning before) naming the MI code and onset and the TCA labels' "acute recovery period" line; the same MI a year ago
   (past policy.recent_mi_days) gives no card (noise).
3. A QTc of 512 ms and amitriptyline drafted: a QTc warning (the tricyclic lab_safety.csv rows);
   --explain lists methadone apart from the antidepressant trials.
8. Epilepsy and clomipramine 225 mg/day drafted: a warning with the dose-related seizure line.
15. Heart failure (I50.22) and citalopram drafted: the label's ECG and electrolyte line.

Charts are the QTc tests' (tests/services/test_qtc_cards_show_the_ecg.py): an ICD-10-CM MDD
problem, sertraline running, RxNorm MedicationRequests, validated against fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.explain import explain
from services.recommendation import Indicator
from tests.fixtures import builders as fb
from tests.services.test_qtc_cards_show_the_ecg import P, chart, order_cards, qtc

pytestmark = pytest.mark.real_drug_table

NORTRIPTYLINE_25 = ("317136", "nortriptyline 25 MG Oral Capsule")
CLOMIPRAMINE_75 = ("857305", "clomipramine hydrochloride 75 MG Oral Capsule")
AMITRIPTYLINE_100 = ("856762", "amitriptyline hydrochloride 100 MG Oral Tablet")
CITALOPRAM_20 = ("200371", "citalopram 20 MG Oral Tablet")


def _problem(code: str, display: str, onset: date, status: str = "active") -> dict:
    return fb.condition(
        fb.ICD10CM, code, display, onset, status, patient=P, id=f"cond-{code.replace('.', '')}"
    )


def _contraindicated(cards: dict, topic: str = "order-drug-contraindicated") -> str:
    # A label caution has its own topic, order-drug-caution.
    card = cards[topic]
    assert card.indicator is Indicator.WARNING
    return f"{card.summary}\n{card.detail}"


def test_recent_nstemi_with_nortriptyline_drafted_is_critical_naming_the_mi() -> None:
    nstemi = _problem(
        "I21.4", "Non-ST elevation (NSTEMI) myocardial infarction", date(2025, 4, 20), "resolved"
    )
    # Critical since review 16 M1: a label contraindication at a new start, as the MAOI rows.
    card = order_cards(chart(nstemi, draft=NORTRIPTYLINE_25))["order-drug-contraindicated"]
    assert card.indicator is Indicator.CRITICAL
    text = f"{card.summary}\n{card.detail}"
    assert "acute recovery period after myocardial infarction" in text
    assert "I21.4" in text and "onset 2025-04-20" in text


def test_an_mi_past_the_recent_window_gives_no_card() -> None:
    old = _problem(
        "I21.4", "Non-ST elevation (NSTEMI) myocardial infarction", date(2024, 5, 1), "resolved"
    )
    # No contraindication; read as an old MI: the labels' caution line, information.
    card = order_cards(chart(old, draft=NORTRIPTYLINE_25))["order-drug-caution"]
    assert card.indicator is Indicator.INFO
    assert "contraindicated" not in card.summary.lower() and "I21.4" in card.detail


def test_epilepsy_with_clomipramine_drafted_is_a_seizure_warning() -> None:
    epilepsy = _problem("G40.909", "Epilepsy, unspecified, not intractable", date(2009, 5, 11))
    text = _contraindicated(
        order_cards(chart(epilepsy, draft=CLOMIPRAMINE_75)), "order-drug-caution"
    )
    assert "seizure risk rises with the dose" in text and "250 mg/day" in text
    assert "G40.909" in text
    assert "is contraindicated" not in text  # a label caution, never worded as a contraindication


def test_heart_failure_with_citalopram_drafted_names_ecg_and_electrolytes() -> None:
    failure = _problem("I50.22", "Chronic systolic (congestive) heart failure", date(2022, 1, 1))
    text = _contraindicated(order_cards(chart(failure, draft=CITALOPRAM_20)), "order-drug-caution")
    assert "ECG monitoring" in text and "potassium or magnesium" in text and "I50.22" in text


def test_long_qtc_with_amitriptyline_drafted_is_a_qtc_warning() -> None:
    cards = order_cards(chart(qtc(512), draft=AMITRIPTYLINE_100))
    card = cards["order-qtc"]
    assert card.indicator is Indicator.WARNING
    assert "512 ms" in card.summary and "500 ms" in card.summary
    assert "UNVERIFIED" in card.detail  # no tricyclic label gives the number


def test_explain_lists_methadone_apart_from_the_trials() -> None:
    methadone = fb.medication_request(
        "864706",
        "methadone hydrochloride 10 MG Oral Tablet",
        date(2024, 1, 5),
        expected_supply_days=30,
        repeats=11,
        patient=P,
        id="mr-methadone",
    )
    text = explain(chart(methadone, draft=None))
    trials, _, rest = text.partition("Other drugs read for interaction checks, not trials (1):")
    assert "methadone" in rest.split("\n\n")[0]
    assert "methadone" not in trials
