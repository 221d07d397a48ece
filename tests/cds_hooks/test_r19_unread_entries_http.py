"""Review 19 R2 W3 through HTTP: prefetch entries that hold no FHIR resource were dropped in
silence, and the cards then said "no PHQ-9 total on record" with no word that a later PHQ-9
item 9 answer may be among the entries not read.

Now (cds_hooks/fhir_data/prefetch.py `_unread_entries`): a key with entries that could not be
read is incomplete, with how many and why, said on the cards as a prefetched Bundle's unread
next pages are; a Bundle holding nothing but such entries covers no type (it is not an empty
search); one entry sent alone as an object (an XML-to-JSON converter's one-element list) is read.

Chart: tests/fixtures/patients/trd_meets_tms (every prefetch key the service declares), moved in
time so that today is its as-of date; its `observations` Bundle holds its three PHQ-9 totals.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.date_shift import days_between, shift_json

CHART = Path(__file__).resolve().parents[1] / "fixtures" / "patients" / "trd_meets_tms.request.json"
URL = "/cds-services/trd-patient-view"
ITEM9 = "A later PHQ-9 item 9 answer cannot be ruled out"
Doc = dict[str, Any]


def _request() -> Doc:
    doc: Doc = json.loads(CHART.read_text("utf-8"))
    shifted: Doc = shift_json(doc, days_between(date(2025, 6, 2), datetime.now(UTC).date()))
    return shifted


def _answer(client: TestClient, doc: Doc) -> tuple[list[str], str]:
    response = client.post(URL, json=doc)
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    return [c["summary"] for c in cards], "\n".join(c["detail"] for c in cards)


def _unread(count: int, where: str) -> str:
    entries = "entry" if count == 1 else "entries"
    return (
        f"Scores and pregnancy status may be incomplete: {count} {entries} of the prefetched "
        f"'observations' {where} could not be read (not a JSON object, or a resource with no "
        "resourceType)"
    )


def test_the_unbroken_chart_reads_its_phq9_and_names_no_unread_entry(client: TestClient) -> None:
    summaries, details = _answer(client, _request())
    assert any("PHQ-9 " in s for s in summaries)
    assert "could not be read (not a JSON object" not in details
    assert ITEM9 not in details


def _no_resource_type(doc: Doc) -> None:
    for entry in doc["prefetch"]["observations"]["entry"]:
        del entry["resource"]["resourceType"]


def _scalar_resources(doc: Doc) -> None:
    doc["prefetch"]["observations"]["entry"] = [{"resource": 1}, {"resource": "x"}, None]


def _list_of_scalars(doc: Doc) -> None:
    doc["prefetch"]["observations"] = [1, 2]


@pytest.mark.parametrize(
    ("breaks", "count", "where"),
    [
        (_no_resource_type, None, "Bundle"),  # every observation entry of the chart
        (_scalar_resources, 3, "Bundle"),
        (_list_of_scalars, 2, "list"),
    ],
)
def test_entries_that_hold_no_resource_are_said_with_the_item9_caveat(
    client: TestClient, breaks: Any, count: int | None, where: str
) -> None:
    doc = _request()
    if count is None:
        count = len(doc["prefetch"]["observations"]["entry"])
    breaks(doc)
    summaries, details = _answer(client, doc)
    assert _unread(count, where) in details
    assert ITEM9 in details
    # Not "no PHQ-9 on record": the scores were not all read.
    assert not any("no PHQ-9 total on record" in s for s in summaries), summaries


def test_a_bad_entry_beside_good_ones_leaves_the_scores_incomplete(client: TestClient) -> None:
    doc = _request()
    doc["prefetch"]["observations"]["entry"].append({"fullUrl": "urn:uuid:lost"})
    summaries, details = _answer(client, doc)
    assert any("PHQ-9 " in s for s in summaries)  # the readable totals are still read
    assert _unread(1, "Bundle") in details


def test_an_entry_sent_alone_as_an_object_is_read(client: TestClient) -> None:
    """`entry` as one object: the one PHQ-9 total it holds is read, as a list of one."""
    doc = _request()
    bundle = doc["prefetch"]["observations"]
    latest = max(bundle["entry"], key=lambda e: e["resource"]["effectiveDateTime"])
    assert latest["resource"]["valueQuantity"]["value"] == 18
    bundle["entry"] = latest
    summaries, details = _answer(client, doc)
    assert any("PHQ-9 18" in s for s in summaries), summaries
    assert "could not be read (not a JSON object" not in details


def test_an_all_unread_bundle_under_an_ehr_own_key_covers_nothing(client: TestClient) -> None:
    """`observations` not sent, and an EHR's own key holding a Bundle of unreadable entries:
    that Bundle is no empty Observation search, so `observations` is not taken as covered by
    it; with no fhirServer to fetch it from, the scores are not available (the call is a 412:
    `observations` is required), never "none on record"."""
    doc = _request()
    doc["prefetch"].pop("observations")
    doc["prefetch"]["obs"] = {
        "resourceType": "Bundle",
        "type": "searchset",
        # Its self link names the type: empty, this Bundle would say "no Observations".
        "link": [{"relation": "self", "url": "https://ehr.example.org/fhir/Observation?patient=x"}],
        "entry": [{"resource": {"id": "x"}}],
    }
    response = client.post(URL, json=doc)
    assert response.status_code == 412, response.text
    assert "observations" in response.text
