"""Review 10 recheck R9: mania recorded as a reaction to a named drug off the pathway (a steroid)
is read and deliberately not a bipolar finding, so it is no "could not be read" gap; only a
reaction whose drug cannot be read at all stays a gap (it may have been an antidepressant)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir_mapping.build import build_record
from fhir_mapping.record import (
    DataDomain,
    FindingKind,
    InadequacyReason,
    PatientRecord,
    SourceRef,
    Verdict,
)
from tests.fhir_mapping import fhir_resources as fr

Resource = dict[str, Any]
AS_OF = date(2025, 6, 2)
PREDNISONE = {
    "coding": [{"system": fr.RXNORM, "code": "8640", "display": "prednisone"}],
    "text": "prednisone",
}


def prednisone_order() -> Resource:
    """A completed US Core MedicationRequest for prednisone (the suspect an AdverseEvent cites)."""
    return {
        "resourceType": "MedicationRequest",
        "id": "mr-pred",
        "status": "completed",
        "intent": "order",
        "medicationCodeableConcept": PREDNISONE,
        "subject": {"reference": f"Patient/{fr.PATIENT}"},
        "authoredOn": "2020-05-01",
    }


def mania_event(suspects: list[Resource]) -> Resource:
    """An R4 AdverseEvent (actual) whose event is typed "Manic episode"."""
    event: Resource = {
        "resourceType": "AdverseEvent",
        "id": "ae-mania",
        "actuality": "actual",
        "event": {"text": "Manic episode"},
        "subject": {"reference": f"Patient/{fr.PATIENT}"},
        "date": "2020-05-10",
    }
    if suspects:
        event["suspectEntity"] = suspects
    return event


def record_of(*resources: Resource) -> PatientRecord:
    fr.assert_valid(resources)
    return build_record([fr.patient(), *resources], as_of=AS_OF, patient_id=fr.PATIENT)


def test_steroid_mania_by_a_resolvable_order_is_read_not_a_gap() -> None:
    record = record_of(
        prednisone_order(),
        mania_event([{"instance": {"reference": "MedicationRequest/mr-pred"}}]),
    )
    assert record.context.of(FindingKind.BIPOLAR) == ()
    assert record.gaps_in(DataDomain.CONDITIONS) == ()


def test_steroid_mania_by_suspect_display_is_read_not_a_gap() -> None:
    record = record_of(mania_event([{"instance": {"display": "prednisone 40 mg tablet"}}]))
    assert record.context.of(FindingKind.BIPOLAR) == ()
    assert record.gaps_in(DataDomain.CONDITIONS) == ()


def test_mania_whose_suspect_cannot_be_resolved_stays_a_gap() -> None:
    """The order it points to is not among the resources: it may have been an antidepressant."""
    record = record_of(
        mania_event([{"instance": {"reference": "MedicationRequest/not-sent"}}]),
    )
    (gap,) = record.gaps_in(DataDomain.CONDITIONS)
    assert gap.source == SourceRef("AdverseEvent", "ae-mania")
    assert "could not be read" in gap.reason


# --- R8: a course ended after a hypomanic switch is not a failed trial --------------------------

ESCITALOPRAM_20 = ("351250", "escitalopram 20 MG Oral Tablet")


def _escitalopram_course(reaction: str) -> PatientRecord:
    """Escitalopram 20 mg daily, three 30-day fills from 2023-01-09 (about 13 weeks, adequate by
    time and dose), an AdverseEvent on 2023-03-20 naming the order as suspect."""
    order = fr.medication_request(
        "mr-esc", *ESCITALOPRAM_20, date(2023, 1, 9), status="stopped", supply_days=30
    )
    fills = [
        fr.medication_dispense(f"md-esc-{i}", *ESCITALOPRAM_20, day, 30, 30)
        for i, day in enumerate([date(2023, 1, 9), date(2023, 2, 8), date(2023, 3, 10)])
    ]
    event = mania_event([{"instance": {"reference": "MedicationRequest/mr-esc"}}])
    event["event"] = {"text": reaction}
    event["date"] = "2023-03-20"
    return record_of(order, *fills, event)


def test_a_course_ended_after_hypomania_is_an_intolerance_not_a_failure() -> None:
    record = _escitalopram_course("Hypomania")
    (trial,) = record.trials
    assert trial.verdict is Verdict.INADEQUATE
    assert trial.reasons == (InadequacyReason.INTOLERANCE,)
    assert not trial.failed
    assert record.context.of(FindingKind.BIPOLAR)  # and the switch is still a bipolar finding


def test_a_course_with_another_adverse_event_keeps_its_verdict() -> None:
    (trial,) = _escitalopram_course("Nausea").trials
    assert trial.verdict is Verdict.ADEQUATE
