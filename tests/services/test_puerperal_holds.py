"""Review 11 wave 4, findings 5 and 6: puerperal psychosis read one way everywhere.

5. A past puerperal psychosis (F53.1 still active, dated before the postnatal year) was read two
   ways for TMS: its warning card says TMS is not proposed while the code stays active, and the
   TMS card's gate agreed, but the TMS exclusions were empty, so a drafted TMS order passed
   without a card and the payer evaluation read the patient as eligible. Now the history is a
   TMS exclusion: the draft gets the "TMS ordered with ..." warning naming the entry.
6. At the order hooks any running drug of the mood-stabiliser table counted as antimanic cover,
   so sertraline drafted beside a running aripiprazole 2 mg (an adjunct dose, below its antimanic
   dose) lost the "sertraline alone may worsen" wording. Now running cover is read as the bipolar
   order check reads it (mood_stabilisers.ongoing_mood_stabiliser: at an antimanic dose).

Charts are US Core shaped (tests/fixtures/builders.py); every resource validates against R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services.order_hooks import order_hook
from services.pathway import derive_facts
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fixtures import builders as b

AS_OF = date(2025, 6, 2)
P = "pt-puerperal-holds"
Resource = dict[str, Any]
EMERGENCY, TMS_EXCLUDED = "postpartum-psychosis", "order-tms-excluded"
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")
VENLAFAXINE_75 = ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule")
# Free text, as an outside or legacy order may carry it (no RxNorm coding).
ARIPIPRAZOLE_2 = (None, "aripiprazole 2 MG Oral Tablet")
ARIPIPRAZOLE_15 = (None, "aripiprazole 15 MG Oral Tablet")


def _problem(code: str, display: str, onset: date, rid: str) -> Resource:
    return b.condition(
        b.ICD10CM, code, display, onset, category="problem-list-item", patient=P, id=rid
    )


F531_2016 = _problem("F53.1", "Puerperal psychosis", date(2016, 5, 1), "f531-old")
F531_NOW = _problem("F53.1", "Puerperal psychosis", date(2025, 4, 7), "f531")
F332 = _problem(
    "F33.2",
    "Major depressive disorder, recurrent severe without psychotic features",
    date(2024, 5, 20),
    "mdd",
)


def _record(*extra: Resource, drafts: tuple[Resource, ...] = ()) -> PatientRecord:
    """Sertraline 100 mg/day 2024-05-20 to 2024-09-16, venlafaxine 150 mg/day since, PHQ-9
    22 -> 21 -> 21: two failed trials, the TMS criteria otherwise met; a woman of 41."""
    chart = [
        b.patient(id=P, given="Dana", family="Holt", gender="female", birth_date=date(1984, 1, 9)),
        F332,
        b.medication_statement(
            *SERTRALINE_100,
            date(2024, 5, 20),
            date(2024, 9, 16),
            status="completed",
            dose_value=100,
            dose_unit="mg",
            patient=P,
            id="ms-ser",
        ),
        b.medication_request(
            *VENLAFAXINE_75,
            date(2024, 9, 16),
            dose_value=1,
            frequency=2,
            expected_supply_days=30,
            repeats=11,
            patient=P,
            id="mr-ven",
        ),
        *b.phq9(date(2024, 5, 20), 22, patient=P),
        *b.phq9(date(2024, 9, 16), 21, patient=P),
        *b.phq9(date(2025, 5, 19), 21, patient=P),
        *extra,
    ]
    for resource in [*chart, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(chart, as_of=AS_OF, patient_id=P, draft_orders=list(drafts))


def _tms_draft() -> Resource:
    return b.service_request(
        b.CPT,
        "90867",
        "Therapeutic repetitive transcranial magnetic stimulation (TMS) treatment; initial",
        AS_OF,
        patient=P,
        status="draft",
        referral=False,
        id="d-tms",
    )


def _orders(record: PatientRecord, hook: str = "order-sign") -> dict[str, Recommendation]:
    return {c.topic: c for c in order_hook(record, Policy(), hook=hook)}


# --- 5. a past puerperal psychosis is a TMS exclusion ---------------------------------------------


def test_a_tms_order_beside_a_past_puerperal_psychosis_gets_the_exclusion_card() -> None:
    card = _orders(_record(F531_2016, drafts=(_tms_draft(),)))[TMS_EXCLUDED]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith(
        "TMS ordered with history of puerperal psychosis still active on the problem list "
        "(F53.1, 2016-05-01)"
    )
    assert len(card.summary) <= 140
    assert "TMS is not proposed until it is recorded as resolved" in card.detail
    assert "Puerperal psychosis (F53.1, since 2016-05-01)" in card.detail


def test_the_tms_criteria_read_a_past_puerperal_psychosis_as_the_history_card_does() -> None:
    record = _record(F531_2016)
    tms = derive_facts(record, Policy()).tms
    assert not tms.eligible
    assert [line for line in tms.exclusions if line.startswith("history of puerperal psychosis")]
    history = {c.topic: c for c in patient_view(record, Policy())}[EMERGENCY]
    assert "TMS is not proposed while a psychosis code stays active" in history.detail
    # Without the entry the same chart meets the TMS criteria: the history is what excludes it.
    assert derive_facts(_record(), Policy()).tms.eligible
    assert TMS_EXCLUDED not in _orders(_record(drafts=(_tms_draft(),)))


# --- 6. an adjunct dose is no antimanic cover -----------------------------------------------------


def _aripiprazole_running(product: tuple[None, str] = ARIPIPRAZOLE_2) -> Resource:
    return b.medication_request(
        *product,
        date(2025, 4, 14),
        dose_value=1,
        frequency=1,
        expected_supply_days=30,
        repeats=5,
        patient=P,
        id="mr-arip",
    )


def _sertraline_draft() -> Resource:
    return b.medication_request(
        *SERTRALINE_50,
        AS_OF,
        dose_value=3,
        frequency=1,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id="d-ser",
    )


def test_a_running_adjunct_dose_antipsychotic_is_no_cover_for_a_drafted_antidepressant() -> None:
    record = _record(F531_NOW, _aripiprazole_running(), drafts=(_sertraline_draft(),))
    card = _orders(record)[EMERGENCY]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith("Puerperal psychosis (F53.1, onset 2025-04-07)")
    assert "sertraline alone may worsen" in card.summary


def test_a_running_antimanic_dose_is_cover_so_the_antidepressant_is_not_alone() -> None:
    # aripiprazole 15 mg/day reaches its antimanic dose (data/mood_stabilisers.csv): cover.
    running = _aripiprazole_running(ARIPIPRAZOLE_15)
    card = _orders(_record(F531_NOW, running, drafts=(_sertraline_draft(),)))[EMERGENCY]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith("Sertraline ordered with puerperal psychosis (F53.1")
    assert "alone" not in card.summary
