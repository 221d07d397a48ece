"""Review 11 finding 3: a relapse on a running maintenance antidepressant got NO cards. Sertraline
100 mg since 2023 with monthly fills, PHQ-9 20 -> 3-4 for 18 months, then 14 and 18: the
remission ends the 2023 episode (fhir_mapping/episode.py), the course started before the new one
and is rightly not counted as a failed trial of it, and nothing was said at all. `--explain`
read the course's outcome from its first and last score only: "no response, no remission".

Now one card (services/rules/relapse.py): "Relapse on sertraline 100 mg/day (PHQ-9 3 on
2024-12-02 -> 18 on 2025-05-19)", review first (adherence, stressors, substances, medical causes),
then raise the dose within its range; not counted as a failed acute trial. Charts are Epic-shaped
(order + monthly MedicationDispense, PHQ-9 totals) and validated with fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.explain import explain
from fhir_mapping.record import PatientRecord
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules import relapse
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-relapse-maintenance-1"
START = date(2023, 1, 9)
Resource = dict[str, Any]
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
SERTRALINE_100_TWICE = 2  # tablets a day: 200 mg/day
REMISSION = [
    (date(2023, 1, 9), 20),
    (date(2023, 4, 3), 8),
    (date(2023, 7, 3), 4),
    (date(2023, 10, 2), 3),
    (date(2024, 1, 8), 3),
    (date(2024, 6, 3), 4),
    (date(2024, 12, 2), 3),
]


def chart(later: list[tuple[date, int]], *, tablets: int = 1) -> PatientRecord:
    rid = "mr-sertraline-maintenance"
    fills = (AS_OF - START).days // 30 + 1
    resources: list[Resource] = [
        fb.patient(
            id=P, given="Mara", family="Quinn", gender="female", birth_date=date(1979, 6, 1)
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
        fb.medication_request(
            SERTRALINE_100[0],
            SERTRALINE_100[1],
            START,
            dose_value=tablets,
            patient=P,
            id=rid,
            repeats=fills,
        ),
        *[
            fb.medication_dispense(
                SERTRALINE_100[0],
                SERTRALINE_100[1],
                START + timedelta(days=30 * n),
                30,
                30 * tablets,
                dose_value=tablets,
                prescription=rid,
                patient=P,
                id=f"md-sertraline-{n}",
            )
            for n in range(fills)
        ],
    ]
    for day, total in REMISSION + later:
        resources.extend(fb.phq9(day, total, 0, patient=P))
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P)


def cards(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, Policy())}


RELAPSE = [(date(2025, 4, 7), 14), (date(2025, 5, 19), 18)]


def test_relapse_on_a_running_maintenance_course_gets_one_card() -> None:
    record = chart(RELAPSE)
    assert record.episode_start == date(2025, 4, 7)
    shown = cards(record)
    card = shown[relapse.TOPIC]
    assert card.summary == (
        "Relapse on sertraline 100 mg/day (PHQ-9 3 on 2024-12-02 -> 18 on 2025-05-19): "
        "review, then optimise the dose first"
    )
    assert len(card.summary) <= 140
    assert "in remission on it from 2023-07-03 to 2024-12-02" in card.detail
    assert "refills on time (PDC" in card.detail
    assert "check adherence, intercurrent stressors, alcohol and substance use" in card.detail
    assert "sertraline 100 mg/day (range to 200 mg/day): raise the dose" in card.detail
    assert "Not counted as a failed acute trial of this episode" in card.detail
    # Text only: a dose change after a relapse rests on the review the card asks for.
    assert card.suggestions == ()
    # Not a failed acute trial: no TMS and no "N adequate trials failed" card on it.
    assert "tms-referral" not in shown
    assert "optimize-switch-augment" not in shown


def test_explain_names_the_remission_the_course_held() -> None:
    text = explain(chart(RELAPSE))
    assert "no response, no remission" not in text
    assert "outcome: remission on it (PHQ-9 < 5 2023-07-03 to 2024-12-02), then PHQ-9 18" in text


def test_at_the_top_of_the_range_the_card_says_switch_or_augment() -> None:
    card = cards(chart(RELAPSE, tablets=SERTRALINE_100_TWICE))[relapse.TOPIC]
    assert "sertraline is at the top of its range (200 mg/day): switch or augment" in card.detail


def test_still_in_remission_gives_no_card() -> None:
    assert cards(chart([(date(2025, 5, 19), 3)])) == {}


def test_a_mild_rise_is_not_called_a_relapse() -> None:
    # PHQ-9 8 (mild) is below the relapse cut-off (policy relapse_phq9_at_least, moderate >= 10).
    assert relapse.TOPIC not in cards(chart([(date(2025, 4, 7), 7), (date(2025, 5, 19), 8)]))
