"""Issue 14: build_record's routing walk of an Observation's codings also gives the lab test
labs.py reads it as (resource_routing.observation_routing), so labs.lab_result does not walk the
codings again. Checked against the plain reading (`lab_tests._read_lab_test`, itself pinned to
`_lab_test` by test_speed7_shortcuts) for every Observation of the sized, vendor-shaped and
fixture charts and for codings built to disagree (a scale coding first, a lab second; a system
spelled another way; a code with spaces; malformed codings), in and out of the memo; and the
record built with it is the record built by reading each lab's codings again."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from bench.inprocess import hook_input
from fhir_mapping import build, context
from fhir_mapping.lab_tests import _read_lab_test
from fhir_mapping.resource_routing import (
    _observation_reads,
    _remembered_codes,
    observation_routing,
)
from tests.fixtures import sizes
from tests.fixtures import vendor_charts as V
from tests.fixtures.scenarios import AS_OF

PATIENTS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "patients"
LOINC = "http://loinc.org"


def _charts() -> list[Mapping[str, Any]]:
    charts = [sizes.typical(), sizes.ten_year()]
    charts += [V.hook_request(make()) for make in V.ALL_CHARTS.values()]
    charts += [json.loads(p.read_text("utf-8")) for p in sorted(PATIENTS.glob("*.request.json"))]
    return charts


def _made_up() -> Iterator[Mapping[str, Any]]:
    codings: list[list[Any]] = [
        # PHQ-9 total first (a scale, not a lab), then sodium: the lab test is sodium's.
        [{"system": LOINC, "code": "44261-6"}, {"system": LOINC, "code": "2951-2"}],
        # TSH under another spelling of LOINC's system, with spaces round the code.
        [{"system": "urn:oid:2.16.840.1.113883.6.1", "code": " 3016-3 "}],
        # Malformed codings before a lab one: skipped.
        ["2951-2", {"code": 2951}, {"system": LOINC, "code": ""}, {"system": 7, "code": "2160-0"}],
        [{"system": LOINC, "code": "2160-0"}, {"system": LOINC, "code": "2951-2"}],
        [{"system": LOINC, "code": "8867-4"}],  # heart rate: no reader
    ]
    for n, items in enumerate(codings):
        yield {"resourceType": "Observation", "id": f"made-{n}", "code": {"coding": items}}
    yield {"resourceType": "Observation", "id": "no-coding", "code": {"coding": "2951-2"}}


def _observations() -> Iterator[Mapping[str, Any]]:
    for chart in _charts():
        for resource in hook_input(chart, AS_OF).resources:
            if resource.get("resourceType") == "Observation":
                yield resource
    yield from _made_up()


def test_routing_gives_the_lab_test_labs_reads() -> None:
    _remembered_codes.clear()
    try:
        for _ in range(2):  # into an empty memo, then out of it
            for resource in _observations():
                reads, _named, lab_test = observation_routing(resource)
                assert reads is _observation_reads(resource) or reads == _observation_reads(
                    resource
                )
                # The routing walk passes a lab to labs.py exactly when it names a lab test.
                assert (lab_test is not None) == bool(reads[1])
                if lab_test is not None:
                    assert lab_test == _read_lab_test(resource)
    finally:
        _remembered_codes.clear()


def test_labs_read_with_the_routed_test_are_the_labs_read_alone() -> None:
    for chart in _charts():
        hook = hook_input(chart, AS_OF)
        record = build.build_record(hook.resources, as_of=AS_OF, patient_id=hook.patient_id)
        labs = [r for r in hook.resources if r.get("resourceType") == "Observation"]
        labs = [r for r in labs if observation_routing(r)[2] is not None]
        alone, _ = context.clinical_context(observations=labs, as_of=AS_OF)
        assert record.context.labs == alone.labs
