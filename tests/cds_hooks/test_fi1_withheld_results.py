"""Results a server withholds or cuts short, said beside a search (review 16 U1), and what a 412
says when the prefetch held a failure or junk (review 16 W3).

FHIR R4 IssueType `suppressed` ("some information was not or might not have been returned due to
business rules, consent or privacy rules, or access permission constraints") is what a
behavioural-health result held back under consent comes with. Read as the complete history, a
PHQ-9 item 9 withheld that way took the suicide-risk card with it and the answer was
`{"cards": []}`. Each code in fhir_mapping/data/outcome_issue_codes.csv counts from the severity
its row names; `informational` (Epic adds it to many searches) never does.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.config.settings import FhirSettings
from cds_hooks.fhir_data.fhir_source import FhirUnavailable, RequestsFhirSource
from cds_hooks.fhir_data.outcome_issues import issue_codes
from cds_hooks.fhir_data.prefetch import gather
from cds_hooks.models import HookRequest
from cds_hooks.offline import evaluate_document
from fhir_mapping.gaps import type_gaps
from fhir_mapping.record import DataDomain, GapCause
from services.catalog import services
from services.data_gaps import ITEM9_NOT_RULED_OUT
from services.policy import Policy
from tests.faults.loopback import LoopbackServer, answer_bytes

TEMPLATES = services()[0].prefetch
ITEM9_REQUEST = Path(__file__).parents[1] / "fixtures/patients/item9_positive.request.json"
AS_OF = date(2025, 6, 2)  # the fixtures' as-of date
ITEM9_LOINC = "44260-8"
PATIENT = {"resourceType": "Patient", "id": "p1"}
ORDER = {
    "resourceType": "MedicationRequest",
    "id": "mr1",
    "status": "active",
    "subject": {"reference": "Patient/p1"},
}
# Free text as a server writes it: never echoed.
DIAGNOSTICS = "Some results are not shown (restricted by patient consent)"

# (severity, code, whether the results count as incomplete): every row of the table, at the
# severities around its threshold.
CASES = [
    ("warning", "suppressed", True),
    ("information", "suppressed", True),
    ("warning", "timeout", True),
    ("information", "timeout", False),
    ("warning", "forbidden", True),
    ("information", "forbidden", False),
    ("warning", "security", True),
    ("information", "security", False),
    ("warning", "incomplete", True),
    ("information", "incomplete", True),
    ("warning", "too-costly", True),
    ("information", "throttled", True),
    ("warning", "informational", False),
    ("information", "informational", False),
    ("warning", "processing", False),
]


def _outcome(severity: str, code: str) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": DIAGNOSTICS}],
    }


def _searchset(severity: str, code: str) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 1,  # the server counts what it returned
        "entry": [
            {"resource": ORDER, "search": {"mode": "match"}},
            {"resource": _outcome(severity, code), "search": {"mode": "outcome"}},
        ],
    }


def _gather(prefetch: dict[str, Any], source: Any = None, absent: str | None = None) -> Any:
    values = {**{k: None for k, _ in TEMPLATES}, "patient": PATIENT, **prefetch}
    values.pop(absent or "", None)
    request = HookRequest.model_validate(
        {"hook": "patient-view", "hookInstance": "h", "context": {"patientId": "p1"}}
        | {"prefetch": values}
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        return gather(
            TEMPLATES,
            request,
            source=source,
            source_problem=None if source is not None else "the request has no fhirServer",
            executor=pool,
            budget_seconds=5,
        )


def test_the_table_names_its_source_and_a_known_threshold_for_every_code() -> None:
    text = resources.files("fhir_mapping").joinpath("data/outcome_issue_codes.csv")
    rows = list(csv.DictReader(text.read_text("utf-8").splitlines()))
    assert {r["code"] for r in rows} >= {"suppressed", "timeout", "forbidden", "security"}
    for row in rows:
        assert row["reads_from"] in ("information", "warning", "never"), row
        assert row["source"].startswith("FHIR R4 IssueType"), row
        assert row["status"] in ("confirmed", "corroborated"), row
        assert bool(row["words"]) == (row["reads_from"] != "never"), row
    assert issue_codes()["informational"].reads_from == "never"


@pytest.mark.parametrize(("severity", "code", "counts"), CASES)
def test_a_prefetched_outcome_beside_results(severity: str, code: str, counts: bool) -> None:
    result = _gather({"medicationRequests": _searchset(severity, code)})
    assert [r["id"] for r in result.resources] == ["p1", "mr1"]  # what it holds is read
    assert result.missing == {}
    if not counts:
        assert result.incomplete == {}
        return
    reason = result.incomplete["MedicationRequest"]
    words = issue_codes()[code].words
    # Plain words, no FHIR code or Bundle name (audit 16 W6).
    assert reason == words
    assert DIAGNOSTICS not in reason  # free text may quote the patient
    (gap,) = type_gaps(result.unavailable, result.incomplete)
    assert gap.domain is DataDomain.MEDICATIONS and gap.cause is GapCause.PARTIAL


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    routes = {
        f"{severity}-{code}": answer_bytes(json.dumps(_searchset(severity, code)).encode())
        for severity, code, _ in CASES
    }
    with LoopbackServer(routes) as loopback:
        yield loopback


@pytest.mark.parametrize(("severity", "code", "counts"), CASES)
def test_a_fetched_outcome_beside_results(
    server: LoopbackServer, severity: str, code: str, counts: bool
) -> None:
    settings = FhirSettings(allowed_servers=(server.base_url,))
    source = RequestsFhirSource(settings).bind(server.url(f"{severity}-{code}"), "token")
    found = source.search("MedicationRequest?patient=p1", deadline=time.monotonic() + 5)
    assert [r["id"] for r in found] == ["mr1"]
    result = _gather({}, source=source, absent="medicationRequests")
    if not counts:
        assert result.incomplete == {}
        return
    assert result.incomplete == {
        "MedicationRequest": f"fetching 'medicationRequests': {issue_codes()[code].words}"
    }


# -- the review's item-9 chart ----------------------------------------------------------------


def _item9_request(*, withhold_item9: bool, severity: str = "warning") -> dict[str, Any]:
    body = json.loads(ITEM9_REQUEST.read_text("utf-8"))
    bundle = body["prefetch"]["observations"]
    if withhold_item9:
        # The item-9 Observation and the panel holding it left out, as a consent rule would.
        bundle["entry"] = [e for e in bundle["entry"] if ITEM9_LOINC not in json.dumps(e)]
    bundle["entry"].append(
        {"resource": _outcome(severity, "suppressed"), "search": {"mode": "outcome"}}
    )
    bundle["total"] = len(bundle["entry"]) - 1  # the server counts what it returned
    return body


def _cards(body: dict[str, Any]) -> list[Any]:
    result = evaluate_document(body, hook="patient-view", as_of=AS_OF, policy=Policy())
    return list(result.response.cards)


@pytest.mark.parametrize("severity", ["warning", "information"])
def test_item9_withheld_under_suppressed_is_named_as_a_data_gap(severity: str) -> None:
    cards = _cards(_item9_request(withhold_item9=True, severity=severity))
    assert cards, "a chart whose item 9 was withheld answered a quiet []"
    by_topic = {c.source.topic.code: c for c in cards if c.source.topic is not None}
    # Review 19 item 5: the PHQ-9s read have no item 9, so the item-9 card asks for it ("not
    # read", not "not recorded": some scores were withheld) and, resting on the scores, names
    # the scores left out, as a card resting on them does (audit 16 W6: once, in plain words).
    item9 = by_topic["phq9-item9-not-recorded"]
    assert "item 9 not read (scores incomplete)" in item9.summary
    withheld = "the EHR withheld some results (consent, privacy or access rules)"
    assert f"Scores may be incomplete: {withheld}" in item9.detail
    assert ITEM9_NOT_RULED_OUT in item9.detail
    # The data-quality card names what no card carries: the pregnancy status.
    card = by_topic["data-quality"]
    assert f"Pregnancy status may be incomplete: {withheld}" in card.detail
    for each in (item9, card):
        assert DIAGNOSTICS not in each.detail


def test_item9_present_beside_suppressed_keeps_the_suicide_card_and_names_the_gap() -> None:
    plain = json.loads(ITEM9_REQUEST.read_text("utf-8"))
    assert [c.source.topic.code for c in _cards(plain) if c.source.topic] == ["suicide-risk"]
    cards = _cards(_item9_request(withhold_item9=False))
    first = cards[0]
    assert first.source.topic is not None and first.source.topic.code == "suicide-risk"
    assert first.indicator == "critical"
    gaps = [c for c in cards if "Data not read" in c.detail]
    assert gaps and "the EHR withheld some results" in gaps[0].detail


# -- what a 412 says about a prefetch that held a failure or junk (review 16 W3) ----------------


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (
            {
                "resourceType": "OperationOutcome",
                "issue": [{"severity": "error", "code": "exception", "diagnostics": DIAGNOSTICS}],
            },
            "the EHR's prefetch search failed (OperationOutcome: exception)",
        ),
        ("garbage", "the prefetched value is not a FHIR resource or Bundle"),
        ({"status": "ok"}, "the prefetched value is not a FHIR resource or Bundle"),
        (
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": [
                    {"resource": _outcome("fatal", "timeout"), "search": {"mode": "outcome"}}
                ],
            },
            "the EHR's prefetch search failed (OperationOutcome: timeout)",
        ),
    ],
    ids=["outcome-error", "string", "not-fhir", "bundle-fatal"],
)
def test_the_412_reason_says_what_was_wrong_with_the_prefetch(value: Any, said: str) -> None:
    result = _gather({"observations": value})
    assert result.missing == {"observations": f"{said}; the request has no fhirServer"}
    assert DIAGNOSTICS not in json.dumps(result.missing)
    assert result.unavailable["Observation:observations"].startswith(
        f"prefetch key 'observations': {said} and the FHIR server could not be asked"
    )


def test_a_fetch_after_a_bad_prefetch_names_both() -> None:
    class Failing:
        def search(self, query: str, *, deadline: float) -> list[dict[str, Any]]:
            raise FhirUnavailable("the FHIR server answered HTTP 500")

    result = _gather({"observations": "garbage"}, source=Failing())
    assert result.missing["observations"] == (
        "the prefetched value is not a FHIR resource or Bundle; "
        "FHIR server: the FHIR server answered HTTP 500"
    )
