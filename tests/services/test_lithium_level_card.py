"""Lithium running with its last level above the target gets a card of its own on chart open
(review 13 U1; services/rules/lithium_level.py).

Before, a level of 1.4 mmol/L on 900 mg/day with lisinopril running was said only halfway
through the optimise card's detail, whose summary and one-click proposals offered another drug,
and the interaction card asked for "a level in 5-7 days" beside the 1.4 already on record.

Charts are US Core shaped as Epic sends them (tests/fixtures/builders.py): the lithium level a
lab Observation, category laboratory, LOINC 14334-7 in mmol/L with an H flag; orders as
MedicationRequests with RxNorm clinical drugs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services.recommendation import Indicator, Recommendation
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b
from tests.fixtures.renewals import renewed
from tests.services.helpers import screen_by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
PATIENT = "p-lithium-level"
TOPIC = "running-lithium-level"
OPTIMISE = "optimize-switch-augment"
INTERACTION = "drug-interaction"
LITHIUM_LEVEL = "14334-7"  # LOINC Lithium [Moles/volume] in Serum or Plasma
Resource = dict[str, Any]

CITALOPRAM_20 = ("200371", "citalopram 20 MG Oral Tablet")
LITHIUM_300 = (None, "lithium carbonate 300 MG Oral Capsule")
LISINOPRIL_10 = ("314076", "lisinopril 10 MG Oral Tablet")


def _order(drug: tuple[str | None, str], start: date, per_day: int, rid: str) -> Resource:
    """A community order, 30 days with 11 refills: running on AS_OF."""
    return b.medication_request(
        *drug,
        start,
        dose_value=1,
        frequency=per_day,
        expected_supply_days=30,
        repeats=11,
        patient=PATIENT,
        id=rid,
    )


def _level(when: date, value: float, flag: str = "H", *, rid: str) -> Resource:
    lab = b.lab(
        LITHIUM_LEVEL,
        value,
        "mmol/L",
        when,
        "H" if flag == "H" else "N",
        (0.6, 1.2),
        patient=PATIENT,
        display="Lithium [Moles/volume] in Serum or Plasma",
    )
    lab["id"] = rid
    return lab


def _chart(*extra: Resource) -> PatientRecord:
    """F33.2 since 2024-06-03; sertraline 150 mg/day failed (2024-06-03 to 2024-09-30);
    citalopram 20 mg/day since 2024-09-30; PHQ-9 22, 21, 21; lithium and the rest in `extra`."""
    resources = [
        b.patient(
            id=PATIENT, given="Ana", family="Reyes", gender="female", birth_date=date(1975, 5, 5)
        ),
        b.condition(
            b.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 6, 3),
            category="problem-list-item",
            patient=PATIENT,
            id="mdd",
        ),
        b.medication_statement(
            "36437",
            "sertraline 100 MG Oral Tablet",
            date(2024, 6, 3),
            date(2024, 9, 30),
            status="completed",
            dose_value=150,
            dose_unit="mg",
            patient=PATIENT,
            id="ser",
        ),
        _order(CITALOPRAM_20, date(2024, 9, 30), 1, "mr-cit"),
        *b.phq9(date(2024, 6, 3), 22, patient=PATIENT),
        *b.phq9(date(2024, 9, 30), 21, patient=PATIENT),
        # Item 9 answered: a total only would hold the one-clicks (review 19 item 5).
        *b.phq9(date(2025, 5, 19), 21, 0, patient=PATIENT),
        *extra,
    ]
    assert_valid(resources)
    return build_record(resources, as_of=AS_OF, patient_id=PATIENT)


def _lithium(start: date = date(2025, 3, 24)) -> Resource:
    return _order(LITHIUM_300, start, 3, "mr-li")  # 900 mg/day


_cards = screen_by_topic


def _medication_orders(card: Recommendation) -> list[str]:
    return [
        s.label
        for s in card.suggestions
        if any((a.resource or {}).get("resourceType") == "MedicationRequest" for a in s.actions)
    ]


def _review_chart(value: float = 1.4) -> PatientRecord:
    """The review's a5: lithium 900 mg/day with lisinopril; a level 4 days ago."""
    return _chart(
        _lithium(),
        # Since 2016, renewed yearly as Epic writes a drug still taken (orders33).
        *renewed(_order(LISINOPRIL_10, date(2016, 4, 18), 1, "mr-lis"), AS_OF),
        _level(date(2025, 5, 29), value, rid="li-now"),
    )


def test_a_level_of_1_4_with_lisinopril_is_a_warning_card_with_level_date_and_dose() -> None:
    card = _cards(_review_chart())[TOPIC]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        # The line crossed is the 1.0 limit (NICE NG222), not the target.
        "Lithium 1.4 mmol/L on 2025-05-29 (above the 1.0 limit) on 900 mg/day with lisinopril: "
        "hold or reduce, check toxicity, repeat level, eGFR"
    )
    assert len(card.summary) < 140
    detail = card.detail
    assert detail.startswith("**Lithium level 1.4 mmol/L on 2025-05-29** (4 days ago")
    assert "above the 0.5-0.8 mmol/L augmentation target (CANMAT 2023 Table 7.2" in detail
    assert "- Lithium 900 mg/day, running since 2025-03-24." in detail
    assert "- Lisinopril 10 mg/day, running since 2016-04-18" in detail
    assert "Hold or reduce the dose, check for signs of toxicity" in detail
    assert "**Kidney function:** no creatinine or eGFR on record." in detail
    assert not card.suggestions  # hold, reduce or stop: the prescriber's decision
    assert card.evidence_key is not None


def test_at_or_above_the_labels_toxicity_line_it_is_critical() -> None:
    card = _cards(_review_chart(1.5))[TOPIC]
    assert card.indicator is Indicator.CRITICAL
    # A critical card is never snoozed, whatever its topic (review s26 RK2 finding 3); the same
    # topic's warning at 1.4 mmol/L still can be.
    assert card.snoozable is False and card.topic_snoozable is True
    assert _cards(_review_chart(1.4))[TOPIC].snoozable is True
    assert "(at or above 1.5, toxicity risk)" in card.summary
    assert "hold" in card.summary
    assert "at or above 1.5 mmol/L, where the lithium label puts a greater risk" in card.detail
    assert "Hold the lithium and assess for toxicity now" in card.detail


def test_while_it_is_open_the_optimise_card_proposes_no_drug_as_one_click() -> None:
    cards = _cards(_review_chart())
    optimise = cards[OPTIMISE]
    assert _medication_orders(optimise) == []
    assert optimise.detail.startswith(
        "**Not one click while the lithium level is above its target**"
    )
    assert "Propose adjunctive aripiprazole" in optimise.detail.split("\n\n")[0]
    snoozed = _cards(_review_chart(), hidden=frozenset({TOPIC}))
    assert TOPIC not in snoozed
    assert any("aripiprazole" in label for label in _medication_orders(snoozed[OPTIMISE]))


def test_the_interaction_card_names_the_last_level() -> None:
    card = _cards(_review_chart())[INTERACTION]
    assert card.summary == (
        "Lithium and lisinopril both running: raises lithium levels (toxicity risk); "
        "long-standing; last level 1.4 mmol/L on 2025-05-29"
    )  # a level drawn since the pair began: no new one asked for it (review s24 RN finding 9)
    assert (
        "**Lithium level:** last level 1.4 mmol/L on 2025-05-29, above the 0.5-0.8 mmol/L target."
        in card.detail
    )


def test_a_level_in_range_gives_no_card_and_one_click_stays() -> None:
    cards = _cards(_chart(_lithium(), _level(date(2025, 5, 29), 0.7, "N", rid="li-ok")))
    assert TOPIC not in cards or cards[TOPIC].indicator == "info"  # due only (lith49)
    assert any("aripiprazole" in label for label in _medication_orders(cards[OPTIMISE]))


def test_a_high_level_since_normalised_gives_no_card() -> None:
    record = _chart(
        _lithium(),
        _level(date(2025, 4, 14), 1.3, rid="li-high"),
        _level(date(2025, 5, 29), 0.7, "N", rid="li-ok"),
    )
    found = _cards(record)
    assert TOPIC not in found or found[TOPIC].indicator == "info"  # due only (lith49)


def test_a_high_level_of_an_earlier_course_gives_no_card() -> None:
    # 1.3 in 2023, before this course started: it says nothing of today's dose.
    record = _chart(_lithium(), _level(date(2023, 5, 2), 1.3, rid="li-old"))
    found = _cards(record)
    assert TOPIC not in found or found[TOPIC].indicator == "info"  # due only (lith49)


def test_no_card_once_lithium_has_stopped() -> None:
    stopped = b.medication_request(
        *LITHIUM_300,
        date(2024, 10, 7),
        dose_value=1,
        frequency=3,
        expected_supply_days=30,
        status="stopped",
        bounds_end=date(2025, 1, 6),
        patient=PATIENT,
        id="mr-li-stopped",
    )
    record = _chart(stopped, _level(date(2024, 12, 16), 1.3, rid="li-then"))
    assert TOPIC not in _cards(record)
