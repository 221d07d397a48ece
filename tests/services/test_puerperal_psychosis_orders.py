"""Review 11 finding 2, follow-up G3: puerperal psychosis at the order hooks, a stale F53.1, and
a puerperal psychosis coded on two Conditions.

1. A drug drafted for a patient with puerperal psychosis on record got no card at all at
   order-select / order-sign (PP4 with sertraline raised to 150 mg/day: NO CARDS). Now the
   emergency card comes first: critical for an antidepressant ("sertraline alone may worsen a
   bipolar-spectrum psychosis"), a warning for an antimanic agent (olanzapine, lithium: the usual
   treatment, but the same-day assessment is still needed), with the same-day assessment as
   its one suggestion.
2. An active F53.1 with no date keeps the card (the safer reading) but asks to confirm it is
   current; one dated before the postnatal year (policy postpartum_after_edd_days) is history
   (recheck 11 finding 6: a warning, tests/services/test_postpartum_psychosis_history.py).
3. Psychotic features and a postpartum onset on two Conditions (F32.3 + F53.0), or psychotic
   features beside a delivery of the postnatal year (F33.3 + O80, or a delivery Procedure), are
   the same emergency: before, the routine optimise card proposed one-click STOP-PD olanzapine and
   a CBT/IPT referral. A delivery before the postnatal year is not read so (control).

Charts are US Core shaped (tests/fixtures/builders.py) as the review's PP4 writes them (F53.1 on
the problem list, the delivery as an encounter diagnosis O80 or a SNOMED Procedure, drafts as
MedicationRequest status draft), mapped by build_record with the real drug table; every resource
validates against R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import PatientRecord
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
PATIENT = "pt-puerperal"
Resource = dict[str, Any]
EMERGENCY, OPTIMISE = "postpartum-psychosis", "optimize-switch-augment"
HOOKS = ["order-select", "order-sign"]
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")
ESCITALOPRAM_10 = ("349332", "escitalopram 10 MG Oral Tablet")
OLANZAPINE_10 = ("312079", "olanzapine 10 MG Oral Tablet")
LITHIUM_300 = ("197891", "lithium carbonate 300 MG Oral Capsule")


def _problem(code: str, display: str, onset: date | None, rid: str) -> Resource:
    resource = b.condition(
        b.ICD10CM,
        code,
        display,
        onset or AS_OF,
        category="problem-list-item",
        patient=PATIENT,
        id=rid,
    )
    if onset is None:
        # A problem-list entry with neither onset nor recorded date (both optional in US Core).
        del resource["onsetDateTime"], resource["recordedDate"]
    return resource


def _o80(day: date) -> Resource:
    return b.condition(
        b.ICD10CM,
        "O80",
        "Encounter for full-term uncomplicated delivery",
        day,
        category="encounter-diagnosis",
        patient=PATIENT,
        id="o80",
    )


def _draft(drug: tuple[str, str], mg: float, rid: str, per_day: int = 1) -> Resource:
    return b.medication_request(
        *drug,
        AS_OF,
        dose_value=mg / per_day,
        dose_unit="mg",
        frequency=per_day,
        status="draft",
        expected_supply_days=30,
        patient=PATIENT,
        id=rid,
    )


F531 = _problem("F53.1", "Puerperal psychosis", date(2025, 4, 7), "f531")
F323 = _problem(
    "F32.3",
    "Major depressive disorder, single episode, severe with psychotic features",
    date(2025, 4, 14),
    "f323",
)
F333 = _problem(
    "F33.3",
    "Major depressive disorder, recurrent, severe with psychotic symptoms",
    date(2025, 4, 21),
    "f333",
)
F530 = _problem("F53.0", "Postpartum depression", date(2025, 4, 7), "f530")


def _chart(
    *conditions: Resource,
    drafts: tuple[Resource, ...] = (),
    policy: MappingPolicy | None = None,
) -> PatientRecord:
    """PP4's shape: a woman of 33; sertraline 100 mg/day running since 2025-04-07 (8 weeks,
    filled by a community order with refills); PHQ-9 24 -> 22: one adequate failed trial."""
    resources = [
        b.patient(
            id=PATIENT, given="Mara", family="Lind", gender="female", birth_date=date(1992, 2, 2)
        ),
        *conditions,
        b.medication_request(
            *SERTRALINE_100,
            date(2025, 4, 7),
            dose_value=1,
            frequency=1,
            expected_supply_days=30,
            repeats=11,
            patient=PATIENT,
            id="mr-ser",
        ),
        *b.phq9(date(2025, 4, 7), 24, patient=PATIENT),
        *b.phq9(date(2025, 5, 26), 22, patient=PATIENT),
    ]
    assert_valid([*resources, *drafts])
    return build_record(
        resources, as_of=AS_OF, patient_id=PATIENT, draft_orders=drafts, policy=policy
    )


def _orders(record: PatientRecord, hook: str) -> list[Recommendation]:
    return list(order_hook(record, Policy(), hook=hook))


def _view(record: PatientRecord, policy: Policy | None = None) -> list[Recommendation]:
    return list(patient_view(record, policy or Policy()))


def _referral(card: Recommendation) -> dict[str, Any]:
    assert [s.label for s in card.suggestions] == ["Refer for same-day psychiatric assessment"]
    (action,) = card.suggestions[0].actions
    assert action.resource is not None
    assert action.resource["resourceType"] == "ServiceRequest"
    assert action.resource["priority"] == "stat"
    return action.resource


# --- 1. the order hooks --------------------------------------------------------------------------


@pytest.mark.parametrize("hook", HOOKS)
def test_an_antidepressant_drafted_with_puerperal_psychosis_gets_the_emergency_card_first(
    hook: str,
) -> None:
    raised = _draft(SERTRALINE_50, 150, "draft-ser")
    cards = _orders(_chart(F531, drafts=(raised,)), hook)
    first = cards[0]
    assert first.topic == EMERGENCY
    assert first.indicator is Indicator.CRITICAL
    assert first.summary == (
        "Puerperal psychosis (F53.1, onset 2025-04-07): emergency, same-day assessment; "
        "sertraline alone may worsen a bipolar-spectrum psychosis"
    )
    assert len(first.summary) <= 140
    assert "**On this order:** sertraline 150 mg/day (MedicationRequest/draft-ser)" in first.detail
    assert "may worsen a bipolar-spectrum psychosis (a switch to mania" in first.detail
    assert "within 4 hours" in first.detail
    assert "sertraline 100 mg/day (since 2025-04-07)" in first.detail  # the running drug
    assert _referral(first)["reasonReference"] == [{"reference": "Condition/f531"}]
    assert (
        str(first.dedupe_key).partition("#")[0] == "draft-ser:sertraline:postpartum-psychosis:150"
    )


@pytest.mark.parametrize("hook", HOOKS)
@pytest.mark.parametrize(
    ("drug", "mg", "per_day", "name"),
    [(OLANZAPINE_10, 10, 1, "Olanzapine"), (LITHIUM_300, 600, 2, "Lithium")],
)
def test_an_antipsychotic_or_lithium_draft_still_names_the_emergency_as_a_warning(
    hook: str, drug: tuple[str, str], mg: float, per_day: int, name: str
) -> None:
    # The usual treatment, likely written at the assessment: shown (nothing says the assessment
    # took place), but not critical (order_checks/puerperal_psychosis.py).
    cards = {
        c.topic: c for c in _orders(_chart(F531, drafts=(_draft(drug, mg, "d", per_day),)), hook)
    }
    card = cards[EMERGENCY]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        f"{name} ordered with puerperal psychosis (F53.1, onset 2025-04-07): emergency, "
        "same-day psychiatric assessment still needed"
    )
    assert "the usual treatment of a puerperal psychosis" in card.detail
    assert "alone may worsen" not in card.summary
    _referral(card)


def test_an_antidepressant_beside_a_drafted_antipsychotic_is_critical_but_not_alone() -> None:
    drafts = (_draft(OLANZAPINE_10, 10, "d-olz"), _draft(SERTRALINE_50, 150, "d-ser"))
    card = _orders(_chart(F531, drafts=drafts), "order-sign")[0]
    assert card.topic == EMERGENCY
    assert card.indicator is Indicator.CRITICAL
    assert card.summary == (
        "Sertraline ordered with puerperal psychosis (F53.1, onset 2025-04-07): emergency, "
        "same-day psychiatric assessment first"
    )
    assert "sertraline 150 mg/day (MedicationRequest/d-ser) and olanzapine 10 mg/day" in (
        card.detail
    )
    assert str(card.dedupe_key).partition("#")[0] == (
        "d-ser:sertraline:postpartum-psychosis:150,d-olz:olanzapine:postpartum-psychosis:10"
    )


def test_postpartum_depression_alone_gets_no_emergency_card_at_the_order() -> None:
    cards = _orders(_chart(F530, drafts=(_draft(ESCITALOPRAM_10, 10, "d-esc"),)), "order-select")
    assert EMERGENCY not in [c.topic for c in cards]


# --- 2. an F53.1 older than the postnatal year, or undated ------------------------------------


def test_an_f53_1_older_than_the_postnatal_year_is_history_not_the_emergency() -> None:
    # Recheck 11 finding 6: an F53.1 of 2023 still active is a past puerperal psychosis, a
    # warning (the history card: tests/services/test_postpartum_psychosis_history.py), not a
    # critical card at every chart open.
    old = _problem("F53.1", "Puerperal psychosis", date(2023, 1, 16), "f531-old")
    card = _view(_chart(old))[0]
    assert card.topic == EMERGENCY
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith("History of puerperal psychosis (F53.1, 2023-01-16)")
    order = _orders(_chart(old, drafts=(_draft(SERTRALINE_50, 150, "d"),)), "order-select")[0]
    assert order.indicator is Indicator.WARNING
    assert order.summary.startswith(
        "Sertraline ordered with a history of puerperal psychosis (F53.1, 2023-01-16)"
    )


def test_an_undated_f53_1_says_it_has_no_date() -> None:
    card = _view(_chart(_problem("F53.1", "Puerperal psychosis", None, "f531-nodate")))[0]
    assert card.topic == EMERGENCY
    assert card.summary == (
        "Puerperal psychosis (F53.1), no date on record: confirm it is current; if so, urgent "
        "same-day psychiatric assessment"
    )
    assert "F53.1 has no onset or recorded date" in card.detail


def test_the_postnatal_year_is_the_clinic_policy() -> None:
    # A clinic that sets a 60-day window: an F53.1 of 2025-04-07 (56 days) is current, one of
    # 2025-03-10 (84 days) asks to be confirmed.
    policy = Policy(mapping=MappingPolicy(postpartum_after_edd_days=60))
    recent = _view(_chart(F531), policy)[0]
    assert "confirm it is current" not in recent.summary
    older = _problem("F53.1", "Puerperal psychosis", date(2025, 3, 10), "f531-84")
    assert _view(_chart(older), policy)[0].summary.startswith("History of puerperal psychosis")


# --- 3. two Conditions ---------------------------------------------------------------------------


def _no_outpatient_cards(cards: list[Recommendation]) -> None:
    topics = [c.topic for c in cards]
    assert OPTIMISE not in topics
    assert "psychotherapy" not in topics
    labels = [s.label for c in cards for s in c.suggestions]
    assert not [label for label in labels if "olanzapine" in label or "CBT" in label]


def test_psychotic_features_and_a_postpartum_onset_on_two_conditions_are_the_emergency() -> None:
    cards = _view(_chart(F323, F530))
    first = cards[0]
    assert first.topic == EMERGENCY
    assert first.indicator is Indicator.CRITICAL
    assert first.summary == (
        "Psychotic features (F32.3) with a postpartum onset (F53.0, 2025-04-07): psychiatric "
        "emergency, urgent same-day psychiatric assessment"
    )
    assert "**Read together:** psychotic features (F32.3) and a postpartum onset (F53.0" in (
        first.detail
    )
    assert _referral(first)["reasonReference"] == [
        {"reference": "Condition/f323"},
        {"reference": "Condition/f530"},
    ]
    _no_outpatient_cards(cards)
    # At the order: the same emergency first.
    order = _orders(
        _chart(F323, F530, drafts=(_draft(ESCITALOPRAM_10, 10, "d-esc"),)), "order-select"
    )
    assert order[0].topic == EMERGENCY
    assert order[0].summary == (
        "Psychotic features (F32.3) with a postpartum onset (F53.0, 2025-04-07): emergency, "
        "same-day assessment; escitalopram alone may worsen it"
    )


@pytest.mark.parametrize("delivery", ["o80", "procedure"])
def test_psychotic_depression_with_a_delivery_in_the_postnatal_year_is_the_emergency(
    delivery: str,
) -> None:
    birth = (
        _o80(date(2025, 3, 10))
        if delivery == "o80"
        else b.procedure(
            b.SNOMED,
            "236973005",
            "Delivery procedure",
            date(2025, 3, 10),
            patient=PATIENT,
            id="del",
        )
    )
    cards = _view(_chart(F333, birth))
    first = cards[0]
    assert first.topic == EMERGENCY
    assert first.summary == (
        "Psychotic features (F33.3) after a delivery (2025-03-10): psychiatric emergency, urgent "
        "same-day psychiatric assessment"
    )
    assert "a delivery on 2025-03-10, within the postnatal year (365 days)" in first.detail
    # A Procedure is named on the card but is no ServiceRequest reason (FHIR R4).
    reasons = _referral(first)["reasonReference"]
    assert reasons == (
        [{"reference": "Condition/f333"}, {"reference": "Condition/o80"}]
        if delivery == "o80"
        else [{"reference": "Condition/f333"}]
    )
    _no_outpatient_cards(cards)


def test_a_delivery_before_the_postnatal_year_is_not_read_as_puerperal() -> None:
    cards = _view(_chart(F333, _o80(date(2023, 3, 10))))
    topics = [c.topic for c in cards]
    assert EMERGENCY not in topics
    assert OPTIMISE in topics  # psychotic depression's own card, as before
