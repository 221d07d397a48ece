"""Recheck 2 of review 11, the relapse and recurrence cards (findings 3 and 7, and K5's leftover).

3. Chart M5: escitalopram 20 mg/day brought remission and was stopped 2024-02-05 with an
   AllergyIntolerance "Hyponatremia" (criticality high, severe) and a sodium of 121 mmol/L the
   same day, at age 75. The recurrence card said "consider restarting it at the dose that brought
   remission" while the optimise card on the same chart said "never proposed again". Now a drug
   stopped for a documented intolerance, or with a safety lab beyond its data/lab_safety.csv line
   on it (a sodium below 130 on an SSRI), is not proposed again and the summary says why.
7. Chart L5: sertraline 100 mg, raised to 150 mg at the relapse (2025-01-06), lowered back to
   100 mg on 2025-04-07: the card still said "raise the dose within its range first". Now it names
   the raise tried and undone and asks why before a further raise; switch or augment.
K5's leftover: with a past puerperal psychosis (F53.1 of 2016) the relapse summary ended
   "optimise the dose first" while its detail asked to screen for bipolarity first: the summary
   now says the screen comes first.

Charts are Epic shaped (tests/fixtures/builders.py: one order per dose, the earlier stopped, with
monthly MedicationDispense; a US Core AllergyIntolerance with its reaction in SNOMED CT; a US Core
lab Observation with its H/L flag; ICD-10-CM problem-list Conditions; PHQ-9 totals), and every
resource validates against fhir.resources R4B.
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
P = "pt-relapse-recheck2"
START = date(2023, 1, 9)
STOP = date(2024, 2, 5)
Resource = dict[str, Any]
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
ESCITALOPRAM_20 = ("351250", "escitalopram 20 MG Oral Tablet")
RECURRENCE = "recurrence-off-treatment"
SODIUM = "2951-2"
# M5: remission on escitalopram, stopped 2024-02-05, then the recurrence in 2025.
M5_SCORES = [
    (START, 20),
    (date(2023, 5, 1), 6),
    (date(2023, 9, 4), 4),
    (date(2024, 1, 8), 3),
    (date(2025, 3, 3), 18),
    (date(2025, 5, 19), 19),
]
# L5: in remission on sertraline through 2024, PHQ-9 15 at the relapse (the day of the raise).
L5_SCORES = [
    (START, 20),
    (date(2023, 4, 3), 8),
    (date(2023, 7, 3), 4),
    (date(2023, 10, 2), 3),
    (date(2024, 1, 8), 3),
    (date(2024, 6, 3), 4),
    (date(2024, 12, 2), 3),
    (date(2025, 1, 6), 15),
    (date(2025, 3, 3), 16),
    (date(2025, 5, 19), 17),
]


def _patient(born: date) -> list[Resource]:
    return [
        fb.patient(id=P, given="Ruth", family="Ellery", gender="female", birth_date=born),
        fb.condition(
            fb.ICD10CM,
            "F33.1",
            "Major depressive disorder, recurrent, moderate",
            START,
            category="problem-list-item",
            patient=P,
            id="mdd",
        ),
    ]


def _orders(
    doses: list[tuple[date, float]], product: tuple[str, str], until: date = AS_OF
) -> list[Resource]:
    """One order per dose (tablets a day of `product`) from its day, the earlier ones stopped
    when the next began (the last one active, or stopped at `until`), with a 30-day fill every
    30 days while each ran."""
    resources: list[Resource] = []
    for n, (begun, tablets) in enumerate(doses):
        end = doses[n + 1][0] if n + 1 < len(doses) else until
        fills = max(1, (end - begun).days // 30)
        rid = f"mr-{n}"
        running = n + 1 == len(doses) and until == AS_OF
        resources.append(
            fb.medication_request(
                *product,
                begun,
                dose_value=tablets,
                status="active" if running else "stopped",
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


def _hyponatraemia(recorded: date) -> Resource:
    """A US Core AllergyIntolerance (type intolerance) naming escitalopram by its RxNorm
    ingredient, the reaction coded in SNOMED CT, criticality high and severe (chart M5)."""
    clinical = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
    verification = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
    return {
        "resourceType": "AllergyIntolerance",
        "id": "ai-esc-hyponatremia",
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-allergyintolerance"
            ]
        },
        "clinicalStatus": {"coding": [{"system": clinical, "code": "active"}]},
        "verificationStatus": {"coding": [{"system": verification, "code": "confirmed"}]},
        "type": "intolerance",
        "category": ["medication"],
        "criticality": "high",
        "code": {
            "coding": [{"system": fb.RXNORM, "code": "321988", "display": "escitalopram"}],
            "text": "escitalopram",
        },
        "patient": {"reference": f"Patient/{P}"},
        "recordedDate": fb.fhir_date(recorded),
        "reaction": [
            {
                "manifestation": [
                    {
                        "coding": [
                            {"system": fb.SNOMED, "code": "89627008", "display": "Hyponatremia"}
                        ]
                    }
                ],
                "severity": "severe",
            }
        ],
    }


def _sodium(day: date, value: float) -> Resource:
    return fb.lab(
        SODIUM, value, "mmol/L", day, "L" if value < 136 else "N", (136.0, 145.0), patient=P
    )


def _build(resources: list[Resource], scores: list[tuple[date, int]]) -> PatientRecord:
    for day, total in scores:
        resources.extend(fb.phq9(day, total, 0, patient=P))
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P)


def m5(*extra: Resource) -> PatientRecord:
    """Age 75: escitalopram 20 mg/day 2023-01-09 until it was stopped on 2024-02-05."""
    resources = [
        *_patient(date(1950, 3, 3)),
        *_orders([(START, 1)], ESCITALOPRAM_20, until=STOP),
        *extra,
    ]
    return _build(resources, list(M5_SCORES))


def cards(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, Policy())}


# --- 3. a drug stopped for an adverse effect is not proposed again --------------------------------


def test_a_drug_stopped_for_hyponatraemia_is_not_proposed_again_and_the_summary_says_why() -> None:
    card = cards(m5(_hyponatraemia(STOP), _sodium(STOP, 121)))[RECURRENCE]
    assert card.summary.endswith("for Hyponatremia, sodium 121 mmol/L): not restarted")
    assert "escitalopram" in card.summary
    assert len(card.summary) <= 140
    assert "consider restarting" not in card.detail
    assert "escitalopram 20 mg/day is not proposed again: it was not tolerated: " in card.detail
    assert "Hyponatremia (2024-02-05)" in card.detail
    # The last supply ends 2024-02-03 (the record's last day on the drug); the sodium drawn two
    # days later is read with it.
    assert (
        "with sodium 121 mmol/L on 2024-02-05, 2 days after its last day on record (below 130 "
        "mmol/L, Spasovski 2014)"
    ) in card.detail
    assert (
        "Choose another agent, with a different side-effect profile (CANMAT 2023 para 190)."
    ) in card.detail
    # Why it stopped is known: the review does not ask it again.
    assert "and why escitalopram was stopped" not in card.detail
    # The optimise card on the same chart says the same: never proposed again.
    assert card.suggestions == ()


def test_a_documented_intolerance_alone_is_enough() -> None:
    card = cards(m5(_hyponatraemia(STOP)))[RECURRENCE]
    assert card.summary.endswith(", not tolerated: Hyponatremia): not restarted")
    assert "consider restarting" not in card.detail
    assert "is not proposed again" in card.detail


def test_a_low_sodium_on_the_drug_at_the_stop_is_enough_without_an_allergy_entry() -> None:
    card = cards(m5(_sodium(STOP, 121)))[RECURRENCE]
    assert card.summary.endswith(", sodium 121 mmol/L): not restarted")
    assert "it stopped with sodium 121 mmol/L on 2024-02-05, 2 days after its last" in card.detail
    assert "consider restarting" not in card.detail


def test_a_low_sodium_on_the_drug_that_recovered_after_the_stop_is_still_the_reason() -> None:
    # Sodium 121 on the drug in January, 138 three weeks after the last supply: recovery off the
    # drug is what a drug-induced low sodium does.
    card = cards(m5(_sodium(date(2024, 1, 22), 121), _sodium(date(2024, 2, 24), 138)))[RECURRENCE]
    assert card.summary.endswith(", sodium 121 mmol/L): not restarted")
    assert "it stopped with sodium 121 mmol/L on 2024-01-22 while on it (below 130" in card.detail


def test_a_low_sodium_long_after_the_stop_is_not_the_drug_s() -> None:
    # 90 days after the last supply: past the days a result is still read with the course.
    card = cards(m5(_sodium(date(2024, 5, 3), 121)))[RECURRENCE]
    assert "not restarted" not in card.summary
    assert "consider restarting it at the dose" in card.detail


def test_a_low_sodium_that_recovered_on_the_drug_is_no_reason_and_restart_stays() -> None:
    # Sodium 127 in 2023, 139 on the drug before the stop: the latest result on it is normal, so
    # the record does not show the drug was stopped for it (control: the old wording).
    record = m5(_sodium(date(2023, 6, 5), 127), _sodium(date(2024, 1, 8), 139))
    card = cards(record)[RECURRENCE]
    assert "not restarted" not in card.summary
    assert "escitalopram 20 mg/day: consider restarting it at the dose" in card.detail
    assert "and why escitalopram was stopped" in card.detail


# --- 7. a raise at the relapse, lowered again ----------------------------------------------------


def test_a_dose_raised_at_the_relapse_and_lowered_again_is_named_and_not_asked_for_again() -> None:
    doses = [(START, 1), (date(2025, 1, 6), 1.5), (date(2025, 4, 7), 1)]
    record = _build([*_patient(date(1975, 4, 12)), *_orders(doses, SERTRALINE_100)], L5_SCORES)
    card = cards(record)[relapse.TOPIC]
    assert card.summary == (
        "Relapse on sertraline 100 mg/day: 150 mg/day tried 2025-01-06 to 2025-04-07 (PHQ-9 15 "
        "-> 16), then lowered: ask why; switch or augment"
    )
    assert len(card.summary) <= 140
    assert (
        "sertraline raised from 100 mg/day to 150 mg/day on 2025-01-06; 13 weeks on it: PHQ-9 15 "
        "on 2025-01-06 -> 16 on 2025-03-03; then lowered to 100 mg/day on 2025-04-07; since then "
        "PHQ-9 17 on 2025-05-19. No reason for lowering it is on record. Ask why it was lowered "
        "(side effects, or no benefit) before raising it again; if the higher dose was not "
        "tolerated or brought no response, switch or augment (CANMAT 2023 para 190)."
    ) in card.detail
    assert "raise the dose within its range first" not in card.detail
    assert "optimise the dose first" not in card.summary


def test_a_dose_lowered_during_the_remission_is_no_raise_tried_at_the_relapse() -> None:
    # 150 mg from the start, lowered to 100 mg in 2024 while in remission: no change was made at
    # the relapse, so the dose step stays "optimise the dose first" (control).
    doses = [(START, 1.5), (date(2024, 3, 4), 1)]
    record = _build([*_patient(date(1975, 4, 12)), *_orders(doses, SERTRALINE_100)], L5_SCORES)
    card = cards(record)[relapse.TOPIC]
    assert card.summary.endswith("review, then optimise the dose first")
    assert "then lowered" not in card.detail


# --- K5's leftover: the bipolarity screen comes first in the summary -----------------------------


def test_a_past_puerperal_psychosis_puts_the_screen_first_in_the_relapse_summary() -> None:
    f531 = fb.condition(
        fb.ICD10CM,
        "F53.1",
        "Puerperal psychosis",
        date(2016, 5, 1),
        category="problem-list-item",
        patient=P,
        id="f531-old",
    )
    scores = L5_SCORES[:7] + [(date(2025, 4, 21), 14), (date(2025, 5, 19), 18)]
    resources = [*_patient(date(1985, 4, 12)), f531, *_orders([(START, 1)], SERTRALINE_100)]
    card = cards(_build(resources, scores))[relapse.TOPIC]
    assert card.summary == (
        "Relapse on sertraline 100 mg/day (PHQ-9 3 on 2024-12-02 -> 18 on 2025-05-19): screen "
        "for bipolarity first, then optimise the dose"
    )
    assert len(card.summary) <= 140
    assert "optimise the dose first" not in card.summary
    assert "screen for bipolarity" in card.detail
