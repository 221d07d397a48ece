"""labs.lab_result builds its LabResult positionally (issue 14, session 23: nine keywords cost
~3.7 k instructions a lab): the field order it relies on, and the result it gives, pinned."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from fhir_mapping.clinical_records import LabResult
from fhir_mapping.labs import lab_result
from fhir_mapping.source_ref import SourceRef


def test_lab_result_field_order_is_the_one_lab_result_passes() -> None:
    assert [f.name for f in fields(LabResult)] == [
        "test",
        "value",
        "unit",
        "date",
        "flag",
        "source",
        "reported",
        "comparator",
        "range_high",
        "status",  # a diagnosis-review lab read before it is final (review s28 RJ finding 4)
        "critical",  # the lab's HH / LL (session 29 RL)
        "unitless",  # a TCA level's bare number as sent, never given a unit (labs34 item 2)
        "range_flagged",  # the flag is the range's, not the lab's (recheck K27b s31 finding 2)
        "unit_from",  # a unit not sent with the value: range / bare (recheck K28c s31 finding 2)
        "panel",  # the panel it was read from: a thyroid panel is named so (lab54 item 1)
        "at",  # its time of day when another result of its test shares its day (lab59)
        "same_day",  # the day's disagreeing results, named on the card (lab59 item 1)
        "draw",  # which draw it is of, so only its own final supersedes a preliminary (lab60)
    ]
    assert fields(LabResult)[6].default == ()


def _alt(**extra: object) -> dict[str, object]:
    return {
        "resourceType": "Observation",
        "id": "alt-1",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "1742-6"}]},
        "effectiveDateTime": "2026-11-02",
        "valueQuantity": {"value": 130, "unit": "U/L", "comparator": ">"},
        "referenceRange": [
            {"low": {"value": 7, "unit": "U/L"}, "high": {"value": 56, "unit": "U/L"}}
        ],
        **extra,
    }


def test_each_field_lands_where_it_belongs() -> None:
    lab = lab_result(_alt(), as_of=date(2026, 12, 1))
    assert lab == LabResult(
        test="alt",
        value=130.0,
        unit="U/L",
        date=date(2026, 11, 2),
        flag="high",
        source=SourceRef("Observation", "alt-1"),
        reported=(),
        comparator=">",
        range_high=56.0,
    )


def test_a_critical_flag_lands_in_critical() -> None:
    hh = {"coding": [{"code": "HH"}]}
    lab = lab_result(_alt(interpretation=[hh]), as_of=date(2026, 12, 1))
    assert lab is not None
    assert (lab.flag, lab.critical) == ("high", True)
    plain = lab_result(_alt(interpretation=[{"coding": [{"code": "H"}]}]), as_of=date(2026, 12, 1))
    assert plain is not None
    assert (plain.flag, plain.critical) == ("high", False)


def test_a_bare_level_lands_in_unitless_and_is_not_read() -> None:
    level = {
        "resourceType": "Observation",
        "id": "ntp-1",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "3872-9"}]},
        "effectiveDateTime": "2026-11-25",
        "valueString": "180 H",
    }
    lab = lab_result(level, as_of=date(2026, 12, 1))
    assert lab is not None
    assert (lab.value, lab.unit, lab.flag, lab.unitless) == (None, None, "high", "180")
    read = lab_result({**level, "valueString": "180 ng/mL H"}, as_of=date(2026, 12, 1))
    assert read is not None
    assert (read.value, read.unit, read.unitless) == (180.0, "ng/mL", "")
