"""The JSON codec of `PatientRecord` (cds_hooks/storage/record_codec.py), which is how records are stored in
the shared database instead of pickles: every record the project's fixtures produce comes back
equal, field for field and type for type, and a row that is not what the service writes is refused
rather than obeyed."""

from __future__ import annotations

import dataclasses
import json
import pickle
from collections.abc import Iterator
from datetime import date
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pytest
from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import evaluate_document
from cds_hooks.storage import record_codec
from cds_hooks.storage.record_codec import RecordCodecError
from fhir_mapping.build import build_record
from fhir_mapping.record import (
    DataDomain,
    DataGap,
    DoseBasis,
    GapCause,
    Patient,
    PatientRecord,
    SourceRef,
)
from services.policy import Policy
from tests.fixtures import builders as fb
from tests.fixtures import vendor_charts as V

PATIENTS = Path(__file__).resolve().parents[1] / "fixtures" / "patients"
AS_OF = date(2025, 6, 2)


def _hook_of(path: Path) -> str:
    return "order-select" if path.name.endswith(".order-select.request.json") else "patient-view"


@cache
def fixture_records() -> dict[str, PatientRecord]:
    """Every record the fixtures produce: the scenario requests, the vendor-shaped charts, and
    the esketamine / long-acting-injection chart of the order-safety tests (per-session and
    per-interval doses)."""
    records: dict[str, PatientRecord] = {}
    for path in sorted(PATIENTS.glob("*.request.json")):
        document = json.loads(path.read_text("utf-8"))
        result = evaluate_document(document, hook=_hook_of(path), as_of=AS_OF, policy=Policy())
        records[path.name] = result.evaluation.record
    for name, chart in (
        ("epic", V.epic_chart()),
        ("oracle", V.oracle_chart()),
        ("ccda", V.ccda_chart()),
        ("us-core", V.us_core_chart()),
    ):
        request = V.hook_request(chart)
        result = evaluate_document(request, hook="patient-view", as_of=chart.as_of, policy=Policy())
        records[f"vendor:{name}"] = result.evaluation.record
    records["doses:esketamine-and-injection"] = _per_session_and_per_interval_doses()
    return records


def _per_session_and_per_interval_doses() -> PatientRecord:
    """Esketamine 56 mg per session twice a week since April and, drafted, aripiprazole 400 mg
    by injection every 4 weeks (as tests/services/test_order_safety.py builds them); an order
    with no date at all; a C-SSRS screen; procedures not available and dispenses incomplete."""
    patient = "pt-doses-1"

    def order(text: str, start: date, mg: float, period: int, status: str, rid: str) -> Any:
        return fb.medication_request(
            None,
            text,
            start,
            dose_value=mg,
            dose_unit="mg",
            frequency=2 if period == 1 else 1,
            period=period,
            period_unit="wk",
            status=status,
            patient=patient,
            id=rid,
        )

    esketamine = "esketamine 28 MG/DEVICE Nasal Spray [Spravato]"
    injection = "aripiprazole 400 MG Extended-Release Injectable Suspension [Abilify Maintena]"
    undated = _without_dates(
        fb.medication_request(
            "312938",
            "sertraline 100 MG Oral Tablet",
            date(2024, 1, 1),
            dose_value=1,
            frequency=1,
            patient=patient,
            id="mr-undated",
        )
    )
    chart = [
        fb.patient(
            id=patient, given="Ana", family="Ruiz", gender="female", birth_date=date(1980, 2, 1)
        ),
        fb.condition(
            fb.ICD10CM,
            "F33.1",
            "Major depressive disorder, recurrent, moderate",
            date(2024, 1, 10),
            category="problem-list-item",
            patient=patient,
            id="cond-mdd",
        ),
        *fb.phq9(date(2025, 5, 20), 17, item9=0, patient=patient),
        order(esketamine, date(2025, 4, 7), 56, 1, "active", "mr-esk"),
        undated,  # left out, and named as such: a DataGap with its source
        _cssrs_screen(patient, date(2025, 5, 20)),
        _old_allergy(patient),  # no course on the chart: kept as PatientRecord.intolerances
    ]
    drafts = (order(injection, AS_OF, 400, 4, "draft", "d-lai"),)
    for resource in [*chart, *drafts]:  # valid R4, as an EHR would send them
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    # Data the protocol layer could not obtain: a domain not provided, one whose search failed
    # (GapCause.NOT_READ, review s21 RC W3), one provided in part.
    return build_record(
        chart,
        as_of=AS_OF,
        patient_id=patient,
        draft_orders=drafts,
        unavailable={
            "Procedure": "prefetch key 'procedures' was not sent",
            "Device": "prefetch key 'devices': FHIR server: the FHIR server answered HTTP 500",
        },
        incomplete={"MedicationDispense": "the prefetched Bundle has more pages"},
        read_failed=frozenset({"Device"}),
    )


def _old_allergy(patient: str) -> dict[str, Any]:
    """A 2019 sertraline intolerance (US Core AllergyIntolerance) with no course on the chart."""
    return {
        "resourceType": "AllergyIntolerance",
        "id": "ai-old-sertraline",
        "clinicalStatus": {
            "coding": [
                fb.coding(
                    "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                    "active",
                    "Active",
                )
            ]
        },
        "verificationStatus": {
            "coding": [
                fb.coding(
                    "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                    "confirmed",
                    "Confirmed",
                )
            ]
        },
        "type": "intolerance",
        "category": ["medication"],
        "code": fb.concept(fb.RXNORM, "36437", "sertraline"),
        "patient": fb.reference("Patient", patient),
        "recordedDate": "2019-05-06",
        "reaction": [{"manifestation": [{"text": "Severe nausea"}]}],
    }


def _cssrs_screen(patient: str, day: date) -> dict[str, Any]:
    """A C-SSRS screener panel (LOINC 93373-9) as tests/fhir_mapping/test_suicide_screen.py
    writes it: wish to be dead "yes", thoughts of killing oneself "no"."""
    answers = {"93246-7": ("LA33-6", "Yes"), "93247-5": ("LA32-8", "No")}
    category = "http://terminology.hl7.org/CodeSystem/observation-category"
    return {
        "resourceType": "Observation",
        "id": "cssrs-1",
        "status": "final",
        "category": [{"coding": [fb.coding(category, "survey", "Survey")]}],
        "code": fb.concept(fb.LOINC, "93373-9", "C-SSRS screener - recent"),
        "subject": fb.reference("Patient", patient),
        "effectiveDateTime": fb.fhir_datetime(day),
        "component": [
            {
                "code": fb.concept(fb.LOINC, code, code),
                "valueCodeableConcept": fb.concept(fb.LOINC, *answer),
            }
            for code, answer in answers.items()
        ],
    }


def _without_dates(resource: Any) -> Any:
    if isinstance(resource, dict):
        dated = ("authoredOn", "boundsPeriod", "validityPeriod", "start", "end")
        return {k: _without_dates(v) for k, v in resource.items() if k not in dated}
    if isinstance(resource, list):
        return [_without_dates(v) for v in resource]
    return resource


def _walk(value: Any) -> Iterator[Any]:
    yield value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _walk(getattr(value, f.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _walk(item)


def _typed(value: Any) -> Any:
    """`value` as nested (type, content) pairs: equality that also tells 50 from 50.0."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value),
            tuple((f.name, _typed(getattr(value, f.name))) for f in dataclasses.fields(value)),
        )
    if isinstance(value, tuple):
        return (tuple, tuple(_typed(v) for v in value))
    return (type(value), value)


def test_the_fixtures_reach_every_kind_of_value_the_record_holds() -> None:
    """The round trip below is only as good as its corpus: it must hold data gaps (both kinds),
    intolerance, non-daily dose bases, suicide screens, refill gaps, scores with item 9."""
    everything = [v for record in fixture_records().values() for v in _walk(record)]
    gaps = [v for v in everything if isinstance(v, DataGap)]
    assert any(g.whole_domain for g in gaps) and any(g.source is not None for g in gaps)
    assert {g.cause for g in gaps} == set(GapCause)
    assert any(type(v).__name__ == "Intolerance" for v in everything)
    assert any(record.intolerances for record in fixture_records().values())
    assert {v for v in everything if isinstance(v, DoseBasis)} == set(DoseBasis)
    assert any(type(v).__name__ == "SuicideScreen" for v in everything)
    assert any(type(v).__name__ == "RefillGap" for v in everything)
    assert any(type(v).__name__ == "Score" and v.item9 is not None for v in everything)
    assert any(type(v).__name__ == "DraftOrder" for v in everything)
    assert any(type(v).__name__ == "Finding" for v in everything)
    assert any(type(v).__name__ == "LabResult" for v in everything)
    assert any(isinstance(v, float) for v in everything)
    assert any(isinstance(v, Enum) for v in everything)


@pytest.mark.parametrize("name", sorted(fixture_records()))
def test_every_fixture_record_comes_back_equal_field_for_field(name: str) -> None:
    record = fixture_records()[name]
    stored = record_codec.encode(record)
    back = record_codec.decode(stored)
    assert back == record
    assert _typed(back) == _typed(record)  # 50 mg stays an int, a date stays a date
    assert record_codec.encode(back) == stored
    assert b"pickle" not in stored and b"__" not in stored  # plain data, no class names


@pytest.mark.parametrize("name", sorted(fixture_records()))
def test_what_is_stored_holds_no_patient_id(name: str) -> None:
    record = fixture_records()[name]
    patient_id = record.patient.id
    assert patient_id  # every fixture names its patient
    stored = record_codec.encode(record_codec.for_storage(record))
    assert patient_id.encode() not in stored
    back = record_codec.decode(stored)
    # Only the id is gone: the timeline page shows the same record.
    assert back == dataclasses.replace(record_codec.for_storage(record), patient=back.patient)
    assert back.patient == dataclasses.replace(record.patient, id=None)
    assert back.trials == record.trials and back.scores == record.scores


def test_a_left_out_patient_resource_is_stored_without_its_id() -> None:
    record = PatientRecord(
        patient=Patient(id="pt-77", age=40, sex="female"),
        as_of=AS_OF,
        gaps=(
            DataGap(
                DataDomain.PATIENT, "another patient's resource", SourceRef("Patient", "pt-77")
            ),
            DataGap(DataDomain.SCORES, "no date", SourceRef("Observation", "obs-1")),
        ),
    )
    stored = record_codec.for_storage(record)
    assert stored.gaps[0].source is None and stored.gaps[1].source == SourceRef(
        "Observation", "obs-1"
    )
    assert b"pt-77" not in record_codec.encode(stored)


def _stored(record: PatientRecord) -> dict[str, Any]:
    document: dict[str, Any] = orjson.loads(record_codec.encode(record))
    return document


def _record() -> PatientRecord:
    return fixture_records()["vendor:us-core"]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda d: d["record"]["patient"].update(age="45"), "a string where an int is declared"),
        (lambda d: d["record"]["patient"].update(age=True), "a bool where an int is declared"),
        (lambda d: d["record"].update(as_of="2025-06-02T10:00:00"), "a dateTime for a date"),
        (lambda d: d["record"].update(as_of=20250602), "a number for a date"),
        (lambda d: d["record"]["trials"][0].update(role="surgery"), "an unknown enum value"),
        (lambda d: d["record"].update(trials={"0": {}}), "an object for a tuple"),
        (lambda d: d["record"]["trials"][0].pop("ingredient"), "a required field missing"),
        (lambda d: d["record"]["trials"][0].update(weeks_at_adequate_dose="6"), "text for a float"),
        (lambda d: d.update(format=2), "another format"),
        (lambda d: d.pop("record"), "no record"),
    ],
)
def test_a_row_that_is_not_what_the_service_writes_is_refused(change: Any, why: str) -> None:
    document = _stored(_record())
    change(document)
    with pytest.raises(RecordCodecError):
        record_codec.decode(orjson.dumps(document))


def test_a_pickle_is_refused_and_never_run(tmp_path: Path) -> None:
    """A row someone wrote as a pickle (what the store used to hold) is not JSON: refused, and its
    payload never executes."""
    witness = tmp_path / "ran"

    class Exploit:
        def __reduce__(self) -> tuple[Any, ...]:
            return (witness.write_text, ("pwned",))

    for payload in (pickle.dumps(Exploit()), pickle.dumps(_record())):
        with pytest.raises(RecordCodecError):
            record_codec.decode(payload)
    assert not witness.exists()


def test_names_the_record_no_longer_has_are_ignored_and_new_fields_take_their_defaults() -> None:
    """Two adjacent versions read each other's rows during a rolling upgrade."""
    document = _stored(_record())
    document["record"]["a_field_of_a_later_version"] = {"anything": [1, 2]}
    document["record"]["trials"][0]["__class__"] = "os.system"  # a name, never a class to build
    del document["record"]["suicide_screens"]  # written before the field existed
    back = record_codec.decode(orjson.dumps(document))
    assert back == dataclasses.replace(_record(), suicide_screens=())


def test_a_value_its_field_does_not_allow_is_never_written() -> None:
    bad = dataclasses.replace(_record(), as_of="2025-06-02")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        record_codec.encode(bad)


def test_an_age_from_a_birth_year_only_comes_back_as_its_range() -> None:
    """Review 19 D4: a birth year only gives an ages.Age (74-75); stored as its int with the
    Patient's own fields, it is rebuilt on reading, never a bare 75 on the timeline."""
    patient = Patient(
        id="p-year", age=75, sex="female", age_youngest=74, age_basis="birth year only"
    )
    record = dataclasses.replace(_record(), patient=patient)
    back = record_codec.decode(record_codec.encode(record))
    assert back == record
    assert f"{back.patient.age}" == "74-75 (birth year only)"
    assert f"{record_codec.decode(record_codec.encode(_record())).patient.age}".isdigit()
