"""Recheck 11 finding 4: catatonia with psychotic features, and no CBT/IPT card beside them.

Chart K1 (F33.3 and F06.1, lorazepam 1 mg three times daily, two failed trials) got the summary
"Psychotic features: antidepressant plus antipsychotic at antipsychotic-range dose, or ECT":
catatonia unnamed and an antipsychotic first, although antipsychotics can worsen catatonia (NMS
risk) and ECT is especially effective with both (CANMAT 2023 para 215). It also got "consider a
CBT or IPT referral". Now the summary names catatonia first, then ECT, the benzodiazepine and the
antipsychotic only with caution; ECT is the recommended suggestion; and neither catatonic nor
psychotic features of this episode get a CBT/IPT card (their first treatments are ECT, an
antipsychotic combination or a benzodiazepine). Chart K2 (an ECT referral open) says the
referral is open instead of "consider ECT evaluation" again.

Charts are US Core shaped (tests/fixtures/builders.py) as the recheck's K1/K2 write them
(lorazepam as an order with text only), mapped by build_record with the real drug table; every
resource validates against R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
PATIENT = "pt-catatonia"
Resource = dict[str, Any]
OPTIMISE, PSYCHOTHERAPY = "optimize-switch-augment", "psychotherapy"
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
VENLAFAXINE_75 = ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule")


def _problem(code: str, display: str, onset: date, rid: str) -> Resource:
    return b.condition(
        b.ICD10CM, code, display, onset, category="problem-list-item", patient=PATIENT, id=rid
    )


F332 = _problem(
    "F33.2",
    "Major depressive disorder, recurrent severe without psychotic features",
    date(2024, 6, 3),
    "mdd",
)
F333 = _problem(
    "F33.3",
    "Major depressive disorder, recurrent, severe with psychotic symptoms",
    date(2025, 2, 3),
    "f333",
)
F061 = _problem(
    "F06.1", "Catatonic disorder due to known physiological condition", date(2025, 5, 12), "f061"
)
LORAZEPAM = b.medication_request(
    None,
    "lorazepam 1 MG Oral Tablet",
    date(2025, 5, 12),
    dose_value=1,
    dose_unit="mg",
    frequency=3,
    text="Take 1 tablet by mouth three times daily",
    expected_supply_days=30,
    repeats=11,
    patient=PATIENT,
    id="mr-lzp",
)
ECT_OPEN = b.service_request(
    b.CPT, "90870", "Electroconvulsive therapy", date(2025, 5, 26), patient=PATIENT, id="sr-ect"
)


def _cards(*extra: Resource) -> list[Recommendation]:
    """Sertraline 100 mg/day 2024-06-03 to 2024-09-30, venlafaxine 150 mg/day since, PHQ-9
    22 -> 21 -> 21 -> 20: two failed trials and no psychotherapy on record."""
    chart = [
        b.patient(
            id=PATIENT, given="Ines", family="Moro", gender="female", birth_date=date(1980, 3, 9)
        ),
        b.medication_statement(
            *SERTRALINE_100,
            date(2024, 6, 3),
            date(2024, 9, 30),
            status="completed",
            dose_value=100,
            dose_unit="mg",
            patient=PATIENT,
            id="ms-ser",
        ),
        b.medication_request(
            *VENLAFAXINE_75,
            date(2024, 9, 30),
            dose_value=1,
            frequency=2,
            expected_supply_days=30,
            repeats=11,
            patient=PATIENT,
            id="mr-ven",
        ),
        *b.phq9(date(2024, 6, 3), 22, patient=PATIENT),
        *b.phq9(date(2024, 9, 30), 21, patient=PATIENT),
        *b.phq9(date(2025, 1, 6), 21, patient=PATIENT),
        *b.phq9(date(2025, 5, 20), 20, patient=PATIENT),
        *extra,
    ]
    assert_valid(chart)
    record: PatientRecord = build_record(chart, as_of=AS_OF, patient_id=PATIENT)
    return list(patient_view(record, Policy()))


def _card(cards: list[Recommendation], topic: str) -> Recommendation:
    return next(c for c in cards if c.topic == topic)


def test_catatonia_with_psychotic_features_names_catatonia_and_ect_first() -> None:
    cards = _cards(F332, F333, F061, LORAZEPAM)
    card = _card(cards, OPTIMISE)
    assert card.summary == (
        "Catatonia (F06.1) with psychotic features (F33.3): ECT evaluation; lorazepam running; "
        "antipsychotic only with caution (NMS risk)"
    )
    assert [s.label for s in card.suggestions] == ["Refer for ECT evaluation"]
    assert card.suggestions[0].is_recommended  # ECT first for both (CANMAT 2023 para 215)


def test_no_cbt_or_ipt_card_with_catatonic_or_psychotic_features() -> None:
    topics = [c.topic for c in _cards(F332)]
    assert PSYCHOTHERAPY in topics  # control: two failed trials, no psychotherapy on record
    for extra in ((F333, F061, LORAZEPAM), (F333,), (F332, F061, LORAZEPAM)):
        topics = [c.topic for c in _cards(*extra)]
        assert OPTIMISE in topics
        assert PSYCHOTHERAPY not in topics, extra


def test_an_open_ect_referral_is_said_in_the_summary_not_proposed_again() -> None:
    card = _card(_cards(F332, F061, LORAZEPAM, ECT_OPEN), OPTIMISE)
    assert card.summary.endswith("lorazepam running; ECT referral open")
    assert "consider ECT" not in card.summary
    assert card.suggestions == ()
    psychotic = _card(_cards(F333, F061, LORAZEPAM, ECT_OPEN), OPTIMISE)
    assert psychotic.summary.startswith(
        "Catatonia (F06.1) with psychotic features (F33.3): ECT referral open; lorazepam running"
    )
