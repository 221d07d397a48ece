"""Mania or hypomania recorded on a course is read wherever on the course it was recorded
(review 11 wave 4).

- A stop reason that says hypomania on an EARLIER order of a course is a bipolar finding even
  when a later order of the same course was stopped for something else: before, the finding read
  only the trial's intolerance, the latest stop reason ("side effect: nausea"), and the earlier
  switch said nothing.
- An AdverseEvent coded SNOMED 231494001 (Mania) with no display or text, as C-CDA conversions send
  codes, names the reaction: before, its intolerance reason was a bare "adverse event".

Charts as US EHRs send them (tests/fixtures/builders.py: US Core MedicationRequests with
boundsPeriod ends and statusReason, MedicationDispenses, PHQ-9 Observations, an ICD-10-CM
problem-list Condition; an R4 AdverseEvent), each validated with fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import FindingKind, PatientRecord, SourceRef
from tests.fixtures import builders as fb

Resource = dict[str, Any]

AS_OF = date(2025, 6, 2)
P = "pt-stop-mania-1"
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
ESCITALOPRAM_20 = ("351250", "escitalopram 20 MG Oral Tablet")
SIDE_EFFECT: Resource = {
    "coding": [
        {"system": fb.SNOMED, "code": "395009001", "display": "Medication stopped - side effect"}
    ],
    "text": "Nausea",
}
HYPOMANIA: Resource = {
    "coding": [{"system": fb.SNOMED, "code": "231496004", "display": "Hypomania"}],
    "text": "Hypomania",
}
MANIA_CODE_ONLY: Resource = {"coding": [{"system": fb.SNOMED, "code": "231494001"}]}


def _order(
    drug: tuple[str, str], start: date, stop: date, rid: str, reason: Resource | None = None
) -> Resource:
    order = fb.medication_request(
        drug[0],
        drug[1],
        start,
        status="stopped",
        bounds_end=stop,
        expected_supply_days=30,
        repeats=2,
        patient=P,
        id=rid,
    )
    if reason is not None:
        order["statusReason"] = reason
    return order


def _fills(drug: tuple[str, str], days: list[date], prefix: str, order: str) -> list[Resource]:
    return [
        fb.medication_dispense(
            drug[0],
            drug[1],
            day,
            30,
            30,
            patient=P,
            prescription=order,
            refill=i > 0,
            id=f"{prefix}-{i}",
        )
        for i, day in enumerate(days)
    ]


def chart(first_reason: Resource | None, *extra: Resource) -> list[Resource]:
    """Recurrent MDD. Sertraline 100 mg October to December 2022 (a failed trial). Escitalopram
    20 mg from 2023-01-09, its first order stopped 2023-02-06 for `first_reason`, restarted a
    week later on a new order and stopped 2023-04-10 for nausea (a side effect): one course."""
    resources: list[Resource] = [
        fb.patient(
            id=P, given="Dana", family="Reyes", gender="female", birth_date=date(1981, 3, 2)
        ),
        fb.condition(
            fb.ICD10CM,
            "F33.1",
            "Major depressive disorder, recurrent, moderate",
            date(2022, 9, 5),
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        _order(SERTRALINE_100, date(2022, 10, 3), date(2023, 1, 2), "mr-sert"),
        *_fills(
            SERTRALINE_100,
            [date(2022, 10, 3), date(2022, 11, 2), date(2022, 12, 2)],
            "md-sert",
            "mr-sert",
        ),
        _order(ESCITALOPRAM_20, date(2023, 1, 9), date(2023, 2, 6), "mr-esc-1", first_reason),
        *_fills(ESCITALOPRAM_20, [date(2023, 1, 9)], "md-esc1", "mr-esc-1"),
        _order(ESCITALOPRAM_20, date(2023, 2, 13), date(2023, 4, 10), "mr-esc-2", SIDE_EFFECT),
        *_fills(ESCITALOPRAM_20, [date(2023, 2, 13), date(2023, 3, 15)], "md-esc2", "mr-esc-2"),
        *extra,
    ]
    for day, total in [
        (date(2022, 10, 3), 21),
        (date(2023, 1, 2), 20),
        (date(2023, 1, 9), 20),
        (date(2023, 4, 10), 19),
        (date(2025, 5, 19), 20),
    ]:
        resources += fb.phq9(day, total, item9=0, patient=P)
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resources


def record_of(resources: list[Resource]) -> PatientRecord:
    return build_record(resources, as_of=AS_OF, patient_id=P)


def test_hypomania_on_an_earlier_order_of_the_course_is_a_bipolar_finding() -> None:
    record = record_of(chart(HYPOMANIA))
    # One escitalopram course whose kept stop reason is the later one (nausea): the case the
    # finding used to miss.
    (course,) = [t for t in record.trials if t.ingredient == "escitalopram"]
    assert course.intolerance is not None
    assert course.intolerance.source == SourceRef("MedicationRequest", "mr-esc-2")
    assert not course.intolerance.manic_reaction
    (finding,) = record.context.of(FindingKind.BIPOLAR)
    assert (finding.system, finding.code) == (fb.SNOMED, "231496004")
    assert finding.display == "Hypomania on escitalopram, recorded as the reason it was stopped"
    assert finding.source == SourceRef("MedicationRequest", "mr-esc-1")
    assert finding.onset == date(2023, 2, 6)  # the order's stated end


def test_control_no_mania_on_the_earlier_order_is_no_finding() -> None:
    record = record_of(chart(None))
    assert record.context.of(FindingKind.BIPOLAR) == ()
    negated = record_of(chart({"text": "no hypomania; moved pharmacy"}))
    assert negated.context.of(FindingKind.BIPOLAR) == ()


def adverse_event(event: Resource) -> Resource:
    """An R4 AdverseEvent as a C-CDA conversion writes it: the event coded, no display, the
    suspect the escitalopram order."""
    return {
        "resourceType": "AdverseEvent",
        "id": "ae-esc-1",
        "actuality": "actual",
        "event": event,
        "subject": {"reference": f"Patient/{P}"},
        "date": "2023-03-20",
        "recordedDate": "2023-03-21",
        "suspectEntity": [{"instance": {"reference": "MedicationRequest/mr-esc-2"}}],
    }


def test_an_adverse_event_coded_mania_with_no_words_names_mania() -> None:
    record = record_of(chart(None, adverse_event(MANIA_CODE_ONLY)))
    (read,) = [i for i in record.intolerances if i.source.resource_type == "AdverseEvent"]
    assert read.ingredient == "escitalopram"
    assert read.reason == "adverse event: Mania"
    assert read.manic_reaction
    # Control: a display is used as written.
    named = {"coding": [{"system": fb.SNOMED, "code": "422587007", "display": "Nausea"}]}
    (nausea,) = [
        i
        for i in record_of(chart(None, adverse_event(named))).intolerances
        if i.source.resource_type == "AdverseEvent"
    ]
    assert nausea.reason == "adverse event: Nausea"
