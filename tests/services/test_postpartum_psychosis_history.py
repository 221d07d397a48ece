"""Recheck 11 finding 6: an active F53.1 older than the postnatal year is history.

Chart P1 (F53.1 still active from 2016-05-01, a new MDD episode in 2024-25 with sertraline and
venlafaxine failed, PHQ-9 21) got a CRITICAL "Puerperal psychosis ... confirm it is current; if
so, urgent same-day psychiatric assessment" at every chart open, and the optimise card held
back. Now it is a WARNING: "History of puerperal psychosis (F53.1, 2016-05-01): update the problem
list; screen for bipolarity before antidepressant changes"; the pathway cards stay (not turned
into the psychotic-depression regimen by a nine-year-old code); the optimise card names the
history first and holds its drug proposals as text (a one-click antidepressant or adjunct beside
"screen for bipolarity first" would skip the screen). An antidepressant drafted beside it gets
the same warning at the order. An undated F53.1, or an old one beside a birth of the postnatal
year, stays the emergency (the safer reading).

Charts are US Core shaped (tests/fixtures/builders.py) as the recheck's P1 writes them, mapped by
build_record with the real drug table; every resource validates against R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

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
PATIENT = "pt-pp-history"
Resource = dict[str, Any]
EMERGENCY, OPTIMISE = "postpartum-psychosis", "optimize-switch-augment"
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
VENLAFAXINE_75 = ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule")
ESCITALOPRAM_10 = ("349332", "escitalopram 10 MG Oral Tablet")
OLANZAPINE_10 = ("312079", "olanzapine 10 MG Oral Tablet")


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
        del resource["onsetDateTime"], resource["recordedDate"]
    return resource


F531_2016 = _problem("F53.1", "Puerperal psychosis", date(2016, 5, 1), "f531")
F332 = _problem(
    "F33.2",
    "Major depressive disorder, recurrent severe without psychotic features",
    date(2024, 5, 20),
    "mdd",
)


def _record(*extra: Resource, drafts: tuple[Resource, ...] = ()) -> PatientRecord:
    """P1's shape: sertraline 100 mg/day 2024-05-20 to 2024-09-16 and venlafaxine 150 mg/day
    since, PHQ-9 22 -> 21 -> 21: two failed trials; a woman of 41."""
    chart = [
        b.patient(
            id=PATIENT, given="Dana", family="Holt", gender="female", birth_date=date(1984, 1, 9)
        ),
        F332,
        b.medication_statement(
            *SERTRALINE_100,
            date(2024, 5, 20),
            date(2024, 9, 16),
            status="completed",
            dose_value=100,
            dose_unit="mg",
            patient=PATIENT,
            id="ms-ser",
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
        *b.phq9(date(2024, 5, 20), 22, patient=PATIENT),
        *b.phq9(date(2024, 9, 16), 21, patient=PATIENT),
        # Item 9 answered: a total only would hold the one-clicks (review 19 item 5).
        *b.phq9(date(2025, 5, 19), 21, 0, patient=PATIENT),
        *extra,
    ]
    assert_valid([*chart, *drafts])
    return build_record(chart, as_of=AS_OF, patient_id=PATIENT, draft_orders=drafts)


def _view(*extra: Resource) -> list[Recommendation]:
    return list(patient_view(_record(*extra), Policy()))


def _draft(drug: tuple[str, str], rid: str) -> Resource:
    return b.medication_request(
        *drug,
        AS_OF,
        dose_value=1,
        frequency=1,
        status="draft",
        expected_supply_days=30,
        patient=PATIENT,
        id=rid,
    )


def _drug_orders(card: Recommendation) -> list[str]:
    return [
        s.label
        for s in card.suggestions
        for a in s.actions
        if a.resource is not None and a.resource["resourceType"] == "MedicationRequest"
    ]


def test_an_f53_1_of_2016_still_active_is_a_history_warning_not_the_emergency() -> None:
    cards = _view(F531_2016)
    history = next(c for c in cards if c.topic == EMERGENCY)
    assert history.indicator is Indicator.WARNING
    assert history.summary == (
        "History of puerperal psychosis (F53.1, 2016-05-01): update the problem list; screen for "
        "bipolarity before antidepressant changes"
    )
    assert len(history.summary) <= 140
    assert history.suggestions == ()
    assert "strong marker of bipolar disorder" in history.detail
    assert "If it has resolved, record it as resolved" in history.detail
    assert "Condition/f531" in history.detail
    assert not [c for c in cards if c.indicator is Indicator.CRITICAL]


def test_the_pathway_stays_with_the_history_first_and_its_drug_orders_as_text() -> None:
    cards = _view(F531_2016)
    optimise = next(c for c in cards if c.topic == OPTIMISE)
    # The ordinary two-failure card, not the psychotic-depression regimen of a 2016 code.
    assert optimise.summary.startswith("2 adequate trials failed (sertraline, venlafaxine)")
    assert "olanzapine" not in optimise.summary
    assert optimise.detail.startswith("**History of puerperal psychosis** (F53.1, 2016-05-01)")
    assert "named, not offered as one-click orders" in optimise.detail
    assert _drug_orders(optimise) == []
    assert "aripiprazole 2-10 mg/day" in optimise.detail  # still named
    # The diagnosis review does not call a 2016 puerperal psychosis psychotic features.
    review = [c for c in cards if c.topic == "diagnosis-review"]
    assert not [c for c in review if "psychotic features" in c.summary]
    # Control: the same chart without F53.1 offers the adjuncts as one click.
    plain = next(c for c in _view() if c.topic == OPTIMISE)
    assert _drug_orders(plain)


def test_an_undated_f53_1_or_an_old_one_beside_a_new_birth_stays_the_emergency() -> None:
    undated = _problem("F53.1", "Puerperal psychosis", None, "f531-nodate")
    card = _view(undated)[0]
    assert card.topic == EMERGENCY
    assert card.indicator is Indicator.CRITICAL
    birth = b.condition(
        b.ICD10CM,
        "O80",
        "Encounter for full-term uncomplicated delivery",
        date(2025, 3, 10),
        category="encounter-diagnosis",
        patient=PATIENT,
        id="o80",
    )
    card = _view(F531_2016, birth)[0]
    assert card.topic == EMERGENCY
    assert card.indicator is Indicator.CRITICAL
    # Read together with the birth (the recurrence risk after a later birth), naming the old
    # entry's date to confirm: the emergency card, not the history warning.
    assert card.summary.startswith(
        "Psychosis after childbirth (F53.1), dated over a year ago: confirm it is current"
    )
    assert "a delivery on 2025-03-10, within the postnatal year" in card.detail


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_an_antidepressant_drafted_beside_the_history_gets_the_screen_warning(hook: str) -> None:
    record = _record(F531_2016, drafts=(_draft(ESCITALOPRAM_10, "d-esc"),))
    cards = list(order_hook(record, Policy(), hook=hook))
    card = next(c for c in cards if c.topic == EMERGENCY)
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith(
        "Escitalopram ordered with a history of puerperal psychosis (F53.1, 2016-05-01)"
    )
    assert "**On this order:** escitalopram 10 mg/day" in card.detail
    # An antimanic draft (olanzapine) is not what the screen is about: no such card.
    record = _record(F531_2016, drafts=(_draft(OLANZAPINE_10, "d-olz"),))
    assert EMERGENCY not in [c.topic for c in order_hook(record, Policy(), hook=hook)]
