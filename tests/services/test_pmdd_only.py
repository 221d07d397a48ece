"""A chart whose only mood diagnosis is premenstrual dysphoric disorder (ICD-10-CM F32.81, SNOMED
596004 beside it), sertraline running and PHQ-9 16 -> 15 (recheck 12 chart q33): PMDD is not a
major depressive episode, so the TRD pathway takes no step. Before, the chart got the optimise
card ("1 adequate trial failed (sertraline)") with aripiprazole and brexpiprazole one click, and
a CBT/IPT card after that "failure". Now the diagnosis review alone speaks: "PHQ-9 15 with PMDD
only coded: assess for a major depressive episode"."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import FindingKind, PatientRecord
from services.patient_view import patient_view
from services.policy import Policy
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
PATIENT = "pt-pmdd"
Resource = dict[str, Any]
SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")


def _pmdd() -> Resource:
    return b.condition(
        b.ICD10CM,
        "F32.81",
        "Premenstrual dysphoric disorder",
        date(2024, 12, 1),
        category="problem-list-item",
        patient=PATIENT,
        extra_codings=[
            ("http://snomed.info/sct", "596004", "Premenstrual dysphoric disorder (disorder)")
        ],
        id="pmdd",
    )


def _mdd() -> Resource:
    return b.condition(
        b.ICD10CM,
        "F33.1",
        "Major depressive disorder, recurrent, moderate",
        date(2024, 12, 1),
        category="problem-list-item",
        patient=PATIENT,
        id="mdd",
    )


def _record(*conditions: Resource, last_score: int = 15) -> PatientRecord:
    chart = [
        b.patient(
            id=PATIENT, given="Ada", family="Moss", gender="female", birth_date=date(1975, 5, 5)
        ),
        *conditions,
        b.medication_request(
            *SERTRALINE_50,
            date(2025, 1, 6),
            dose_value=1,
            frequency=1,
            expected_supply_days=30,
            repeats=11,
            patient=PATIENT,
            id="mr-ser",
        ),
        *b.phq9(date(2025, 1, 6), 16, patient=PATIENT),
        *b.phq9(date(2025, 5, 19), last_score, patient=PATIENT),
    ]
    assert_valid(chart)
    return build_record(chart, as_of=AS_OF, patient_id=PATIENT)


def test_pmdd_is_read_as_its_own_finding_not_depression() -> None:
    record = _record(_pmdd())
    kinds = {f.kind for f in record.context.findings}
    assert FindingKind.PMDD in kinds
    assert FindingKind.DEPRESSION not in kinds


def test_pmdd_only_gets_no_trd_step_and_no_one_click_adjunct() -> None:
    cards = patient_view(_record(_pmdd()), Policy())
    topics = [c.topic for c in cards]
    assert "optimize-switch-augment" not in topics
    assert "psychotherapy" not in " ".join(topics)
    assert not any(s.actions for c in cards for s in c.suggestions)


def test_pmdd_only_with_a_high_phq9_asks_to_assess_for_a_major_depressive_episode() -> None:
    (card,) = [c for c in patient_view(_record(_pmdd()), Policy()) if c.topic == "diagnosis-review"]
    assert "PHQ-9 15 with PMDD only coded" in card.summary
    assert "Assess for a major depressive episode" in card.detail
    assert "F32.81" in card.detail


def test_pmdd_only_with_a_low_phq9_gets_no_card() -> None:
    assert patient_view(_record(_pmdd(), last_score=4), Policy()) == ()


def test_pmdd_beside_a_major_depression_code_keeps_the_pathway() -> None:
    cards = patient_view(_record(_pmdd(), _mdd()), Policy())
    assert "optimize-switch-augment" in [c.topic for c in cards]
    assert not any("PMDD only" in c.summary for c in cards)
