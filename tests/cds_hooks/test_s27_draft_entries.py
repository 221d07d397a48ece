"""Review s27 RD findings 2, 4 and 7: draftOrders entries the service cannot read as draft orders.

2. An entry whose `resource` was an array (holding a phenelzine draft while sertraline runs: a
   critical MAOI pair) or a string was left out in silence: `{"cards": []}`. Now refused (400 over
   HTTP, an input error offline) naming the entry, as draftOrders that are not a Bundle are; so is
   an entry that is not an object, one with no resource, a resource with no resourceType.
7. Two drafts with the same id (two venlafaxine drafts `d-ven`, 75 and 150 mg) were merged without
   a word: refused naming the id. Drafts without ids (some EHRs send none) are accepted.
4. The data-quality card for a draft whose medication could not be read, or a selection naming no
   draft, said "Medications may be incomplete: check the chart for a failed trial"; it now says the
   order's checks (MAOI, serotonergic, dose) were not made, and to check that order.

Chart: s27_draft_charts/phenelzine_drafted_beside_sertraline.json (the review's x41, its draft
entry well formed: the control, a critical MAOI card), broken here one way per test.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.cli import main
from cds_hooks.date_shift import days_between, shift_json
from fhir_mapping.draft_medication import draft_report, drafts_only
from fhir_mapping.gaps import type_gaps
from tests.services.chart_files import check_chart

CHART = (
    Path(__file__).resolve().parent / "s27_draft_charts/phenelzine_drafted_beside_sertraline.json"
)
AS_OF = date(2026, 12, 1)  # the chart's own date
SIGN = "/cds-services/trd-order-sign"
SELECT = "/cds-services/trd-order-select"
MAOI = "Phenelzine (MAOI) ordered while sertraline is running"
Doc = dict[str, Any]


def _chart() -> Doc:
    doc: Doc = json.loads(CHART.read_text("utf-8"))
    return doc


def _today(doc: Doc) -> Doc:
    """The chart moved so that today is its as-of date (the HTTP path judges it as of today)."""
    shifted: Doc = shift_json(doc, days_between(datetime.now(UTC).date(), AS_OF))
    return shifted


def _entries(doc: Doc) -> list[Any]:
    entries: list[Any] = doc["context"]["draftOrders"]["entry"]
    return entries


def _draft(doc: Doc) -> Doc:
    draft: Doc = _entries(doc)[0]["resource"]
    return draft


def _array(doc: Doc) -> None:
    _entries(doc)[0]["resource"] = [_draft(doc)]


def _string(doc: Doc) -> None:
    _entries(doc).append({"resource": "MedicationRequest/d-other"})


def _null_entry(doc: Doc) -> None:
    _entries(doc).append(None)


def _no_resource(doc: Doc) -> None:
    _entries(doc).append({"fullUrl": "urn:uuid:1"})


def _no_resource_type(doc: Doc) -> None:
    del _draft(doc)["resourceType"]


def _same_id(doc: Doc) -> None:
    twice = copy.deepcopy(_draft(doc))
    twice["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] = 2
    _entries(doc).append({"resource": twice})


BROKEN = [
    (
        _array,
        "context.draftOrders.entry[0].resource must be a FHIR resource (object), not an array",
    ),
    (
        _string,
        "context.draftOrders.entry[1].resource must be a FHIR resource (object), not a string",
    ),
    (_null_entry, "context.draftOrders.entry[1] must be a Bundle entry (an object), not null"),
    (_no_resource, "context.draftOrders.entry[1] has no resource"),
    (_no_resource_type, "context.draftOrders.entry[0].resource has no resourceType"),
    (
        _same_id,
        "context.draftOrders.entry[1].resource repeats MedicationRequest/d-phz of "
        "context.draftOrders.entry[0]",
    ),
]


def test_the_chart_is_well_formed_and_gets_the_maoi_card(client: TestClient) -> None:
    """The control: the draft entry as the spec shapes it gives the critical MAOI card."""
    doc = _chart()
    check_chart(doc)
    response = client.post(SIGN, json=_today(doc))
    assert response.status_code == 200, response.text
    assert [c["indicator"] for c in response.json()["cards"]] == ["critical"]
    assert response.json()["cards"][0]["summary"].startswith(MAOI)


@pytest.mark.parametrize("hook, url", [("order-sign", SIGN), ("order-select", SELECT)])
@pytest.mark.parametrize("breaks, message", BROKEN)
def test_a_malformed_draft_entry_is_refused_naming_it(
    client: TestClient, hook: str, url: str, breaks: Any, message: str
) -> None:
    doc = _today(_chart())
    doc["hook"] = hook
    if hook == "order-select":
        doc["context"]["selections"] = ["MedicationRequest/d-phz"]
    breaks(doc)
    response = client.post(url, json=doc)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "bad-request"
    assert message in body["message"]


@pytest.mark.parametrize("breaks, message", BROKEN)
def test_offline_the_same_entry_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], breaks: Any, message: str
) -> None:
    doc = _chart()
    breaks(doc)
    path = tmp_path / "chart.json"
    path.write_text(json.dumps(doc), "utf-8")
    assert main(["evaluate", str(path), "--as-of", AS_OF.isoformat()]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_drafts_without_ids_are_read_each(client: TestClient) -> None:
    """Drafts with no id (some EHRs send none) are never compared: both are checked."""
    doc = _today(_chart())
    del _draft(doc)["id"]
    twice = copy.deepcopy(_draft(doc))
    _entries(doc).append({"resource": twice})
    response = client.post(SIGN, json=doc)
    assert response.status_code == 200, response.text
    assert any(c["summary"].startswith(MAOI) for c in response.json()["cards"])


def test_the_same_id_on_two_resource_types_and_an_unchecked_type_are_accepted(
    client: TestClient,
) -> None:
    """Ids are unique per resource type; a NutritionOrder (the spec's own example) is no
    shape error, only a type the order checks do not read."""
    doc = _today(_chart())
    _entries(doc).append(
        {"resource": {"resourceType": "NutritionOrder", "id": "d-phz", "status": "draft"}}
    )
    response = client.post(SIGN, json=doc)
    assert response.status_code == 200, response.text
    assert response.json()["cards"][0]["summary"].startswith(MAOI)


def test_an_id_that_is_no_fhir_id_is_not_repeated_in_the_refusal(client: TestClient) -> None:
    doc = _today(_chart())
    _draft(doc)["id"] = "<b>x</b>"
    _same_id(doc)
    response = client.post(SIGN, json=doc)
    assert response.status_code == 400, response.text
    message = response.json()["message"]
    assert "repeats its id of context.draftOrders.entry[0]" in message
    assert "<b>" not in message


# --- finding 4: the data-quality card at an order not checked ------------------------------------


def _quality(cards: list[Doc]) -> Doc:
    (card,) = [c for c in cards if c["source"]["topic"]["code"] == "data-quality"]
    return card


def test_an_unreadable_draft_says_its_checks_were_not_made(client: TestClient) -> None:
    """The review's x18b: the draft has no medication[x]: its MAOI check against the running
    sertraline could not run."""
    doc = _today(_chart())
    draft = _draft(doc)
    del draft["medicationReference"], draft["contained"]
    response = client.post(SIGN, json=doc)
    assert response.status_code == 200, response.text
    card = _quality(response.json()["cards"])
    assert card["summary"] == (
        "A draft order was not checked: no MAOI, serotonergic or dose check was made on it; "
        "check that order before signing"
    )
    assert "failed trial" not in card["summary"]
    assert card["detail"].startswith(
        "The order checks (an MAOI running or within its washout, a serotonergic combination, "
        "the dose range, an earlier failed trial) were not made on the draft order named below"
    )
    assert "draft order MedicationRequest/d-phz: the medication could not be read" in card["detail"]


def test_a_selection_naming_no_draft_says_no_order_was_checked(client: TestClient) -> None:
    """The review's x29: order-select naming a draft, with no draft sent."""
    doc = _today(_chart())
    doc["hook"] = "order-select"
    doc["context"]["selections"] = ["MedicationRequest/d-ven"]
    doc["context"]["draftOrders"]["entry"] = []
    response = client.post(SELECT, json=doc)
    assert response.status_code == 200, response.text
    card = _quality(response.json()["cards"])
    assert card["summary"].startswith("A draft order was not checked")
    assert "there are none, so no order was checked" in card["detail"]


def _gap(reason: str) -> Any:
    (gap,) = type_gaps({}, {"MedicationRequest": reason})
    return gap


@pytest.mark.parametrize(
    "reason, kind, only",
    [
        (
            "draft order MedicationRequest/a: the medication could not be read (x)",
            "not-checked",
            True,
        ),
        (
            "the selected order b is not among the draft orders sent with this hook: not checked",
            "not-checked",
            True,
        ),
        (
            "the selected order b is not among the draft orders sent with this hook: the one "
            "draft order was checked instead",
            "checked-instead",
            True,
        ),
        (
            "draft order MedicationRequest/a names another patient as its subject; checked "
            "against this patient's record all the same",
            None,
            True,
        ),
        (
            "the 'medicationRequests' Bundle has more pages; draft order MedicationRequest/a: the "
            "medication could not be read (x)",
            "not-checked",
            False,
        ),
        ("the 'medicationRequests' Bundle has more pages", None, False),
    ],
)
def test_the_draft_report_is_told_from_a_feed_cut_short(
    reason: str, kind: str | None, only: bool
) -> None:
    """draft_medication.draft_report reads the protocol layer's words (order_drafts.py); a
    report with a feed cut short beside the drafts keeps the general lead for it."""
    gap = _gap(reason)
    assert draft_report(gap) == kind
    assert drafts_only(gap) is only
