"""Issue 14: `gather` reads each prefetch Bundle in one walk (prefetch.read_value), where it took
four: the resources and skipped entries (`resources_in`), the match entries' types, the match
count (`match_count`) and the failed-search codes (`search_failure`). The walk is checked against
those plain readings, written out or imported here, over the vendor-shaped and fixture charts'
prefetch and over seeded random Bundles mixing the edge cases: OperationOutcomes of every
severity with and without search.mode, include entries, entries that are not resources, a
resource without a resourceType, an `entry` that is not a list, `total` above the matches.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.fhir_data.fhir_source import match_count, search_failure, search_incomplete
from cds_hooks.fhir_data.prefetch import gather, read_value, resources_in
from cds_hooks.models import HookRequest
from services.catalog import services
from tests.fixtures import builders as B
from tests.fixtures import vendor_charts as V

PATIENTS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "patients"
TEMPLATES = services()[0].prefetch
PID = "p1"
DAY = date(2024, 3, 4)


def _plain_match_types(bundle: Mapping[str, Any]) -> list[str]:
    """The resource types of a Bundle's match entries (not `include` nor outcome entries): the
    walk gather made for them before issue 14."""
    if bundle.get("resourceType") != "Bundle":
        kind = bundle.get("resourceType")
        return [kind] if isinstance(kind, str) else []
    entries = bundle.get("entry")
    if isinstance(entries, dict):  # one entry sent alone: a list of one (review 19 R2 W3)
        entries = [entries]
    kinds: set[str] = set()
    for entry in entries if isinstance(entries, list) else ():
        resource = entry.get("resource") if isinstance(entry, dict) else None
        search = entry.get("search") if isinstance(entry, dict) else None
        mode = search.get("mode") if isinstance(search, dict) else None
        if (
            isinstance(resource, dict)
            and isinstance(resource.get("resourceType"), str)
            and resource["resourceType"] != "OperationOutcome"
            and mode in (None, "match")
        ):
            kinds.add(resource["resourceType"])
    return sorted(kinds)


def _assert_reads_as_plain(value: dict[str, Any]) -> None:
    reading = read_value(value)
    resources, skipped = resources_in(value)
    assert reading.resources == resources
    if value.get("resourceType") == "Bundle":
        # The chart's own dicts, not copies (the mapping and the cache digest read them).
        assert all(a is b for a, b in zip(reading.resources, resources, strict=True))
        assert reading.matches == match_count(value)
    else:
        assert reading.matches == 0  # a single resource: no searchset `total` to compare with
    assert reading.skipped == skipped
    assert reading.match_types == _plain_match_types(value)
    assert reading.failure == search_failure(value)
    assert reading.incomplete == search_incomplete(value)


def _prefetch_values(request: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [v for v in (request.get("prefetch") or {}).values() if isinstance(v, dict)]


@pytest.mark.parametrize("name", sorted(V.ALL_CHARTS))
def test_vendor_chart_prefetch_reads_as_the_plain_readings(name: str) -> None:
    values = _prefetch_values(V.hook_request(V.ALL_CHARTS[name]()))
    assert any(v.get("entry") for v in values)  # the check below reads real entries
    for value in values:
        _assert_reads_as_plain(value)


def test_fixture_chart_prefetch_reads_as_the_plain_readings() -> None:
    requests = sorted(PATIENTS.glob("*.request.json"))
    assert requests
    for path in requests:
        for value in _prefetch_values(json.loads(path.read_text("utf-8"))):
            _assert_reads_as_plain(value)


# --- seeded random Bundles over the edge cases ---------------------------------------------------


def _outcome(severity: str, code: Any = "exception") -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": "search failed"}],
    }


def _resources() -> list[dict[str, Any]]:
    """Chart resources as the builders write them (US Core / Synthea shapes)."""
    order = B.medication_request(
        None, None, DAY, patient=PID, medication_reference="Medication/m-sertraline"
    )
    return [
        B.condition(
            "http://snomed.info/sct",
            "36474008",
            "Severe recurrent major depression",
            DAY,
            patient=PID,
        ),
        order,
        B.medication("312941", "sertraline 50 MG Oral Tablet", id="m-sertraline"),
        B.procedure(
            "http://www.ama-assn.org/go/cpt",
            "90868",
            "Therapeutic rTMS treatment",
            DAY,
            patient=PID,
        ),
        *B.phq9(DAY, 19, item9=0, patient=PID),
    ]


_SEARCHES: list[Any] = [
    "absent",
    {"mode": "match"},
    {"mode": "include"},
    {"mode": "outcome"},
    {},  # no mode: a match
    {"mode": None},
    {"mode": ["match"]},  # not a mode value at all
    "match",  # search not an object
    {"mode": "match", "score": 1},
]
_NOT_RESOURCES: list[Any] = [
    "junk",
    7,
    None,
    [],
    {},
    {"fullUrl": "urn:uuid:x"},
    {"resource": "Condition"},
    {"resource": {"id": "no-type"}},
    {"resource": {"resourceType": 7, "id": "typed-by-number"}},
    {"resource": None, "search": {"mode": "match"}},
]
_OUTCOMES: list[dict[str, Any]] = [
    _outcome("error"),
    _outcome("fatal", "too-costly"),
    _outcome("warning", "processing"),
    _outcome("information", "informational"),
    _outcome("error", "Jane Roe's chart"),  # not an issue code: "unknown"
    _outcome("error", 404),
    {"resourceType": "OperationOutcome", "issue": "not a list"},
    {"resourceType": "OperationOutcome"},
    {"resourceType": "OperationOutcome", "issue": ["junk", {"severity": "error"}]},
]


def _entry(rng: random.Random, resources: list[dict[str, Any]]) -> Any:
    roll = rng.random()
    if roll < 0.15:
        return rng.choice(_NOT_RESOURCES)
    resource = rng.choice(_OUTCOMES) if roll < 0.3 else rng.choice(resources)
    entry: dict[str, Any] = {"fullUrl": f"urn:uuid:{rng.random()}", "resource": resource}
    search = rng.choice(_SEARCHES)
    if search != "absent":
        entry["search"] = search
    return entry


def _bundle(rng: random.Random, resources: list[dict[str, Any]]) -> dict[str, Any]:
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": rng.choice(["searchset", "collection"]),
    }
    roll = rng.random()
    if roll < 0.08:
        bundle["entry"] = rng.choice(["not a list", {"resource": resources[0]}, {}, 0, None, ""])
    elif roll < 0.12:
        pass  # no entry at all: an empty search result
    else:
        bundle["entry"] = [_entry(rng, resources) for _ in range(rng.randint(0, 12))]
    if rng.random() < 0.5:
        bundle["total"] = rng.randint(0, 14)
    return bundle


def test_random_bundles_read_as_the_plain_readings() -> None:
    rng = random.Random(14)
    resources = _resources()
    seen_failure = seen_skipped = seen_include = False
    for _ in range(4000):
        bundle = _bundle(rng, resources)
        _assert_reads_as_plain(bundle)
        reading = read_value(bundle)
        seen_failure |= reading.failure is not None
        seen_skipped |= reading.skipped > 0
        seen_include |= reading.matches < len(reading.resources)
    assert seen_failure and seen_skipped and seen_include  # the edge cases were drawn


@pytest.mark.parametrize(
    "value",
    [
        {"resourceType": "Patient", "id": PID},
        {"resourceType": 5, "id": PID},
        {"resourceType": "Bundle", "type": "searchset", "total": 0},
    ],
    ids=["single-resource", "number-type", "empty-searchset"],
)
def test_single_resources_and_empty_bundles_read_as_the_plain_readings(
    value: dict[str, Any],
) -> None:
    _assert_reads_as_plain(value)


def test_one_entry_of_each_kind_is_read_as_the_plain_readings_say() -> None:
    order, included = _resources()[1], _resources()[2]
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 6,
        "entry": [
            {"resource": order, "search": {"mode": "match"}},
            {"resource": included, "search": {"mode": "include"}},
            {"resource": _outcome("warning"), "search": {"mode": "outcome"}},
            {"resource": _outcome("error")},
            {"fullUrl": "urn:uuid:no-resource"},  # counted by total, not a resource
            {"resource": {"id": "no-type"}, "search": {"mode": "match"}},
            "junk",
        ],
    }
    reading = read_value(bundle)
    assert reading.resources == [order, included]
    assert reading.skipped == 3
    assert reading.match_types == ["MedicationRequest"]
    assert reading.matches == 3
    assert reading.failure == "exception"
    _assert_reads_as_plain(bundle)


# --- through gather ------------------------------------------------------------------------------


def _gather(prefetch: dict[str, Any]) -> Any:
    request = HookRequest.model_validate(
        {
            "hook": "patient-view",
            "hookInstance": "h",
            "context": {"patientId": PID},
            "prefetch": prefetch,
        }
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        return gather(
            TEMPLATES,
            request,
            source=None,
            source_problem="no fhirServer",
            executor=pool,
            budget_seconds=5,
        )


def test_gather_counts_entries_without_a_resource_as_matches_of_the_total() -> None:
    # `total` 3 = the order + the entry the EHR could not serialise + the unreadable one: no
    # match is missing from the count (the include is not counted), but two entries could not
    # be read: the medications are incomplete for that reason (review 19 R2 W3), not "complete".
    order, included = _resources()[1], _resources()[2]
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 3,
        "entry": [
            {"resource": order, "search": {"mode": "match"}},
            {"fullUrl": "urn:uuid:lost", "search": {"mode": "match"}},
            {"resource": {"id": "no-type"}},
            {"resource": included, "search": {"mode": "include"}},
        ],
    }
    prefetch = {**{k: None for k, _ in TEMPLATES}, "medicationRequests": bundle}
    result = _gather(prefetch)
    assert result.incomplete == {
        "MedicationRequest": "2 entries of the prefetched 'medicationRequests' Bundle could not "
        "be read (not a JSON object, or a resource with no resourceType)"
    }
    assert result.resources == [order, included]
    assert result.skipped == 2
    bundle["total"] = 4
    assert list(_gather(prefetch).incomplete) == ["MedicationRequest"]


def test_gather_takes_nothing_from_a_failed_search_beside_entries() -> None:
    order = _resources()[1]
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 1,
        "entry": [
            {"resource": order, "search": {"mode": "match"}},
            {"resource": _outcome("fatal", "too-costly"), "search": {"mode": "outcome"}},
        ],
    }
    result = _gather({**{k: None for k, _ in TEMPLATES}, "medicationRequests": bundle})
    assert result.resources == []
    assert result.failed == {"medicationRequests": "too-costly"}
    assert "MedicationRequest" in result.unavailable
