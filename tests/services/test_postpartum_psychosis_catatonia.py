"""Review 11 findings 2 and 7: puerperal psychosis is an emergency; catatonia changes the plan.

- Finding 2: an active Condition coded puerperal psychosis (ICD-10-CM F53.1, SNOMED 18260003) got
  the routine optimise card with one-click olanzapine (STOP-PD) and a CBT/IPT card. Now one
  critical card comes first, "urgent same-day psychiatric assessment", naming the code and its
  onset and the bipolar link, with a same-day psychiatry referral as its only suggestion; the
  optimise, psychotherapy and TMS cards hold back (NICE CG192; RCPsych: a psychiatric
  emergency).
- Finding 7: catatonia (F06.1, SNOMED 39809009) got one-click aripiprazole/brexpiprazole and its
  line sat only under "Why no TMS referral". Now the optimise card names catatonia in its
  summary, names a running lorazepam, offers "Refer for ECT evaluation" and no antipsychotic as
  one click (CANMAT 2023 Table 3.6, para 215; REFERENCE.md 3.5).

Charts are US Core shaped (tests/fixtures/builders.py), as the review's charts PP4, C2 and C2b
write them (lorazepam as an order with text only, as a vendor without an RxNorm code sends it),
mapped by build_record with the real drug table; every resource validates against R4B.
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
from tests.services.helpers import screen

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
PATIENT = "pt-acute"
Resource = dict[str, Any]
EMERGENCY, OPTIMISE = "postpartum-psychosis", "optimize-switch-augment"
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
VENLAFAXINE_75 = ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule")


def _record(*resources: Resource) -> PatientRecord:
    chart = [
        b.patient(
            id=PATIENT, given="Mara", family="Lind", gender="female", birth_date=date(1993, 2, 9)
        ),
        *resources,
    ]
    assert_valid(chart)
    return build_record(chart, as_of=AS_OF, patient_id=PATIENT)


def _problem(system: str, code: str, display: str, onset: date, rid: str) -> Resource:
    return b.condition(
        system, code, display, onset, category="problem-list-item", patient=PATIENT, id=rid
    )


def _running(drug: tuple[str, str], start: date, rid: str, per_day: int = 1) -> Resource:
    """A community order taken `per_day` times a day, 30 days with 11 refills: running."""
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


_cards = screen


def _labels(card: Recommendation) -> list[str]:
    return [s.label for s in card.suggestions]


# --- finding 2: puerperal psychosis --------------------------------------------------------------


def _postpartum_psychosis(*condition: Resource) -> PatientRecord:
    """PP4: puerperal psychosis from 2025-04-07; sertraline 100 mg/day since then (8 weeks);
    PHQ-9 24 -> 22: one adequate failed trial, which made the routine optimise card before."""
    return _record(
        *condition,
        _running(SERTRALINE_100, date(2025, 4, 7), "mr-ser"),
        *b.phq9(date(2025, 4, 7), 24, patient=PATIENT),
        # Item 9 answered: a total only would hold the one-clicks (review 19 item 5).
        *b.phq9(date(2025, 5, 26), 22, 0, patient=PATIENT),
    )


F531 = _problem(b.ICD10CM, "F53.1", "Puerperal psychosis", date(2025, 4, 7), "f531")


def test_puerperal_psychosis_is_one_critical_card_first_with_a_same_day_assessment() -> None:
    cards = _cards(_postpartum_psychosis(F531))
    first = cards[0]
    assert first.topic == EMERGENCY
    assert first.indicator is Indicator.CRITICAL
    assert first.summary == (
        "Puerperal psychosis (F53.1, onset 2025-04-07): psychiatric emergency, urgent same-day "
        "psychiatric assessment"
    )
    assert "Puerperal psychosis (ICD-10-CM F53.1, since 2025-04-07)" in (first.detail)
    assert "closely linked to bipolar disorder" in first.detail
    assert "within 4 hours" in first.detail
    assert "sertraline 100 mg/day (since 2025-04-07)" in first.detail
    # One suggestion: a same-day psychiatry referral at the highest priority, citing the code.
    assert _labels(first) == ["Refer for same-day psychiatric assessment"]
    (action,) = first.suggestions[0].actions
    assert action.resource is not None
    assert action.resource["resourceType"] == "ServiceRequest"
    assert action.resource["priority"] == "stat"
    assert action.resource["reasonReference"] == [{"reference": "Condition/f531"}]


def test_puerperal_psychosis_holds_the_outpatient_cards_and_every_drug_order() -> None:
    cards = _cards(_postpartum_psychosis(F531))
    topics = [c.topic for c in cards]
    # No STOP-PD olanzapine, no CBT/IPT card, no TMS: not an outpatient optimisation.
    assert OPTIMISE not in topics
    assert "psychotherapy" not in topics
    assert "tms-referral" not in topics
    labels = [label for c in cards for label in _labels(c)]
    assert not [label for label in labels if "olanzapine" in label or "CBT" in label]
    assert not any(
        a.resource is not None and a.resource["resourceType"] == "MedicationRequest"
        for c in cards
        for s in c.suggestions
        for a in s.actions
    )


def test_postpartum_psychosis_coded_in_snomed_alone_is_the_same_emergency() -> None:
    snomed = _problem(
        b.SNOMED, "18260003", "Postpartum psychosis (disorder)", date(2025, 4, 7), "pp-sct"
    )
    first = _cards(_postpartum_psychosis(snomed))[0]
    assert first.topic == EMERGENCY
    assert first.summary.startswith("Puerperal psychosis (18260003, onset 2025-04-07)")


def test_the_emergency_card_speaks_without_a_depression_code_or_a_phq9() -> None:
    # Whatever the pathway stage, like the suicide-risk card: F53.1 alone is no depression row.
    cards = _cards(_record(F531))
    assert [c.topic for c in cards] == [EMERGENCY]


def test_postpartum_depression_is_not_read_as_puerperal_psychosis() -> None:
    f530 = _problem(b.ICD10CM, "F53.0", "Postpartum depression", date(2025, 4, 7), "f530")
    topics = [c.topic for c in _cards(_postpartum_psychosis(f530))]
    assert EMERGENCY not in topics
    assert OPTIMISE in topics  # the outpatient pathway, as before


# --- finding 7: catatonia ------------------------------------------------------------------------


def _two_failed(*extra: Resource) -> PatientRecord:
    """C2: sertraline 100 mg/day 2024-06-03 to 2024-09-30 and venlafaxine 150 mg/day since, both
    adequate, PHQ-9 22 -> 21 -> 21 -> 20: two failed trials."""
    return _record(
        _problem(
            b.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 6, 3),
            "mdd",
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
        _running(VENLAFAXINE_75, date(2024, 9, 30), "mr-ven", per_day=2),
        *b.phq9(date(2024, 6, 3), 22, patient=PATIENT),
        *b.phq9(date(2024, 9, 30), 21, patient=PATIENT),
        *b.phq9(date(2025, 1, 6), 21, patient=PATIENT),
        # Item 9 answered: a total only would hold the one-clicks (review 19 item 5).
        *b.phq9(date(2025, 5, 20), 20, 0, patient=PATIENT),
        *extra,
    )


F061 = _problem(
    b.ICD10CM,
    "F06.1",
    "Catatonic disorder due to known physiological condition",
    date(2025, 5, 12),
    "f061",
)
# As the review's chart C2 sends it: no RxNorm code, the product in text, 1 mg three times daily.
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


def _optimise(record: PatientRecord) -> Recommendation:
    return next(c for c in _cards(record) if c.topic == OPTIMISE)


def test_without_catatonia_the_card_still_offers_the_first_line_adjuncts() -> None:
    card = _optimise(_two_failed())
    # The fixture's sertraline is a MedicationStatement only: marked where it is counted (H13).
    # Venlafaxine 150 of its 75-225 mg/day: one step up first (review s19 item 3), then the adjuncts.
    assert card.summary.startswith(
        "2 adequate trials failed (sertraline, venlafaxine), sertraline self-reported: raise "
        "venlafaxine 150 → 225 mg/day first"
    )
    assert [label.split(" ")[1 if label.startswith("Raise") else 2] for label in _labels(card)] == [
        "venlafaxine",
        "aripiprazole",
        "brexpiprazole",
    ]


def test_catatonia_with_lorazepam_names_both_and_offers_ect_not_an_antipsychotic() -> None:
    card = _optimise(_two_failed(F061, LORAZEPAM))
    # The fixture's sertraline is a MedicationStatement only: its "self-reported" mark (H13)
    # makes the long summary too long, so the card's shorter form is used, which keeps the mark
    # (it used to drop it).
    assert card.summary == (
        "Catatonia (F06.1) and 2 adequate trials failed, sertraline self-reported: lorazepam "
        "running; consider ECT evaluation"
    )
    assert _labels(card) == ["Refer for ECT evaluation"]
    assert card.suggestions[0].is_recommended
    (action,) = card.suggestions[0].actions
    assert action.resource is not None
    assert "catatonic features" in action.resource["code"]["text"]
    assert "**Catatonic features:** Catatonic disorder due to known physiological condition" in (
        card.detail
    )
    assert "Running: lorazepam since 2025-05-12" in card.detail
    assert "(CANMAT 2023 para 218)" in card.detail
    assert "neuroleptic malignant syndrome" in card.detail
    # The adjuncts stay named, as text.
    assert "aripiprazole 2-10 mg/day" in card.detail


def test_catatonic_mdd_in_snomed_without_a_benzodiazepine_says_so() -> None:
    catatonic = _problem(
        b.SNOMED,
        "39809009",
        "Recurrent major depressive disorder with catatonic features (disorder)",
        date(2024, 5, 20),
        "cat-sct",
    )
    card = _optimise(_two_failed(catatonic))
    assert card.summary.startswith("Catatonia (39809009) and 2 adequate trials failed")
    assert "no benzodiazepine on record" in card.summary
    assert "No benzodiazepine is on record." in card.detail
    assert _labels(card) == ["Refer for ECT evaluation"]


def test_an_open_ect_referral_is_not_proposed_again_beside_catatonia() -> None:
    ect = b.service_request(
        b.CPT, "90870", "Electroconvulsive therapy", date(2025, 5, 26), patient=PATIENT, id="sr"
    )
    card = _optimise(_two_failed(F061, LORAZEPAM, ect))
    assert _labels(card) == []
    assert "**ECT:** a referral is already open; not proposed again." in card.detail


def test_psychotic_features_with_catatonia_keep_the_regimen_as_text() -> None:
    psychotic = _problem(
        b.ICD10CM,
        "F33.3",
        "Major depressive disorder, recurrent, severe with psychotic symptoms",
        date(2025, 3, 3),
        "f333",
    )
    plain = _optimise(_two_failed(psychotic))
    assert any("olanzapine" in label for label in _labels(plain))  # one click, as before
    card = _optimise(_two_failed(psychotic, F061))
    assert _labels(card) == ["Refer for ECT evaluation"]
    assert (
        "**Not offered as a ready-to-accept order:** olanzapine: catatonic features on record"
        in card.detail
    )
    assert "**Catatonic features:**" in card.detail
