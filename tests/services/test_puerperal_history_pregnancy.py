"""Recheck 2 finding 4: an old puerperal psychosis with a CURRENT pregnancy said "plan with
perinatal psychiatry before any later pregnancy".

Chart P4: F53.1 still active from 2016-05-01 and, recorded 2025-05-19, Z34.82 ("supervision of
other normal pregnancy, second trimester") with Z3A.20 ("20 weeks gestation"). The history card
read "History of puerperal psychosis (F53.1, 2016-05-01): update the problem list; screen for
bipolarity before antidepressant changes" and spoke of a future pregnancy while she is 20 weeks
into one: the weeks after this birth are the time of highest risk. Now the card joins the two
facts ("... and pregnant now: refer to perinatal psychiatry now"), in its summary and detail,
and at the order hook; without a pregnancy, or with only the pregnancy that came before the
psychosis still on the problem list, the wording is as before.

Charts are US Core shaped (tests/fixtures/builders.py: problem-list and encounter-diagnosis
Conditions in ICD-10-CM, Epic's venlafaxine order with refills, PHQ-9 totals), mapped by
build_record with the real drug table; every resource validates against R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
PATIENT = "pt-pp-pregnant"
Resource = dict[str, Any]
HISTORY = "postpartum-psychosis"
VENLAFAXINE_75 = ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule")
ESCITALOPRAM_10 = ("349332", "escitalopram 10 MG Oral Tablet")
LATER = "before any later pregnancy"
NOW = "refer to perinatal psychiatry now"


def _condition(
    code: str,
    display: str,
    onset: date,
    rid: str,
    category: Literal["encounter-diagnosis", "problem-list-item"],
) -> Resource:
    return b.condition(b.ICD10CM, code, display, onset, category=category, patient=PATIENT, id=rid)


F531_2016 = _condition(
    "F53.1", "Puerperal psychosis", date(2016, 5, 1), "f531", "problem-list-item"
)
# How a prenatal visit is coded (ICD-10-CM guidelines: a chapter 15 or Z34 code with Z3A).
Z3482 = _condition(
    "Z34.82",
    "Encounter for supervision of other normal pregnancy, second trimester",
    date(2025, 5, 19),
    "z3482",
    "encounter-diagnosis",
)
Z3A20 = _condition(
    "Z3A.20", "20 weeks gestation of pregnancy", date(2025, 5, 19), "z3a20", "encounter-diagnosis"
)
# The pregnancy of 2015-16 left active on the problem list: the one before the psychosis.
Z3400_2015 = _condition(
    "Z34.00",
    "Encounter for supervision of normal first pregnancy, unspecified trimester",
    date(2015, 9, 1),
    "z3400",
    "problem-list-item",
)


def _record(*extra: Resource, drafts: tuple[Resource, ...] = ()) -> PatientRecord:
    """P4's shape: a woman of 34, MDD since 2024, venlafaxine 150 mg/day running, PHQ-9 21."""
    chart = [
        b.patient(
            id=PATIENT, given="Mara", family="Quill", gender="female", birth_date=date(1991, 3, 2)
        ),
        _condition(
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 9, 16),
            "mdd",
            "problem-list-item",
        ),
        b.medication_request(
            *VENLAFAXINE_75,
            date(2024, 9, 16),
            dose_value=1,
            frequency=2,
            expected_supply_days=30,
            repeats=11,
            patient=PATIENT,
            id="mr-ven",
        ),
        *b.phq9(date(2024, 9, 16), 22, patient=PATIENT),
        *b.phq9(date(2025, 5, 19), 21, patient=PATIENT),
        *extra,
    ]
    assert_valid([*chart, *drafts])
    return build_record(chart, as_of=AS_OF, patient_id=PATIENT, draft_orders=drafts)


def _history(*extra: Resource) -> Recommendation:
    return next(c for c in patient_view(_record(*extra), Policy()) if c.topic == HISTORY)


def test_pregnant_now_after_a_puerperal_psychosis_asks_for_perinatal_psychiatry_now() -> None:
    card = _history(F531_2016, Z3482, Z3A20)
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "History of puerperal psychosis (F53.1, 2016-05-01) and pregnant now: refer to perinatal "
        "psychiatry now; screen for bipolarity"
    )
    assert len(card.summary) <= 140
    # The pregnancy is named with its code and date, and the plan is for this birth.
    assert (
        "Pregnant now (Encounter for supervision of other normal pregnancy, second trimester, "
        "Z34.82, since 2025-05-19)"
    ) in card.detail
    assert NOW + ", in this pregnancy, not after the birth" in card.detail
    assert "the recurrence risk after this birth is high" in card.detail
    assert "the postnatal weeks (the time of highest risk)" in card.detail
    assert LATER not in card.detail
    # The screen still comes before antidepressant changes.
    assert "screen for bipolarity" in card.detail


def test_without_a_pregnancy_the_history_still_plans_for_a_later_one() -> None:
    card = _history(F531_2016)
    assert card.summary == (
        "History of puerperal psychosis (F53.1, 2016-05-01): update the problem list; screen for "
        "bipolarity before antidepressant changes"
    )
    assert "plan with perinatal psychiatry " + LATER in card.detail
    assert "Pregnant now" not in card.detail


def test_the_pregnancy_before_the_psychosis_left_active_is_not_a_later_one() -> None:
    # Z34.00 of 2015 is still active: the pregnancy that ended in the 2016 birth, not this one.
    card = _history(F531_2016, Z3400_2015)
    assert "pregnant now" not in card.summary
    assert LATER in card.detail
    assert "Pregnant now" not in card.detail


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_an_antidepressant_drafted_in_the_pregnancy_names_it_at_the_order(hook: str) -> None:
    draft = b.medication_request(
        *ESCITALOPRAM_10,
        AS_OF,
        dose_value=1,
        frequency=1,
        status="draft",
        expected_supply_days=30,
        patient=PATIENT,
        id="d-esc",
    )
    record = _record(F531_2016, Z3482, Z3A20, drafts=(draft,))
    card = next(c for c in order_hook(record, Policy(), hook=hook) if c.topic == HISTORY)
    assert NOW + ", in this pregnancy" in card.detail
    assert LATER not in card.detail


def test_the_optimise_card_names_the_current_pregnancy_too() -> None:
    """The optimise card's history line says what the history card says: this pregnancy, now;
    never "before any later pregnancy" beside a pregnancy of 20 weeks."""
    cards = {c.topic: c for c in patient_view(_record(F531_2016, Z3482, Z3A20), Policy())}
    optimise = cards["optimize-switch-augment"]
    assert "History of puerperal psychosis" in optimise.detail
    assert LATER not in optimise.detail
    assert NOW in optimise.detail
