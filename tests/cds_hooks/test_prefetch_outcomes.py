"""Review 8, findings 1 and 2: a prefetch Bundle (or a fetched page) that reports a failed search,
and a searchset that holds fewer matches than its `total`, are never read as the whole chart.

1. An OperationOutcome entry of severity error or fatal makes its key "missing": fetched when the
   FHIR server may be used, else 412 for a required key and "not available" for an optional one.
   Warning and information outcomes (Epic adds them to many searches) are ignored. The outcome's
   diagnostics (free text, may quote the patient) never reach a log line or a response.
2. `total` larger than the match entries, with no `next` link: that data is incomplete.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import FhirSettings, load_settings
from cds_hooks.fhir_data.fhir_source import (
    FhirUnavailable,
    InMemoryFhirSource,
    RequestsFhirSource,
    SearchResults,
)
from cds_hooks.fhir_data.prefetch import gather
from cds_hooks.models import HookRequest
from cds_hooks.observability import logs
from fhir_mapping.gaps import type_gaps
from fhir_mapping.record import DataDomain
from services.catalog import services
from tests.faults import fakes
from tests.faults.loopback import LoopbackServer, answer_bytes

REPO = Path(__file__).resolve().parents[2]
PATIENTS = REPO / "tests" / "fixtures" / "patients"
HOOK = "/cds-services/trd-patient-view"
TEMPLATES = services()[0].prefetch
# Free text as a real server writes it: it must never be logged or echoed.
DIAGNOSTICS = "Condition search failed for Jane Roe DOB 1970-01-01"

CONDITION = {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"}}
PATIENT = {"resourceType": "Patient", "id": "p1"}


def _outcome(severity: str, code: str = "exception") -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": DIAGNOSTICS}],
    }


def _failed_search(
    severity: str = "error", *, mode: str | None = "outcome", code: str = "exception"
) -> dict[str, Any]:
    """How HAPI and Epic answer a search that failed: a searchset holding only the outcome."""
    entry: dict[str, Any] = {"resource": _outcome(severity, code)}
    if mode is not None:
        entry["search"] = {"mode": mode}
    return {"resourceType": "Bundle", "type": "searchset", "total": 0, "entry": [entry]}


def _request(prefetch: dict[str, Any]) -> HookRequest:
    return HookRequest.model_validate(
        {
            "hook": "patient-view",
            "hookInstance": "h",
            "context": {"patientId": "p1"},
            "prefetch": prefetch,
        }
    )


def _nothing_else(**keys: Any) -> dict[str, Any]:
    """Every key of the catalog `null` (no data, nothing to fetch) except those given."""
    return {**{k: None for k, _ in TEMPLATES}, "patient": PATIENT, **keys}


def _gather(request: HookRequest, source: Any = None, problem: str | None = "no fhirServer") -> Any:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return gather(
            TEMPLATES,
            request,
            source=source,
            source_problem=problem,
            executor=pool,
            budget_seconds=5,
        )


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logs.JsonFormatter())
        self.text: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.text.append(self.format(record))


@pytest.fixture
def logged(tmp_path: Path) -> Iterator[tuple[TestClient, _Lines]]:
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'db.sqlite'}"})
    app = create_app(settings)
    lines = _Lines()
    logs.logger.addHandler(lines)  # after create_app, which resets the logger's handlers
    try:
        with TestClient(app) as client:
            yield client, lines
    finally:
        logs.logger.removeHandler(lines)


def _fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PATIENTS / name).read_text("utf-8"))
    return data


# --- finding 1: a failed search inside a prefetch Bundle ------------------------------------------


def test_failed_conditions_search_without_server_is_412_naming_the_key(
    logged: tuple[TestClient, _Lines],
) -> None:
    client, lines = logged
    body = _fixture("bipolar.request.json")
    body["prefetch"]["conditions"] = _failed_search()
    response = client.post(HOOK, json=body)
    # Was 200, with cards built as if the bipolar diagnosis were not on record.
    assert response.status_code == 412, response.text
    missing = response.json()["details"]["missing"]
    assert list(missing) == ["conditions"]
    assert "the EHR's prefetch search failed" in missing["conditions"]
    assert "exception" in missing["conditions"]  # the issue code is named ...
    assert "no fhirServer" in missing["conditions"]
    log = "\n".join(lines.text)
    assert '"conditions"' in log and "exception" in log
    # ... never the diagnostics text, in the response or in any log line.
    assert "Jane Roe" not in response.text and "Jane Roe" not in log
    assert "search failed for" not in log


@pytest.mark.parametrize("severity", ["error", "fatal"])
@pytest.mark.parametrize("mode", ["outcome", None, "match"])
def test_failed_search_bundle_is_fetched_when_a_server_may_be_used(
    severity: str, mode: str | None
) -> None:
    source = InMemoryFhirSource([CONDITION])
    bundle = _failed_search(severity, mode=mode)
    result = _gather(_request(_nothing_else(conditions=bundle)), source=source, problem=None)
    assert source.queries == ["Condition?patient=p1&_count=1000"]
    assert [r["id"] for r in result.resources] == ["p1", "c1"]
    assert result.missing == {} and result.unavailable == {}


def test_failed_search_beside_entries_is_not_taken_as_the_data() -> None:
    # A partial answer with an error outcome is not "the server's answer": fetched again.
    bundle = _failed_search()
    bundle["entry"].insert(0, {"resource": dict(CONDITION, id="partial")})
    source = InMemoryFhirSource([CONDITION])
    result = _gather(_request(_nothing_else(conditions=bundle)), source=source, problem=None)
    assert [r["id"] for r in result.resources] == ["p1", "c1"]


def test_failed_optional_key_without_server_is_not_available_for_its_domain() -> None:
    result = _gather(_request(_nothing_else(procedures=_failed_search(code="too-costly"))))
    assert set(result.missing) == {"procedures"}
    assert "too-costly" in result.missing["procedures"]
    assert set(result.unavailable) == {"Procedure"}
    assert "the EHR's prefetch search failed" in result.unavailable["Procedure"]
    assert "Jane Roe" not in result.unavailable["Procedure"]
    (gap,) = type_gaps(result.unavailable, result.incomplete)
    assert gap.domain is DataDomain.PROCEDURES and gap.whole_domain


@pytest.mark.parametrize("severity", ["warning", "information"])
def test_warning_and_information_outcomes_stay_ignored(severity: str) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 1,
        "entry": [
            {"resource": CONDITION, "search": {"mode": "match"}},
            {"resource": _outcome(severity, "processing"), "search": {"mode": "outcome"}},
        ],
    }
    source = InMemoryFhirSource([])
    result = _gather(_request(_nothing_else(conditions=bundle)), source=source, problem=None)
    assert source.queries == []
    assert [r["id"] for r in result.resources] == ["p1", "c1"]
    assert result.missing == {} and result.incomplete == {}


def test_an_unknown_issue_code_is_not_echoed() -> None:
    bundle = _failed_search()
    bundle["entry"][0]["resource"]["issue"][0]["code"] = "Jane Roe's chart"
    result = _gather(_request(_nothing_else(conditions=bundle)))
    assert "Jane" not in result.missing["conditions"]
    assert "OperationOutcome: unknown" in result.missing["conditions"]


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    failed = json.dumps(_failed_search()).encode()
    info_only = _failed_search("information")
    info_only["entry"].insert(0, {"resource": CONDITION, "search": {"mode": "match"}})
    info_only["total"] = 1
    short = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 5,
        "entry": [
            {"resource": CONDITION, "search": {"mode": "match"}},
            {"resource": {"resourceType": "Medication", "id": "m"}, "search": {"mode": "include"}},
        ],
    }
    routes = {
        "failed": answer_bytes(failed),
        "info": answer_bytes(json.dumps(info_only).encode()),
        "short": answer_bytes(json.dumps(short).encode()),
    }
    with LoopbackServer(routes) as loopback:
        yield loopback


def _source(server: LoopbackServer, route: str) -> Any:
    settings = FhirSettings(allowed_servers=(server.base_url,))
    return RequestsFhirSource(settings).bind(server.url(route), "token")


def test_a_fetched_page_holding_an_error_outcome_is_unavailable_not_none(
    server: LoopbackServer,
) -> None:
    with pytest.raises(FhirUnavailable, match="OperationOutcome in the Bundle: exception") as err:
        _source(server, "failed").search("Condition?patient=p1", deadline=_later())
    assert "Jane Roe" not in str(err.value)
    info = _source(server, "info").search("Condition?patient=p1", deadline=_later())
    assert [r["id"] for r in info if r["resourceType"] == "Condition"] == ["c1"]


def test_a_failed_fetched_search_makes_a_required_key_missing(server: LoopbackServer) -> None:
    prefetch = _nothing_else()
    del prefetch["conditions"]
    result = _gather(_request(prefetch), source=_source(server, "failed"), problem=None)
    assert set(result.missing) == {"conditions"}
    assert "OperationOutcome" in result.missing["conditions"]


# --- finding 2: a searchset with fewer entries than its total -------------------------------------


def _searchset(total: int, entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "total": total, "entry": entries}


def _orders(n: int, mode: str | None = "match") -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        entry: dict[str, Any] = {
            "resource": {"resourceType": "MedicationRequest", "id": f"mr{i}", "status": "active"}
        }
        if mode is not None:
            entry["search"] = {"mode": mode}
        out.append(entry)
    return out


def _included(n: int) -> list[dict[str, Any]]:
    return [
        {"resource": {"resourceType": "Medication", "id": f"m{i}"}, "search": {"mode": "include"}}
        for i in range(n)
    ]


def test_a_searchset_with_fewer_entries_than_its_total_is_incomplete() -> None:
    result = _gather(_request(_nothing_else(medicationRequests=_searchset(8, _orders(3)))))
    assert list(result.incomplete) == ["MedicationRequest"]
    reason = result.incomplete["MedicationRequest"]
    assert "'medicationRequests'" in reason and "3 entries, fewer than its total of 8" in reason
    (gap,) = type_gaps(result.unavailable, result.incomplete)
    assert gap.domain is DataDomain.MEDICATIONS and not gap.whole_domain


@pytest.mark.parametrize(
    ("total", "entries"),
    [
        (3, _orders(3) + _included(2)),  # includes are not counted by total
        (3, _orders(3, mode=None)),  # no search.mode reads as a match
        (0, []),
        (2, _orders(2) + [{"resource": _outcome("information"), "search": {"mode": "outcome"}}]),
    ],
    ids=["with-includes", "no-mode", "empty", "info-outcome"],
)
def test_a_complete_searchset_is_not_incomplete(total: int, entries: list[dict[str, Any]]) -> None:
    result = _gather(_request(_nothing_else(medicationRequests=_searchset(total, entries))))
    assert result.incomplete == {}


def test_include_entries_do_not_make_up_for_missing_matches() -> None:
    result = _gather(
        _request(_nothing_else(medicationRequests=_searchset(3, _orders(2) + _included(2))))
    )
    assert list(result.incomplete) == ["MedicationRequest"]  # not Medication: it was included


def test_a_truncated_prefetch_reaches_the_rules_as_incomplete(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fakes.install(monkeypatch)
    body = _fixture("trd_meets_tms.request.json")
    orders = body["prefetch"]["medicationRequests"]
    matches = [e for e in orders["entry"] if e.get("search", {}).get("mode", "match") == "match"]
    assert len(matches) > 3
    orders["entry"] = matches[:3]
    orders["total"] = len(matches)
    orders.pop("link", None)
    response = client.post(HOOK, json=body)
    assert response.status_code == 200, response.text
    assert list(fake.calls[-1].incomplete) == ["MedicationRequest"]
    assert "fewer than its total" in fake.calls[-1].incomplete["MedicationRequest"]


def test_a_fetched_answer_with_fewer_matches_than_its_total_is_incomplete(
    server: LoopbackServer,
) -> None:
    found = _source(server, "short").search("Condition?patient=p1", deadline=_later())
    assert isinstance(found, SearchResults)
    assert found.incomplete == "the FHIR server's answer holds 1 of the 5 matches its total counts"
    prefetch = _nothing_else()
    del prefetch["conditions"]
    result = _gather(_request(prefetch), source=_source(server, "short"), problem=None)
    assert result.missing == {}
    assert list(result.incomplete) == ["Condition"]
    assert "holds 1 of the 5 matches" in result.incomplete["Condition"]


def _later() -> float:
    import time

    return time.monotonic() + 5
