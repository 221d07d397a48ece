"""Issue 14 (session 31): `course_protocols.names` remembers its answer by the JSON of the
Procedure's `code` and the protocol. The memo's answer is checked against the plain reading
(`_names`) for every Procedure of the fixture and sized charts and for the protocol words of
recheck K19b-K22, read once into an empty memo and again out of it; a code JSON writes alike (a
NaN display and a null one) reads alike, and a code orjson cannot write is still read."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from bench.inprocess import hook_input
from fhir_mapping import course_protocols
from tests.fixtures import sizes
from tests.fixtures.scenarios import AS_OF

PATIENTS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "patients"
PROTOCOLS = ("accelerated", "maintenance")  # what course_end_reasons.py asks
WORDED = (
    "Accelerated iTBS (SAINT) 50 sessions",
    "iTBS left DLPFC (once daily)",
    "SAINT accelerated iTBS; once daily follow-up",
    "Maintenance ECT (monthly)",
    "ECT acute series - plan maintenance after",
    "rTMS 10 Hz left DLPFC",
)


def _codes() -> Iterator[Mapping[str, Any]]:
    charts = [sizes.typical(), sizes.ten_year()]
    charts += [json.loads(p.read_text("utf-8")) for p in sorted(PATIENTS.glob("*.request.json"))]
    for chart in charts:
        for resource in hook_input(chart, AS_OF).resources:
            if resource.get("resourceType") == "Procedure" and isinstance(
                resource.get("code"), dict
            ):
                yield resource["code"]
    for text in WORDED:
        yield {"text": text}
        yield {"coding": [{"system": "http://snomed.info/sct", "code": "1", "display": text}]}


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_memo_answers_as_the_plain_reading(protocol: str) -> None:
    course_protocols._named.clear()
    codes = list(_codes())
    assert any(course_protocols._names(code, protocol) for code in codes)  # both answers seen
    for _ in range(2):  # into the empty memo, then out of it
        for code in codes:
            expected = course_protocols._names(code, protocol)
            assert course_protocols.names({"code": code}, protocol) is expected, code


def test_a_nan_reads_as_the_null_it_is_written_as() -> None:
    course_protocols._named.clear()
    worded = {"text": "Maintenance ECT (monthly)"}
    with_nan = {**worded, "coding": [{"display": float("nan")}]}
    with_null = {**worded, "coding": [{"display": None}]}
    assert course_protocols.names({"code": with_nan}, "maintenance") is True
    assert course_protocols.names({"code": with_null}, "maintenance") is True


def test_a_code_json_cannot_write_is_read_every_time() -> None:
    class Code(dict[str, Any]):
        pass

    code = Code(text="Maintenance ECT (monthly)")
    course_protocols._named.clear()
    assert course_protocols.names({"code": code}, "maintenance") is True
    assert course_protocols._named == {}
    assert course_protocols.names({"code": "Maintenance ECT"}, "maintenance") is False
