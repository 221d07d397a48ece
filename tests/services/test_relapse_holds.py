"""Review 11 wave 4, findings 1-3: the relapse and recurrence cards and the holds.

1. The relapse card (a relapse on a running antidepressant) and the recurrence card (after the
   drug that brought remission stopped) stepped aside only for bipolar or a primary psychotic
   disorder. With puerperal psychosis (the emergency card), psychotic features or catatonia
   they still said "review, then optimise the dose first" / "restart escitalopram", beside the
   card that says the outpatient cards hold back. Now neither card is made then; a past
   puerperal psychosis (F53.1 dated before the postnatal year) keeps them with the history
   card's line (screen for bipolarity first). The dose step asks the population rules as the
   restart step does: a drug never proposed for the patient gets no "raise the dose".
2. A raise at the relapse with no PHQ-9 since it said "too early to judge before <date>" after
   that date had passed: now "no PHQ-9 since the raise: repeat it".
3. Only the restart step said it was UNVERIFIED: the optimise step (UNVERIFIED in
   data/relapse_steps.csv) now says so too.

Charts are Epic / Synthea shaped (tests/fixtures/builders.py: orders with refills and monthly
dispenses, or yearly completed renewals; problem-list Conditions in ICD-10-CM; PHQ-9 totals)
and every resource validates against fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules import relapse
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-relapse-holds-1"
START = date(2023, 1, 9)
Resource = dict[str, Any]
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
DULOXETINE_60 = ("596934", "duloxetine 60 MG Delayed Release Oral Capsule")
ESCITALOPRAM_10 = ("349332", "escitalopram 10 MG Oral Tablet")
EMERGENCY = "postpartum-psychosis"
RECURRENCE = "recurrence-off-treatment"
# In remission on the running drug through 2024, then the relapse in 2025.
REMISSION = [
    (date(2023, 1, 9), 20),
    (date(2023, 4, 3), 8),
    (date(2023, 7, 3), 4),
    (date(2023, 10, 2), 3),
    (date(2024, 1, 8), 3),
    (date(2024, 6, 3), 4),
    (date(2024, 12, 2), 3),
]
RELAPSE = [(date(2025, 4, 21), 14), (date(2025, 5, 19), 18)]


def _problem(code: str, display: str, onset: date, rid: str) -> Resource:
    return fb.condition(
        ICD10, code, display, onset, category="problem-list-item", patient=P, id=rid
    )


F531_NOW = _problem("F53.1", "Puerperal psychosis", date(2025, 4, 7), "f531")
F531_2016 = _problem("F53.1", "Puerperal psychosis", date(2016, 5, 1), "f531-old")
F333 = _problem(
    "F33.3",
    "Major depressive disorder, recurrent, severe with psychotic symptoms",
    date(2025, 4, 21),
    "f333",
)
F061 = _problem(
    "F06.1", "Catatonic disorder due to known physiological condition", date(2025, 5, 1), "f061"
)
F1020 = _problem("F10.20", "Alcohol dependence, uncomplicated", date(2024, 9, 2), "f1020")


def _orders(doses: list[tuple[date, float]], product: tuple[str, str]) -> list[Resource]:
    """One order per dose (tablets a day of `product`) from its day, the earlier ones stopped
    when the next began, with a 30-day fill every 30 days while each ran."""
    resources: list[Resource] = []
    for n, (begun, tablets) in enumerate(doses):
        until = doses[n + 1][0] if n + 1 < len(doses) else AS_OF
        fills = max(1, -(-(until - begun).days // 30))
        rid = f"mr-{n}"
        resources.append(
            fb.medication_request(
                *product,
                begun,
                dose_value=tablets,
                status="active" if n + 1 == len(doses) else "stopped",
                patient=P,
                id=rid,
                repeats=fills,
            )
        )
        resources.extend(
            fb.medication_dispense(
                *product,
                begun + timedelta(days=30 * k),
                30,
                30 * tablets,
                dose_value=tablets,
                prescription=rid,
                patient=P,
                id=f"md-{n}-{k}",
            )
            for k in range(fills)
        )
    return resources


def _build(resources: list[Resource], scores: list[tuple[date, int]]) -> PatientRecord:
    chart = [
        fb.patient(
            id=P, given="Ines", family="Halloran", gender="female", birth_date=date(1989, 4, 12)
        ),
        _problem("F33.1", "Major depressive disorder, recurrent, moderate", START, "mdd"),
        *resources,
    ]
    for day, total in scores:
        chart.extend(fb.phq9(day, total, 0, patient=P))
    for resource in chart:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(chart, as_of=AS_OF, patient_id=P)


def relapse_chart(
    *conditions: Resource,
    doses: list[tuple[date, float]] | None = None,
    scores: list[tuple[date, int]] | None = None,
    product: tuple[str, str] = SERTRALINE_100,
) -> PatientRecord:
    """Sertraline 100 mg/day since 2023 (Epic's order with monthly fills), in remission on it
    through 2024, PHQ-9 14 then 18 in 2025."""
    return _build(
        [*conditions, *_orders(doses or [(START, 1)], product)],
        scores if scores is not None else REMISSION + RELAPSE,
    )


def recurrence_chart(*conditions: Resource) -> PatientRecord:
    """Chart M3: escitalopram 10 mg renewed yearly 2019-2024 (Synthea's completed orders),
    PHQ-9 18 -> 4, 3, 2 on it, none since the last supply ended 2024-05-01, then 20 and 21."""
    renewals = [
        fb.medication_request(
            *ESCITALOPRAM_10, date(year, 4, 1), status="completed", patient=P, id=f"mr-esc-{year}"
        )
        for year in range(2019, 2025)
    ]
    scores = [(date(2019, 3, 25), 18), (date(2019, 9, 30), 4), (date(2021, 4, 5), 3)]
    scores += [(date(2023, 4, 3), 2), (date(2025, 4, 28), 20), (date(2025, 5, 26), 21)]
    return _build([*conditions, *renewals], scores)


def cards(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, Policy())}


# --- 1. the holds --------------------------------------------------------------------------------


def test_the_relapse_and_recurrence_cards_speak_without_a_hold() -> None:
    # The charts below differ from these by one Condition each: without it, both cards speak.
    assert cards(relapse_chart())[relapse.TOPIC].summary.startswith("Relapse on sertraline")
    assert cards(recurrence_chart())[RECURRENCE].summary.startswith("Recurrence off treatment")


@pytest.mark.parametrize(
    "condition", [F531_NOW, F333, F061], ids=["puerperal-psychosis", "psychotic", "catatonia"]
)
def test_no_relapse_card_beside_puerperal_psychosis_psychotic_features_or_catatonia(
    condition: Resource,
) -> None:
    shown = cards(relapse_chart(condition))
    assert relapse.TOPIC not in shown
    assert not [c for c in shown.values() if "optimise the dose first" in c.summary]


@pytest.mark.parametrize(
    "condition", [F531_NOW, F333, F061], ids=["puerperal-psychosis", "psychotic", "catatonia"]
)
def test_no_recurrence_card_beside_puerperal_psychosis_psychotic_features_or_catatonia(
    condition: Resource,
) -> None:
    shown = cards(recurrence_chart(condition))
    assert RECURRENCE not in shown
    assert not [c for c in shown.values() if "restarting" in c.detail]


def test_the_emergency_card_speaks_alone_when_a_relapse_meets_a_puerperal_psychosis() -> None:
    shown = cards(relapse_chart(F531_NOW))
    assert shown[EMERGENCY].summary.startswith("Puerperal psychosis (F53.1, onset 2025-04-07)")
    assert relapse.TOPIC not in shown


def test_a_past_puerperal_psychosis_keeps_the_relapse_card_with_the_bipolarity_screen() -> None:
    shown = cards(relapse_chart(F531_2016))
    card = shown[relapse.TOPIC]
    assert "**History of puerperal psychosis** (F53.1, 2016-05-01): a past puerperal" in (
        card.detail
    )
    assert "screen for bipolarity" in card.detail
    # Said before the dose step it qualifies.
    assert card.detail.index("History of puerperal psychosis") < card.detail.index("**Then:**")
    # The history card itself is the warning, not the emergency.
    assert shown[EMERGENCY].summary.startswith("History of puerperal psychosis (F53.1, 2016")


def test_a_past_puerperal_psychosis_keeps_the_recurrence_card_with_the_bipolarity_screen() -> None:
    card = cards(recurrence_chart(F531_2016))[RECURRENCE]
    assert "**History of puerperal psychosis** (F53.1, 2016-05-01)" in card.detail
    assert card.detail.index("History of puerperal psychosis") < card.detail.index("**Then:**")


def test_a_drug_never_proposed_for_the_patient_gets_no_dose_raise() -> None:
    # Duloxetine with alcohol dependence (data/condition_drug_rules.csv: ordinarily not
    # prescribed with substantial alcohol use): the restart step already says it is not
    # proposed; the dose step said "raise the dose within its range first".
    shown = cards(relapse_chart(F1020, product=DULOXETINE_60))
    card = shown[relapse.TOPIC]
    assert "optimise the dose first" not in card.summary
    assert "duloxetine not proposed here, no dose raise" in card.summary
    assert "duloxetine is not proposed for this patient: " in card.detail
    assert "raise the dose within its range first" not in card.detail


# --- 2. a raise whose judging day has passed with no PHQ-9 since ---------------------------------


def test_a_raise_past_its_judging_day_with_no_phq9_since_asks_for_one() -> None:
    raised = date(2025, 4, 21)
    record = relapse_chart(
        doses=[(START, 1), (raised, 1.5)], scores=REMISSION + [(date(2025, 4, 21), 15)]
    )
    card = cards(record)[relapse.TOPIC]
    assert card.summary == (
        "Relapse on sertraline, raised to 150 mg/day on 2025-04-21: PHQ-9 15 on 2025-04-21, "
        "no PHQ-9 since the raise: repeat it"
    )
    assert "too early" not in card.summary.lower()
    assert "judge it from 2025-05-19" not in card.detail
    assert "no PHQ-9 is on record since the raise: repeat the PHQ-9 to judge it" in card.detail


def test_a_raise_before_its_judging_day_is_still_too_early() -> None:
    raised = date(2025, 5, 12)
    record = relapse_chart(
        doses=[(START, 1), (raised, 1.5)], scores=REMISSION + [(date(2025, 5, 12), 15)]
    )
    card = cards(record)[relapse.TOPIC]
    assert card.summary.endswith("too early to judge before 2025-06-09")
    assert "judge it from 2025-06-09" in card.detail


# --- 3. every UNVERIFIED step says so ------------------------------------------------------------


def test_the_unverified_optimise_step_says_so() -> None:
    card = cards(relapse_chart())[relapse.TOPIC]
    assert card.summary.endswith("review, then optimise the dose first")
    assert "then switch or augment if the relapse does not settle (UNVERIFIED)." in card.detail


def test_the_unverified_restart_step_still_says_so_beside_its_citation() -> None:
    card = cards(recurrence_chart())[RECURRENCE]
    assert "the treatment the patient responded to before (APA 2010; UNVERIFIED)" in card.detail
