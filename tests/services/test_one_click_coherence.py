"""One-click proposals that another card on the same screen warns against (audit 13 UNSAFE 1-2,
WRONG 3, 10, 11; rules/one_click_hold.py).

Before: fluvoxamine raised one click beside a critical fluvoxamine-theophylline card (p3);
aripiprazole one click "adjunct to the current antidepressant" beside "bupropion contraindicated
with bulimia: review whether it should continue" (e1) and beside "duloxetine: avoid in cirrhosis"
(h1); adjuncts one click beside an open suicide-risk card the optimise card itself named (d10);
escitalopram's age card citing the FDA citalopram notice, and its one-click reduction beside a
switch proposal with no word on how they fit (b2); "Add olanzapine to venlafaxine (STOP-PD)"
although STOP-PD tested olanzapine with sertraline (psychotic_features).

Charts are US Core shaped (tests/fixtures/builders.py), mapped by build_record with the real
tables, as in test_sodium_running.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services.recommendation import Recommendation
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b
from tests.fixtures import scenarios
from tests.services.helpers import screen_by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
PATIENT = "p-one-click"
OPTIMISE = "optimize-switch-augment"
START = date(2025, 3, 3)
Resource = dict[str, Any]


def _running(rxcui: str, display: str, rid: str, start: date = START) -> Resource:
    """A community order, one a day, 30 days with 5 refills: running on AS_OF."""
    return b.medication_request(
        rxcui,
        display,
        start,
        dose_value=1,
        frequency=1,
        expected_supply_days=30,
        repeats=5,
        patient=PATIENT,
        id=rid,
    )


def _chart(*extra: Resource, born: date = date(1975, 5, 5)) -> PatientRecord:
    """F33.2 since 2024-10-01; PHQ-9 18 on the start of the running drug, 17 ten weeks later (an
    adequate trial that failed when its dose is adequate); the drugs and findings in `extra`."""
    resources = [
        b.patient(id=PATIENT, given="Test", family="Coherence", gender="female", birth_date=born),
        b.condition(
            b.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 10, 1),
            category="problem-list-item",
            patient=PATIENT,
            id="mdd",
        ),
        *b.phq9(START, 18, 0, patient=PATIENT),
        *b.phq9(date(2025, 5, 12), 17, 0, patient=PATIENT),
        *extra,
    ]
    assert_valid(resources)
    return build_record(resources, as_of=AS_OF, patient_id=PATIENT)


def _problem(code: str, display: str, since: date, rid: str) -> Resource:
    return b.condition(
        b.ICD10CM, code, display, since, category="problem-list-item", patient=PATIENT, id=rid
    )


_cards = screen_by_topic


def _medication_orders(card: Recommendation) -> list[str]:
    return [
        s.label
        for s in card.suggestions
        if any((a.resource or {}).get("resourceType") == "MedicationRequest" for a in s.actions)
    ]


# --- 1. an interaction card holds raises of its drugs (p3) ---------------------------------------


def test_a_critical_interaction_holds_the_raise_of_its_drug() -> None:
    cards = _cards(
        _chart(
            _running("903884", "fluvoxamine maleate 100 MG Oral Tablet", "fluv"),
            _running("10438", "theophylline", "theo", date(2020, 1, 1)),
        )
    )
    assert "drug-interaction" in cards
    optimise = cards[OPTIMISE]
    assert _medication_orders(optimise) == []
    first = optimise.detail.split("\n\n")[0]
    assert first.startswith("**Not one click beside a drug interaction:** Raise fluvoxamine")
    assert "fluvoxamine with theophylline (critical)" in first


def test_without_the_interacting_drug_the_raise_stays_one_click() -> None:
    cards = _cards(_chart(_running("903884", "fluvoxamine maleate 100 MG Oral Tablet", "fluv")))
    assert _medication_orders(cards[OPTIMISE]) == ["Raise fluvoxamine to 150 mg/day"]


# --- 2. a condition against the running drug holds adjuncts onto it (e1, h1) ---------------------


@pytest.mark.parametrize(
    ("drug", "problem", "name"),
    [
        (
            ("993557", "24 HR bupropion hydrochloride 300 MG Extended Release Oral Tablet"),
            ("F50.20", "Bulimia nervosa, unspecified"),
            "bupropion",
        ),
        (
            ("596934", "duloxetine 60 MG Delayed Release Oral Capsule"),
            ("K74.60", "Unspecified cirrhosis of liver"),
            "duloxetine",
        ),
    ],
)
def test_a_drug_the_caution_card_asks_to_review_gets_no_one_click_adjunct(
    drug: tuple[str, str], problem: tuple[str, str], name: str
) -> None:
    cards = _cards(_chart(_running(*drug, "ad"), _problem(*problem, date(2023, 1, 10), "cond")))
    assert "running-drug-caution" in cards
    optimise = cards[OPTIMISE]
    assert _medication_orders(optimise) == []
    first = optimise.detail.split("\n\n")[0]
    assert first.startswith("**Not one click while a condition on record weighs against")
    assert "Propose adjunctive aripiprazole" in first
    assert f"keeps running {name}" in first
    # The options stay named as text.
    assert "**Augment:** First-line adjuncts" in optimise.detail


def test_the_same_drug_without_the_condition_keeps_its_adjuncts_one_click() -> None:
    cards = _cards(
        _chart(
            _running(
                "993557", "24 HR bupropion hydrochloride 300 MG Extended Release Oral Tablet", "ad"
            )
        )
    )
    assert any("aripiprazole" in label for label in _medication_orders(cards[OPTIMISE]))


# --- 3. an acute suicide-risk signal holds the drug proposals (d10) ------------------------------


def test_an_open_suicide_risk_card_holds_the_adjuncts_and_says_so_once() -> None:
    record = _chart(
        _running("312941", "sertraline 50 MG Oral Tablet", "ser"),
        *b.phq9(date(2025, 5, 3), 14, 1, patient=PATIENT),
    )
    cards = _cards(record)
    assert "suicide-risk" in cards
    optimise = cards[OPTIMISE]
    assert _medication_orders(optimise) == []
    # The dose-first raise (review s19 item 3) is held with the adjuncts.
    assert optimise.detail.startswith(
        "**Suicide risk card open:** assess risk before changing treatment; not one click until "
        "then: Raise sertraline to 100 mg/day (dose first, CANMAT 2023 para 187); Propose "
        "adjunctive aripiprazole"
    )
    assert optimise.detail.count("Suicide risk card open") == 1


# --- 4. escitalopram above its age limit beside a switch proposal (b2) ---------------------------


def test_the_escitalopram_age_card_cites_the_label_and_the_optimise_card_says_how_they_fit() -> (
    None
):
    cards = _cards(
        _chart(_running("351250", "escitalopram 20 MG Oral Tablet", "esc"), born=date(1955, 3, 3))
    )
    age = cards["dose-above-age-limit"]
    assert "citalopram" not in age.source.label.replace("escitalopram", "")
    assert age.source.label == "US prescribing information (FDA drug labels)"
    assert [s.label for s in age.suggestions] == ["Reduce escitalopram to 10 mg/day"]
    first = cards[OPTIMISE].detail.split("\n\n")[0]
    assert first.startswith("**Escitalopram 20 mg/day is above the labelled recommended dose")
    assert "a switch away from escitalopram, if chosen, supersedes the reduction" in first


def test_the_citalopram_age_card_still_cites_the_fda_communication() -> None:
    cards = _cards(
        _chart(_running("200371", "citalopram 20 MG Oral Tablet", "cit"), born=date(1950, 3, 3))
    )
    # 20 mg/day is within citalopram's limit over 60: no card; 40 mg/day is above it.
    assert "dose-above-age-limit" not in cards
    cards = _cards(
        _chart(
            b.medication_request(
                "200371",
                "citalopram 20 MG Oral Tablet",
                START,
                dose_value=2,
                frequency=1,
                expected_supply_days=30,
                repeats=5,
                patient=PATIENT,
                id="cit",
            ),
            born=date(1950, 3, 3),
        )
    )
    assert cards["dose-above-age-limit"].source.label.startswith(
        "FDA Drug Safety Communication 2012-03-28"
    )


# --- 5. psychotic features: the STOP-PD cite only for the drug it tested -------------------------


def test_olanzapine_added_to_venlafaxine_does_not_claim_stop_pd() -> None:
    scenario = scenarios.psychotic_features()
    record = build_record(scenario.resources, as_of=scenario.as_of, patient_id=scenario.patient_id)
    optimise = _cards(record)[OPTIMISE]
    (label,) = _medication_orders(optimise)
    assert label == (
        "Add olanzapine 5 mg/day to venlafaxine (titrate to target 15-20 mg/day, CANMAT 2023 "
        "Table 3.6; dose as in STOP-PD)"
    )
    note = next(
        a.resource["note"][0]["text"]
        for s in optimise.suggestions
        for a in s.actions
        if a.resource is not None and a.resource.get("resourceType") == "MedicationRequest"
    )
    assert "which used sertraline" in note
    assert "STOP-PD tested olanzapine with sertraline, not with venlafaxine" in optimise.detail
