"""A search Bundle whose OperationOutcome says its results are not all there (review 15 M4).

FHIR R4 IssueType `incomplete` ("not all data sources typically accessed could be reached or
responded in time, so the returned information might not be complete"), `too-costly` and
`throttled` may come at severity warning or information beside the results a server did return.
Ignored, they let a truncated medication list pass for the whole one. Read at any severity below
error (error and fatal already fail the search): that data is incomplete, prefetched or fetched.
Other warnings stay ignored (Epic adds them to many searches). The other codes that say results
were withheld (`suppressed`, ...) are tests/cds_hooks/test_withheld_results.py's.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from cds_hooks.config.settings import FhirSettings
from cds_hooks.fhir_data.fhir_source import RequestsFhirSource, SearchResults, search_incomplete
from cds_hooks.fhir_data.outcome_issues import explained
from cds_hooks.fhir_data.prefetch import gather
from cds_hooks.models import HookRequest
from fhir_mapping.gaps import type_gaps
from fhir_mapping.record import DataDomain, GapCause
from services.catalog import services
from tests.faults.loopback import LoopbackServer, answer_bytes

TEMPLATES = services()[0].prefetch
PATIENT = {"resourceType": "Patient", "id": "p1"}
ORDER = {
    "resourceType": "MedicationRequest",
    "id": "mr1",
    "status": "active",
    "subject": {"reference": "Patient/p1"},
}
# Free text as a server writes it: never echoed.
DIAGNOSTICS = "Search results truncated: only the first 50 results were returned"


def _searchset(severity: str, code: str) -> dict[str, Any]:
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": DIAGNOSTICS}],
    }
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 1,
        "entry": [
            {"resource": ORDER, "search": {"mode": "match"}},
            {"resource": outcome, "search": {"mode": "outcome"}},
        ],
    }


def _gather(prefetch: dict[str, Any], source: Any = None, absent: str | None = None) -> Any:
    """Every catalog key `null` (no data) but those given, and `absent` not sent (fetched)."""
    values = {**{k: None for k, _ in TEMPLATES}, "patient": PATIENT, **prefetch}
    values.pop(absent or "", None)
    request = HookRequest.model_validate(
        {
            "hook": "patient-view",
            "hookInstance": "h",
            "context": {"patientId": "p1"},
            "prefetch": values,
        }
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        return gather(
            TEMPLATES,
            request,
            source=source,
            source_problem=None if source is not None else "no fhirServer",
            executor=pool,
            budget_seconds=5,
        )


@pytest.mark.parametrize(
    ("severity", "code"),
    [
        ("warning", "incomplete"),
        ("information", "incomplete"),
        ("warning", "too-costly"),
        ("warning", "throttled"),
    ],
)
def test_a_prefetched_bundle_saying_incomplete_is_incomplete(severity: str, code: str) -> None:
    result = _gather({"medicationRequests": _searchset(severity, code)})
    assert [r["id"] for r in result.resources] == ["p1", "mr1"]  # what it holds is read
    assert result.missing == {}
    reason = result.incomplete["MedicationRequest"]
    assert reason == explained(code)
    assert "truncated" not in reason
    (gap,) = type_gaps(result.unavailable, result.incomplete)
    assert gap.domain is DataDomain.MEDICATIONS and gap.cause is GapCause.PARTIAL


@pytest.mark.parametrize("code", ["processing", "informational"])
def test_other_warnings_stay_ignored(code: str) -> None:
    result = _gather({"medicationRequests": _searchset("warning", code)})
    assert result.incomplete == {} and result.missing == {}


def test_search_incomplete_reads_only_outcome_entries_below_error() -> None:
    assert search_incomplete(_searchset("warning", "incomplete")) == "incomplete"
    assert search_incomplete(_searchset("error", "incomplete")) is None  # a failed search
    assert search_incomplete(ORDER) is None


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    body = json.dumps(_searchset("warning", "incomplete")).encode()
    with LoopbackServer({"truncated": answer_bytes(body)}) as loopback:
        yield loopback


def test_a_fetched_page_saying_incomplete_is_incomplete(server: LoopbackServer) -> None:
    settings = FhirSettings(allowed_servers=(server.base_url,))
    source = RequestsFhirSource(settings).bind(server.url("truncated"), "token")
    found = source.search("MedicationRequest?patient=p1", deadline=time.monotonic() + 5)
    assert isinstance(found, SearchResults)
    assert [r["id"] for r in found] == ["mr1"]
    assert found.incomplete == "the server said its answer is incomplete"
    result = _gather({}, source=source, absent="medicationRequests")
    assert result.incomplete == {
        "MedicationRequest": "fetching 'medicationRequests': the server said its answer is incomplete"
    }
