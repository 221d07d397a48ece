"""Review 19 R2 M1, and W2/W3 on the fetched side: what the FHIR server did, said in its own
cause on the cards and in the log.

M1: every referenced Medication the service could not read was "medication reference not found",
on the card line and in the log's `leftOut`, whether the server refused the token (401), the
token lacked Medication read access (403), the read timed out or there was no fhirServer at
all; the EHR team was sent after their data. Now each id keeps why (prefetch_fetch
`resolve_medications`, `Gathered.unread_medications`): "medication reference not read: the FHIR
server refused the access token (HTTP 401)"; a 404 stays "medication reference not found". The
token is never in the card nor the log.

W2/W3 fetched: a fetched Bundle whose OperationOutcome severity is a list fails the search (not
a 500), and entries of a fetched answer that hold no resource leave that data incomplete.

The FHIR servers are loopback ones (tests/faults/loopback.py).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import FhirSettings, load_settings
from cds_hooks.date_shift import days_between, shift_json
from cds_hooks.fhir_data.fhir_source import RequestsFhirSource
from cds_hooks.fhir_data.prefetch import gather
from cds_hooks.models import HookRequest
from cds_hooks.observability import logs
from services.catalog import services
from tests.faults import records
from tests.faults.harness import FHIR_BUDGET, TOKEN, hook_body, only_absent
from tests.faults.loopback import (
    Exchange,
    LoopbackServer,
    answer_status,
    searchset,
    serve_resources,
    sleep_then_answer,
)

TESTS = Path(__file__).resolve().parents[1]
CHART = TESTS / "fixtures" / "patients" / "medication_reference.request.json"
DRAFT_CHART = TESTS / "services" / "review15_charts" / "g06_draft_medref_missing.json"
PATIENT_VIEW = "/cds-services/trd-patient-view"
ORDER_SELECT = "/cds-services/trd-order-select"
NOT_READ = "medication reference not read: "
Doc = dict[str, Any]


def _junk_entries(ex: Exchange) -> None:
    """A searchset with the chart's Condition and two entries that hold no resource."""
    bundle = searchset([records.MDD_CONDITION])
    bundle["entry"] += [{"fullUrl": "urn:uuid:lost"}, {"resource": {"id": "no-type"}}]
    ex.send_json(200, bundle)


def _outcome_severity_list(ex: Exchange) -> None:
    bundle = searchset([records.MDD_CONDITION])
    outcome = {"resourceType": "OperationOutcome", "issue": [{"severity": [], "code": "x"}]}
    bundle["entry"].append({"resource": outcome, "search": {"mode": "outcome"}})
    ex.send_json(200, bundle)


@pytest.fixture(scope="module")
def ehr() -> Iterator[LoopbackServer]:
    routes = {
        "e401": answer_status(401),
        "e403": answer_status(403),
        "silent": sleep_then_answer(30),
        "none": serve_resources([]),  # every read answers 404
        "junk": _junk_entries,
        "oolist": _outcome_severity_list,
    }
    with LoopbackServer(routes) as server:
        yield server


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logs.JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def answered(self) -> dict[str, Any]:
        (line,) = [json.loads(x) for x in self.lines if '"hook.answered"' in x]
        return line  # type: ignore[no-any-return]


@pytest.fixture
def served(ehr: LoopbackServer, tmp_path: Path) -> Iterator[tuple[TestClient, _Lines]]:
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'r19.db'}"},
        fhir={**FHIR_BUDGET, "allowed_servers": (ehr.base_url,)},
    )
    with TestClient(create_app(settings)) as client:
        lines = _Lines()
        logs.logger.addHandler(lines)  # after create_app, which resets the handlers
        try:
            yield client, lines
        finally:
            logs.logger.removeHandler(lines)


def _shifted(path: Path, as_of: date) -> Doc:
    doc: Doc = json.loads(path.read_text("utf-8"))
    doc["prefetch"].setdefault("labsSI", None)  # review 15 charts predate the key
    shifted: Doc = shift_json(doc, days_between(as_of, datetime.now(UTC).date()))
    return shifted


def _without_medications(server: str | None) -> Doc:
    """The chart with its Medication include entries left out: every order and fill names its
    drug by a reference nobody sent."""
    doc = _shifted(CHART, date(2025, 6, 2))
    for value in doc["prefetch"].values():
        if isinstance(value, dict) and value.get("resourceType") == "Bundle":
            value["entry"] = [
                e for e in value.get("entry", []) if e["resource"]["resourceType"] != "Medication"
            ]
    if server is not None:
        doc["fhirServer"] = server
        doc["fhirAuthorization"] = {
            "access_token": TOKEN,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "user/Patient.read user/MedicationRequest.read",
            "subject": "cds-service",
        }
    return doc


def _details(response: Any) -> str:
    assert response.status_code == 200, response.text
    return "\n".join(c["detail"] for c in response.json()["cards"])


@pytest.mark.parametrize(
    ("route", "why"),
    [
        ("e401", "the FHIR server refused the access token (HTTP 401)"),
        ("e403", "the FHIR server refused access to Medication (HTTP 403: scope not granted?)"),
        ("silent", "the FHIR server did not answer in time"),
        (None, "the request has no fhirServer"),
    ],
)
def test_an_unread_medication_says_why_on_the_card_and_in_the_log(
    served: tuple[TestClient, _Lines], ehr: LoopbackServer, route: str | None, why: str
) -> None:
    client, lines = served
    body = _without_medications(ehr.url(route) if route else None)
    details = _details(client.post(PATIENT_VIEW, json=body))
    assert f"could not be read ({NOT_READ}{why}): the order of " in details
    assert "medication reference not found" not in details
    left_out = lines.answered()["leftOut"]
    assert any(reason.endswith(f"{NOT_READ}{why}") for reason in left_out), left_out
    assert not any("not found" in reason for reason in left_out), left_out
    assert TOKEN not in "\n".join(lines.lines)
    assert TOKEN not in details


def test_a_medication_the_server_does_not_have_is_not_found(
    served: tuple[TestClient, _Lines], ehr: LoopbackServer
) -> None:
    """A 404 is what "not found" says: the data's to check, not the set-up."""
    client, lines = served
    details = _details(client.post(PATIENT_VIEW, json=_without_medications(ehr.url("none"))))
    assert "could not be read (medication reference not found): the order of " in details
    assert NOT_READ not in details
    assert any(r.endswith("medication reference not found") for r in lines.answered()["leftOut"])


def test_an_unread_drafts_medication_says_why_at_the_order(
    served: tuple[TestClient, _Lines], ehr: LoopbackServer
) -> None:
    """The draft names its drug by a Medication nobody sent, beside a running phenelzine: the
    data-quality card names the draft and why its drug was not read (review 15 U2's card)."""
    client, _lines = served
    body = _shifted(DRAFT_CHART, date(2025, 6, 2))
    body["fhirServer"] = ehr.url("e403")
    body["fhirAuthorization"] = {"access_token": TOKEN, "token_type": "Bearer"}
    draft = body["context"]["draftOrders"]["entry"][0]["resource"]
    response = client.post(ORDER_SELECT, json=body)
    (card,) = response.json()["cards"]
    assert card["source"]["topic"]["code"] == "data-quality"
    assert f"MedicationRequest/{draft['id']}" in card["detail"]
    assert (
        f"{NOT_READ}the FHIR server refused access to Medication (HTTP 403: scope not granted?)"
        in card["detail"]
    )


# --- fetched Bundles (gather) -----------------------------------------------------------------
def _gather(server: str, absent: str) -> Any:
    request = HookRequest.model_validate(
        hook_body(server, prefetch={**only_absent(absent), "patient": records.PATIENT})
    )
    fhir = RequestsFhirSource(FhirSettings(**{**FHIR_BUDGET, "allowed_servers": (server,)}))
    with ThreadPoolExecutor(max_workers=2) as pool:
        return gather(
            services()[0].prefetch,
            request,
            source=fhir.bind(server, TOKEN),
            source_problem=None,
            executor=pool,
            budget_seconds=5,
        )


def test_fetched_entries_that_hold_no_resource_leave_the_data_incomplete(
    ehr: LoopbackServer,
) -> None:
    gathered = _gather(ehr.url("junk"), "conditions")
    assert gathered.fetched == ["conditions"]
    assert records.MDD_CONDITION in gathered.resources
    assert gathered.incomplete == {
        "Condition": "fetching 'conditions': 2 entries of the FHIR server's answer could not be "
        "read (not a JSON object, or a resource with no resourceType)"
    }


def test_a_fetched_outcome_severity_of_another_json_type_fails_the_search(
    ehr: LoopbackServer,
) -> None:
    gathered = _gather(ehr.url("oolist"), "conditions")
    assert gathered.fetched == []
    assert gathered.missing == {
        "conditions": "FHIR server: the FHIR server's search failed (OperationOutcome in the "
        "Bundle: x)"
    }
