"""Issue 14: the walks a first-sight request makes over every prefetched resource before the
mapping (the Bundle reading, the evaluation cache's key, the Medications to read by id) take a
C-speed path when every resource is plainly shaped, and the walk otherwise. Each fast path is
checked against the walk it stands for, written out or forced here, over the vendor-shaped and
fixture charts and over seeded random charts mixing the shapes that must fall back; and the
cache key still tells charts apart by patient, content and version.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import random
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import orjson
import pytest

from bench.bodies import renamed_request
from bench.inprocess import hook_input
from cds_hooks.fhir_data.medication_references import unresolved_medications
from cds_hooks.fhir_data.prefetch_values import read_value
from cds_hooks.performance import evaluation_cache
from cds_hooks.performance.evaluation_cache import digest
from services.evaluation import HookInput
from tests.cds_hooks.test_gather_one_pass import _assert_reads_as_plain
from tests.fixtures import builders as B
from tests.fixtures import sizes
from tests.fixtures import vendor_charts as V

PATIENTS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "patients"
AS_OF = date(2025, 6, 2)
PID = "p1"
DAY = date(2024, 3, 4)


def _plain_digest(call: HookInput) -> bytes | None:
    """The cache key as written before the fast path: one walk naming each resource."""
    names: list[object] = []
    unversioned: list[object] = []
    for resource in call.resources:
        meta = resource.get("meta")
        rid = resource.get("id")
        if type(meta) is dict and type(rid) is str and rid:
            version = meta.get("versionId")
            updated = meta.get("lastUpdated")
            if (type(version) is str and version) or (type(updated) is str and updated):
                names.append((resource.get("resourceType"), rid, version, updated))
                continue
        names.append(len(unversioned))
        unversioned.append(resource)
    try:
        payload = orjson.dumps(
            [
                call.service_id,
                call.hook,
                call.patient_id,
                call.as_of.isoformat(),
                list(call.selections),
                list(call.draft_orders),
                sorted(call.unavailable.items()),
                sorted(call.incomplete.items()),
                names,
                unversioned,
            ]
        )
    except TypeError:
        return None
    return hashlib.sha256(payload).digest()


def _charts() -> list[dict[str, Any]]:
    charts = [sizes.typical(), sizes.ten_year(), sizes.small()]
    charts += [V.hook_request(make()) for make in V.ALL_CHARTS.values()]
    charts += [json.loads(p.read_text("utf-8")) for p in sorted(PATIENTS.glob("*.request.json"))]
    return charts


def _with_resources(call: HookInput, resources: list[Any]) -> HookInput:
    return HookInput(
        service_id=call.service_id,
        hook=call.hook,
        hook_instance=call.hook_instance,
        patient_id=call.patient_id,
        resources=resources,
        as_of=call.as_of,
    )


# --- the evaluation cache's key --------------------------------------------------------------


def test_the_key_of_every_chart_is_the_walks_key() -> None:
    fast = 0
    for chart in _charts():
        call = hook_input(chart, AS_OF)
        assert digest(call) == _plain_digest(call)
        fast += evaluation_cache._all_versioned(call.resources) is not None
    assert fast >= 2  # the fast path is taken (the sized fixtures carry meta.versionId)


# Ways a resource's naming fields can be written that the fast path must leave to the walk.
_META_EDITS: list[tuple[str, Any]] = [
    ("meta", None),
    ("meta", "v1"),
    ("meta", {}),
    ("meta", {"versionId": ""}),
    ("meta", {"versionId": 3}),
    ("meta", {"versionId": "", "lastUpdated": "2024-01-01T00:00:00Z"}),
    ("meta", {"lastUpdated": "2024-01-01T00:00:00Z"}),
    ("meta", {"versionId": ["1"]}),
    ("meta", {"versionId": "1", "lastUpdated": {"x": 1}}),
    ("meta", {"versionId": "1", "lastUpdated": 2**70}),  # orjson cannot write it: no key
    ("id", ""),
    ("id", 7),
    ("id", None),
    ("resourceType", {"not": "a type"}),
]


def test_random_charts_key_as_the_walk_does() -> None:
    rng = random.Random(1415)
    base = list(hook_input(sizes.small(), AS_OF).resources)
    for _ in range(400):
        resources = [copy.deepcopy(r) for r in rng.sample(base, rng.randint(0, len(base)))]
        for resource in resources:
            if rng.random() < 0.1:
                field, value = rng.choice(_META_EDITS)
                if value is None and rng.random() < 0.5:
                    resource.pop(field, None)
                else:
                    resource[field] = copy.deepcopy(value)
        call = _with_resources(hook_input(sizes.small(), AS_OF), resources)
        assert digest(call) == _plain_digest(call)


def test_the_key_tells_patients_versions_and_contents_apart() -> None:
    chart = sizes.typical()
    call = hook_input(chart, AS_OF)
    key = digest(call)
    assert key is not None and evaluation_cache._all_versioned(call.resources) is not None
    # The same resources under another context patient: never another patient's cards.
    other = dataclasses.replace(call, patient_id="someone-else")
    assert digest(other) != key
    # The chart with every id renamed (a first-sight variant) misses.
    assert digest(hook_input(renamed_request(chart, "another/patient"), AS_OF)) != key
    # One resource at a new version, or a new lastUpdated, misses.
    for field, value in (("versionId", "999"), ("lastUpdated", "2025-06-01T00:00:00Z")):
        edited = copy.deepcopy(chart)
        resource = next(r for r in sizes.flatten(edited) if r["resourceType"] == "Observation")
        resource["meta"][field] = value
        assert digest(hook_input(edited, AS_OF)) != key
    # A resource without a version is named by its content: an edit to it misses.
    unversioned = copy.deepcopy(chart)
    resource = next(r for r in sizes.flatten(unversioned) if r["resourceType"] == "Observation")
    del resource["meta"]
    unversioned_key = digest(hook_input(unversioned, AS_OF))
    resource["status"] = "amended"
    assert unversioned_key not in (key, digest(hook_input(unversioned, AS_OF)))


# --- reading a prefetch Bundle -----------------------------------------------------------------


def _match_bundle(resources: Sequence[dict[str, Any]], search: Any) -> dict[str, Any]:
    entries = []
    for n, resource in enumerate(resources):
        entry: dict[str, Any] = {"fullUrl": f"urn:uuid:e{n}", "resource": resource}
        if search != "absent":
            entry["search"] = search
        entries.append(entry)
    return {"resourceType": "Bundle", "type": "searchset", "total": len(entries), "entry": entries}


_SEARCHES: list[Any] = ["absent", {"mode": "match"}, {}, {"mode": None}, {"mode": "match", "x": 1}]
# One entry of these in an otherwise plain Bundle sends it to the walk.
_ODD_ENTRIES: list[Any] = [
    "junk",
    None,
    {"resource": None},
    {"resource": {"id": "no-type"}},
    {"resource": {"resourceType": {"a": 1}}},
    {"resource": {"resourceType": "OperationOutcome", "issue": []}},
    {"resource": {"resourceType": "Condition", "id": "c"}, "search": {"mode": "include"}},
    {"resource": {"resourceType": "Condition", "id": "c"}, "search": {"mode": "outcome"}},
    {"resource": {"resourceType": "Condition", "id": "c"}, "search": {"mode": ["match"]}},
    {"resource": {"resourceType": "Condition", "id": "c"}, "search": "match"},
]


def _resources() -> list[dict[str, Any]]:
    return [
        B.condition("http://snomed.info/sct", "36474008", "Severe depression", DAY, patient=PID),
        B.medication_request(None, None, DAY, patient=PID, medication_reference="Medication/m1"),
        B.medication("312941", "sertraline 50 MG Oral Tablet", id="m1"),
        *B.phq9(DAY, 19, item9=0, patient=PID),
    ]


@pytest.mark.parametrize("search", _SEARCHES, ids=repr)
def test_a_bundle_of_plain_matches_reads_as_the_plain_readings(search: Any) -> None:
    bundle = _match_bundle(_resources(), search)
    _assert_reads_as_plain(bundle)
    reading = read_value(bundle)
    assert reading.resources and reading.matches == len(bundle["entry"])


@pytest.mark.parametrize("odd", _ODD_ENTRIES, ids=repr)
def test_one_odd_entry_among_plain_matches_reads_as_the_plain_readings(odd: Any) -> None:
    rng = random.Random(repr(odd))
    for search in _SEARCHES:
        bundle = _match_bundle(_resources(), search)
        bundle["entry"].insert(rng.randint(0, len(bundle["entry"])), copy.deepcopy(odd))
        _assert_reads_as_plain(bundle)


def test_mixed_search_objects_read_as_the_plain_readings() -> None:
    bundle = _match_bundle(_resources(), "absent")
    bundle["entry"][1]["search"] = {"mode": "match"}  # some entries with search, some without
    _assert_reads_as_plain(bundle)


# --- Medications referenced and not sent ---------------------------------------------------------


def _plainly(resources: Sequence[Mapping[str, Any]]) -> set[str]:
    """The walk: the same resources, not dicts, so the fast path is not taken."""
    return unresolved_medications([MappingProxyType(dict(r)) for r in resources])


def test_unresolved_medications_read_as_the_walk() -> None:
    for chart in _charts():
        resources = list(hook_input(chart, AS_OF).resources)
        assert unresolved_medications(resources) == _plainly(resources)
    rng = random.Random(14)
    kinds = ["MedicationRequest", "MedicationStatement", "MedicationDispense", "Medication"]
    for _ in range(300):
        resources: list[dict[str, Any]] = []
        for n in range(rng.randint(0, 8)):
            kind = rng.choice([*kinds, "Observation", 7, None, ["MedicationRequest"]])
            ref = rng.choice(["Medication/m1", "Medication/m2", "#contained", "Medication/a b"])
            resources.append(
                {"resourceType": kind, "id": f"m{n}", "medicationReference": {"reference": ref}}
            )
        try:
            expected: set[str] | type[TypeError] = _plainly(resources)
        except TypeError:  # a list as resourceType is no hashable type name: both refuse it
            expected = TypeError
        if expected is TypeError:
            with pytest.raises(TypeError):
                unresolved_medications(resources)
        else:
            assert unresolved_medications(resources) == expected


def test_a_referenced_medication_not_sent_is_still_wanted() -> None:
    order = B.medication_request(None, None, DAY, patient=PID, medication_reference="Medication/m9")
    sent = B.medication("312941", "sertraline 50 MG Oral Tablet", id="m1")
    assert unresolved_medications([order, sent]) == {"m9"}
    assert unresolved_medications([order, {**sent, "id": "m9"}]) == set()
