"""Recheck 11 finding 3: the relapse card said "review, then optimise the dose first" (a) with
sertraline already at 200 mg/day, its maximum, while its own detail said "switch or augment",
and (b) after the dose had already been raised at the relapse (100 -> 150 mg on 2025-03-10, a new
order; ten weeks later PHQ-9 15 -> 17 -> 16), asking again for the optimisation already made.

Now the card reads the course's dose history (its DoseSegments): at the maximum the summary says
"at maximum dose, switch or augment" as the detail does; after a raise at the relapse it names
the raise and the PHQ-9 since ("raised to 150 mg/day on 2025-03-10: PHQ-9 15 -> 16 on
2025-05-19, no response: raise further, or switch or augment"), and before the raise can be
judged (4 weeks, MappingPolicy.on_treatment_from_week) it says when it can. Charts are
Epic-shaped (one order per dose, the old one stopped, monthly MedicationDispense, PHQ-9 totals)
and validated with fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules import relapse
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-relapse-dose-history-1"
START = date(2023, 1, 9)
Resource = dict[str, Any]
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")
# PHQ-9 20 at the start, then in remission on sertraline through 2024 (chart L1 of the recheck).
REMISSION = [
    (date(2023, 1, 9), 20),
    (date(2023, 4, 3), 8),
    (date(2023, 7, 3), 4),
    (date(2023, 10, 2), 3),
    (date(2024, 1, 8), 3),
    (date(2024, 6, 3), 4),
    (date(2024, 12, 2), 3),
]
RAISED_ON = date(2025, 3, 10)
# The relapse: PHQ-9 15 on the day of the raise, 17 and 16 on the raised dose.
AFTER_RAISE = [(RAISED_ON, 15), (date(2025, 4, 21), 17), (date(2025, 5, 19), 16)]


def _orders(
    doses: list[tuple[date, float]], product: tuple[str, str] = SERTRALINE_100
) -> list[Resource]:
    """One order per dose (tablets a day of `product`) from its day, the earlier ones stopped
    when the next began, with a 30-day fill every 30 days while each ran."""
    resources: list[Resource] = []
    for n, (begun, tablets) in enumerate(doses):
        until = doses[n + 1][0] if n + 1 < len(doses) else AS_OF
        fills = max(1, -(-(until - begun).days // 30))
        rid = f"mr-sertraline-{n}"
        resources.append(
            fb.medication_request(
                product[0],
                product[1],
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
                product[0],
                product[1],
                begun + timedelta(days=30 * k),
                30,
                30 * tablets,
                dose_value=tablets,
                prescription=rid,
                patient=P,
                id=f"md-sertraline-{n}-{k}",
            )
            for k in range(fills)
        )
    return resources


def chart(
    doses: list[tuple[date, float]],
    scores: list[tuple[date, int]],
    product: tuple[str, str] = SERTRALINE_100,
) -> PatientRecord:
    resources: list[Resource] = [
        fb.patient(
            id=P, given="Ines", family="Halloran", gender="female", birth_date=date(1975, 4, 12)
        ),
        fb.condition(
            "http://hl7.org/fhir/sid/icd-10-cm",
            "F33.1",
            "Major depressive disorder, recurrent, moderate",
            START,
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        *_orders(doses, product),
    ]
    for day, total in scores:
        resources.extend(fb.phq9(day, total, 0, patient=P))
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P)


def card(record: PatientRecord) -> Recommendation:
    shown = {r.topic: r for r in patient_view(record, Policy())}
    return shown[relapse.TOPIC]


def test_a_raise_at_the_relapse_without_response_moves_the_plan_on() -> None:
    # Chart L1: 100 mg since 2023, raised to 150 mg at the relapse; ten weeks later 15 -> 16.
    shown = card(chart([(START, 1), (RAISED_ON, 1.5)], REMISSION + AFTER_RAISE))
    assert shown.summary == (
        "Relapse on sertraline, raised to 150 mg/day on 2025-03-10: PHQ-9 15 -> 16 on "
        "2025-05-19, no response: raise further, or switch or augment"
    )
    assert len(shown.summary) <= 140
    assert (
        "sertraline raised from 100 mg/day to 150 mg/day on 2025-03-10; 10 weeks on it: PHQ-9 15 "
        "on 2025-03-10 -> 16 on 2025-05-19, no response: raise further within its range, or "
        "switch or augment; with no response, switching comes before adding an adjunct (range "
        "to 200 mg/day; CANMAT 2023 para 190)"
    ) in shown.detail
    # The optimisation already made is not asked for again.
    assert "raise the dose within its range first" not in shown.detail
    # The remission it relapsed from is still stated, and it stays text only.
    assert "in remission on it from 2023-07-03 to 2024-12-02" in shown.detail
    assert shown.suggestions == ()


def test_at_the_maximum_dose_the_summary_says_what_the_detail_says() -> None:
    # Chart L4: 200 mg/day (two 100 mg tablets) all along, PHQ-9 3 -> 15 -> 18.
    later = [(date(2025, 3, 10), 15), (date(2025, 5, 19), 18)]
    shown = card(chart([(START, 2)], REMISSION + later))
    assert shown.summary == (
        "Relapse on sertraline 200 mg/day (PHQ-9 3 on 2024-12-02 -> 18 on 2025-05-19): review; "
        "at maximum dose, switch or augment"
    )
    assert "optimise" not in shown.summary
    assert "sertraline is at the top of its range (200 mg/day): switch or augment" in shown.detail


def test_a_raise_to_the_maximum_without_response_says_switch_or_augment() -> None:
    shown = card(chart([(START, 1), (RAISED_ON, 2)], REMISSION + AFTER_RAISE))
    assert shown.summary == (
        "Relapse on sertraline, raised to 200 mg/day on 2025-03-10: PHQ-9 15 -> 16 on "
        "2025-05-19, no response; at maximum dose, switch or augment"
    )
    assert "raise further" not in shown.detail


def test_a_raise_too_recent_to_judge_says_when_it_can_be() -> None:
    raised = date(2025, 5, 5)
    scores = REMISSION + [(date(2025, 4, 7), 14), (raised, 15), (date(2025, 5, 19), 16)]
    shown = card(chart([(START, 1), (raised, 1.5)], scores))
    assert shown.summary == (
        "Relapse on sertraline, raised to 150 mg/day on 2025-05-05: PHQ-9 15 -> 16 on "
        "2025-05-19, too early to judge before 2025-06-02"
    )
    assert "-> 16 on 2025-05-19, no response" not in shown.detail
    assert "response is judged after 4 weeks at a dose" in shown.detail
    assert "judge it from 2025-06-02" in shown.detail


def test_a_response_without_remission_after_the_raise_puts_augmenting_first() -> None:
    scores = REMISSION + [(RAISED_ON, 22), (date(2025, 4, 21), 15), (date(2025, 5, 19), 11)]
    shown = card(chart([(START, 1), (RAISED_ON, 1.5)], scores))
    assert shown.summary == (
        "Relapse on sertraline, raised to 150 mg/day on 2025-03-10: PHQ-9 22 -> 11, response, "
        "no remission: raise further, or augment or switch"
    )
    assert "PHQ-9 22 on 2025-03-10 -> 11 on 2025-05-19, response (>= 50 % drop)" in shown.detail
    assert "with a partial response, adding an adjunct comes before switching" in shown.detail


def test_a_raise_made_before_the_remission_is_not_the_relapse_optimisation() -> None:
    # 50 mg raised to 100 mg in 2023, then remission on 100 mg: the relapse came on a dose that
    # can still be raised, so the card asks for that as before.
    doses: list[tuple[date, float]] = [(START, 1), (date(2023, 3, 6), 2)]
    later = [(date(2025, 3, 10), 15), (date(2025, 5, 19), 18)]
    shown = card(chart(doses, REMISSION + later, SERTRALINE_50))
    assert shown.summary == (
        "Relapse on sertraline 100 mg/day (PHQ-9 3 on 2024-12-02 -> 18 on 2025-05-19): "
        "review, then optimise the dose first"
    )
    assert "sertraline 100 mg/day (range to 200 mg/day): raise the dose" in shown.detail
