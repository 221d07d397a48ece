"""fhir_mapping/admissions.py: which Encounters are psychiatric inpatient stays (review 16 W4)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.admissions import read_admission, read_admissions, wants_admission
from fhir_mapping.source_ref import SourceRef

AS_OF = date(2025, 6, 2)
ACT = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
Resource = dict[str, Any]


def _stay(
    *,
    class_code: str = "IMP",
    status: str = "finished",
    end: str | None = "2025-05-09T09:30:00-05:00",
    reason: tuple[str, str, str] | None = (
        ICD10CM,
        "F33.2",
        "Major depressive disorder, recurrent severe without psychotic features",
    ),
    **extra: Any,
) -> Resource:
    period = {"start": "2025-04-28T09:30:00-05:00"}
    if end is not None:
        period["end"] = end
    body: Resource = {
        "resourceType": "Encounter",
        "id": "stay-1",
        "status": status,
        "class": {"system": ACT, "code": class_code},
        "subject": {"reference": "Patient/p1"},
        "period": period,
    }
    if reason is not None:
        system, code, display = reason
        body["reasonCode"] = [{"coding": [{"system": system, "code": code, "display": display}]}]
    body.update(extra)
    return body


def test_reason_code_f33_makes_a_psychiatric_stay() -> None:
    stay = read_admission(_stay(), [], as_of=AS_OF)
    assert stay is not None
    assert (stay.start, stay.discharged) == (date(2025, 4, 28), date(2025, 5, 9))
    assert (stay.code, stay.reason) == ("F33.2", "ICD-10-CM F33.2")
    assert stay.reason_display.startswith("Major depressive disorder")
    assert stay.source == SourceRef("Encounter", "stay-1")


@pytest.mark.parametrize("class_code", ["IMP", "ACUTE", "NONAC", "OBSENC", "SS"])
def test_inpatient_classes_are_read(class_code: str) -> None:
    assert wants_admission(_stay(class_code=class_code))


@pytest.mark.parametrize("class_code", ["AMB", "EMER", "VR", "HH"])
def test_other_classes_are_not(class_code: str) -> None:
    assert not wants_admission(_stay(class_code=class_code))
    assert read_admission(_stay(class_code=class_code), [], as_of=AS_OF) is None


@pytest.mark.parametrize(
    ("status", "end"),
    [
        ("in-progress", None),  # still an inpatient: no discharge yet
        ("finished", "2025-06-10T09:00:00-05:00"),  # after as-of
        ("cancelled", "2025-05-09T09:30:00-05:00"),
        ("entered-in-error", "2025-05-09T09:30:00-05:00"),
    ],
)
def test_no_discharge_on_record_is_no_stay(status: str, end: str | None) -> None:
    assert read_admission(_stay(status=status, end=end), [], as_of=AS_OF) is None


def test_a_finished_stay_with_no_end_ends_on_its_last_day_on_record() -> None:
    """Review s28 K5 finding 3: it was no stay at all (the post-discharge period skipped in
    silence); now read as ended on its last day on record (its start here), not recorded."""
    found = read_admission(_stay(end=None), [], as_of=AS_OF)
    assert found is not None and not found.end_recorded
    assert found.discharged == date(2025, 4, 28) and found.discharged_at is None


def test_stay_for_a_medical_reason_is_not_psychiatric() -> None:
    stay = _stay(reason=(ICD10CM, "J18.9", "Pneumonia, unspecified organism"))
    assert read_admission(stay, [], as_of=AS_OF) is None


def test_snomed_reason_read_through_the_condition_table() -> None:
    stay = _stay(reason=("http://snomed.info/sct", "370143000", "Major depressive disorder"))
    found = read_admission(stay, [], as_of=AS_OF)
    assert found is not None and found.reason == "SNOMED CT 370143000"


def test_diagnosis_reference_to_a_condition() -> None:
    condition = {
        "resourceType": "Condition",
        "id": "dx-1",
        "code": {
            "coding": [
                {"system": ICD10CM, "code": "F41.1", "display": "Generalized anxiety disorder"}
            ]
        },
    }
    stay = _stay(reason=None, diagnosis=[{"condition": {"reference": "Condition/dx-1"}}])
    found = read_admission(stay, [condition], as_of=AS_OF)
    assert found is not None and found.code == "F41.1"


def test_condition_pointing_back_at_the_stay() -> None:
    condition = {
        "resourceType": "Condition",
        "id": "dx-2",
        "encounter": {"reference": "Encounter/stay-1"},
        "code": {
            "coding": [
                {"system": ICD10CM, "code": "F20.9", "display": "Schizophrenia, unspecified"}
            ]
        },
    }
    found = read_admission(_stay(reason=None), [condition], as_of=AS_OF)
    assert found is not None and found.code == "F20.9"


@pytest.mark.parametrize(
    "extra",
    [
        {"serviceType": {"text": "Inpatient Psychiatry"}},
        {
            "location": [
                {"location": {"reference": "Location/bhu", "display": "Behavioral Health Unit 4W"}}
            ]
        },
    ],
)
def test_unit_named_in_words(extra: Resource) -> None:
    found = read_admission(_stay(reason=None, **extra), [], as_of=AS_OF)
    assert found is not None and found.code == ""


def test_uncoded_stay_with_no_psychiatric_words_is_not_read() -> None:
    stay = _stay(reason=None, serviceType={"text": "General Medicine"})
    assert read_admission(stay, [], as_of=AS_OF) is None


def test_latest_discharge_last() -> None:
    older = _stay(end="2025-02-01T10:00:00-05:00")
    older["id"] = "stay-0"
    older["period"]["start"] = "2025-01-20T10:00:00-05:00"
    stays = read_admissions([_stay(), older], [], as_of=AS_OF)
    assert [s.discharged for s in stays] == [date(2025, 2, 1), date(2025, 5, 9)]
