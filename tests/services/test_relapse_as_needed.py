"""Review leftover L6: a relapse on a maintenance antidepressant ordered "as needed" was offered
a raise. Sertraline 100 mg ordered in Epic with asNeededBoolean true and the sig "Take 1 tablet
by mouth daily as needed", PHQ-9 3-4 through 2024, then 14 and 18 in 2025: the relapse card said
"review, then optimise the dose first" and "(range to 200 mg/day): raise the dose within its
range". A dose taken as needed is no maintenance dose a raise can build on: the card now says the
dose is recorded as needed and asks how it is taken (regular daily use is the basis for any
raise), with no raise in the summary, the detail or a suggestion. The same chart ordered daily
keeps the raise.

The order is Epic's (tests/fixtures/vendor_charts.py: the sandbox MedicationRequest's layout, a
separate Medication with the ingredient and product RxNorm codes, 36437 sertraline and 312938
sertraline 100 MG Oral Tablet); the pharmacy's monthly fills carry the order's sig, as Epic's
dispenses do. Every resource validates as R4B.
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
from tests.fixtures import vendor_charts as V

Resource = dict[str, Any]
AS_OF = V.AS_OF  # 2025-06-02
P = V.EPIC_PATIENT
START = date(2023, 1, 9)
SERTRALINE = ("36437", "312938")  # RxNorm ingredient, and sertraline 100 MG Oral Tablet (SCD)
SERTRALINE_100 = "sertraline (ZOLOFT) 100 MG tablet"
PRN_SIG = "Take 1 tablet by mouth daily as needed"
DAILY_SIG = "Take 1 tablet by mouth daily"
SCORES = [
    (date(2023, 1, 9), 20),
    (date(2023, 4, 3), 8),
    (date(2023, 7, 3), 4),
    (date(2023, 10, 2), 3),
    (date(2024, 1, 8), 3),
    (date(2024, 6, 3), 4),
    (date(2024, 12, 2), 3),  # the remission's last PHQ-9
    (date(2025, 4, 7), 14),
    (date(2025, 5, 19), 18),  # the relapse
]
# How the order says "as needed": Epic's flag with the words in the sig, a reason instead of the
# flag (asNeededCodeableConcept, SNOMED 35489007 Depressive disorder), or the sig's words alone
# beside asNeededBoolean false (the sandbox order's default).
AS_NEEDED_FORMS = {
    "boolean": {"asNeededBoolean": True},
    "codeable-concept": {
        "asNeededCodeableConcept": {
            "coding": [
                {
                    "system": V.SNOMED,
                    "code": "35489007",
                    "display": "Depressive disorder (disorder)",
                }
            ],
            "text": "depression",
        }
    },
    "sig-only": {"asNeededBoolean": False},
}


def _as_needed(line: Resource, form: Resource) -> None:
    line.pop("asNeededBoolean", None)
    line.update(form)


def chart(as_needed: str | None) -> PatientRecord:
    """The relapse chart; `as_needed`: a key of AS_NEEDED_FORMS, None for a daily order."""
    sig = PRN_SIG if as_needed else DAILY_SIG
    form = AS_NEEDED_FORMS[as_needed] if as_needed else {"asNeededBoolean": False}
    medication = V.epic_medication(
        V.epic_id("h3/med-sertraline", 46), SERTRALINE, SERTRALINE_100, "tablet"
    )
    oid = V.epic_id("h3/order-sertraline", 46)
    order = V.epic_order(
        oid,
        medication,
        sig=sig,
        start=START,
        end=None,
        status="active",
        mg=100,
        units=(1, "tablet", "{tbl}"),
        times="0900",
        count=1095,  # three years of daily doses
    )
    _as_needed(order["dosageInstruction"][0], form)
    fills = (AS_OF - START).days // 30 + 1
    dispenses = []
    for n in range(fills):
        fill = fb.medication_dispense(
            SERTRALINE[1],
            "sertraline 100 MG Oral Tablet",
            START + timedelta(days=30 * n),
            30,
            30,
            prescription=oid,
            refill=n > 0,
            text=sig,
            patient=P,
            id=f"md-h3-sertraline-{n}",
        )
        _as_needed(fill["dosageInstruction"][0], form)
        dispenses.append(fill)
    resources: list[Resource] = [
        fb.patient(
            id=P, given="Daniel", family="Reyes", gender="male", birth_date=date(1978, 3, 14)
        ),
        fb.condition(
            "http://hl7.org/fhir/sid/icd-10-cm",
            "F33.1",
            "Major depressive disorder, recurrent, moderate",
            START,
            category="problem-list-item",
            patient=P,
            id="cond-h3-mdd",
        ),
        medication,
        order,
        *dispenses,
    ]
    for day, total in SCORES:
        resources.extend(fb.phq9(day, total, 0, patient=P))
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P)


def relapse_card(record: PatientRecord) -> Recommendation:
    return {r.topic: r for r in patient_view(record, Policy())}[relapse.TOPIC]


@pytest.mark.parametrize("form", list(AS_NEEDED_FORMS))
def test_a_relapse_on_an_as_needed_dose_asks_how_it_is_taken_and_offers_no_raise(
    form: str,
) -> None:
    record = chart(form)
    (course,) = record.trials
    assert course.segments[-1].as_needed  # the mapping's reading, not the sig read again here
    card = relapse_card(record)
    assert card.summary == (
        "Relapse on sertraline 100 mg as needed (PHQ-9 3 on 2024-12-02 -> 18 on 2025-05-19): "
        "review; recorded as needed: confirm how it is taken"
    )
    assert len(card.summary) <= 140
    assert "the running order is recorded as needed, not as a daily dose" in card.detail
    assert "no dose raise is proposed. Confirm how it is taken" in card.detail
    assert "regular daily use at a known dose is the basis for any raise" in card.detail
    # No raise anywhere: not the optimise step, not the range's top, no one-click order.
    text = f"{card.summary}\n{card.detail}".lower()
    assert "optimise the dose" not in text
    assert "raise the dose" not in text
    assert "range to" not in text
    assert "mg/day" not in text
    assert card.suggestions == ()
    # The rest of the card as for any relapse: the remission it held, the review first.
    assert "in remission on it from 2023-07-03 to 2024-12-02" in card.detail
    assert "check adherence, intercurrent stressors" in card.detail


def test_the_same_chart_ordered_daily_keeps_the_raise() -> None:
    record = chart(None)
    (course,) = record.trials
    assert not course.segments[-1].as_needed
    card = relapse_card(record)
    assert card.summary == (
        "Relapse on sertraline 100 mg/day (PHQ-9 3 on 2024-12-02 -> 18 on 2025-05-19): "
        "review, then optimise the dose first"
    )
    assert "sertraline 100 mg/day (range to 200 mg/day): raise the dose" in card.detail
    assert "recorded as needed" not in card.detail
    assert card.suggestions == ()  # text only, as before
