"""Issue 10 "never silent": data that could not be read is named on the cards it could change.

Each chart is a fixture request (tests/fixtures/patients) changed the way a real EHR feed breaks
it: Epic-style Medication references that cannot be resolved, a prefetch key the EHR did not send,
a paged Bundle whose next page nobody may fetch, Epic's STU3-style `category`. Evaluated offline
(`trd-cds evaluate`'s engine: prefetch rules, mapping, rules, cards) as of the fixtures' date.
"""

from __future__ import annotations

import copy
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from cds_hooks.fhir_data.fhir_source import InMemoryFhirSource
from cds_hooks.fhir_data.prefetch import gather
from cds_hooks.models.request import HookRequest
from services import catalog
from services.recommendation import Recommendation
from tests.fixtures.scenarios import AS_OF
from tests.services.helpers import Evaluator

PATIENTS = Path(__file__).resolve().parents[1] / "fixtures" / "patients"
# An Epic sandbox Medication id (109 characters, ../shared/fhir/vendor/medplum__epic-sandbox-testdata)
EPIC_ID = "e" + "jbgums0x4N6E0.QqIjJb3kGhOQBVK3lIYjcil9mb9j-ukNrz6P2y90AiDm3R20Y3" * 2
EPIC_ID = EPIC_ID[:109]


def _request(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PATIENTS / name).read_text("utf-8"))
    return data


_at = Evaluator(AS_OF)
_cards = _at.recommendations


def _topics(recs: tuple[Recommendation, ...]) -> list[str]:
    return [r.topic for r in recs]


def _by_topic(recs: tuple[Recommendation, ...], topic: str) -> Recommendation:
    return next(r for r in recs if r.topic == topic)


def _entries(request: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in request["prefetch"][key]["entry"]]


def test_orders_whose_medication_cannot_be_resolved_raise_a_data_quality_card() -> None:
    """Epic writes the drug as a separate Medication (ids of 66-109 characters). Unresolved and
    without a display, the orders cannot be read: the answer names them instead of `[]`."""
    request = _request("one_failed_trial.request.json")
    assert "optimize-switch-augment" in _topics(_cards(request))  # the control
    broken = copy.deepcopy(request)
    orders = _entries(broken, "medicationRequests")
    for n, order in enumerate(orders):
        del order["medicationCodeableConcept"]
        order["medicationReference"] = {"reference": f"Medication/{EPIC_ID[:-3]}{n:03d}"}
    broken["prefetch"]["medicationDispenses"]["entry"] = []
    recs = _cards(broken)
    assert _topics(recs) == ["data-quality"]
    card = recs[0]
    assert card.indicator.value == "warning"
    assert card.summary == (
        f"{len(orders)} medication records could not be read: this chart was judged without them"
    )
    # Not "not found": the Medications were never asked for (review 19 R2 M1).
    assert (
        "medication reference not read: offline evaluation does not fetch from a FHIR server"
        in card.detail
    )
    # Each order by its day, not its id (session 21).
    assert f"the order of {orders[0]['authoredOn'][:10]}" in card.detail
    assert f"MedicationRequest/{orders[0]['id']}" not in card.detail


def test_an_unreadable_order_is_named_on_the_cards_whose_conclusion_it_could_change() -> None:
    request = _request("one_failed_trial.request.json")
    extra = copy.deepcopy(_entries(request, "medicationRequests")[0])
    extra["id"] = "epic-unresolved-1"
    del extra["medicationCodeableConcept"]
    extra["medicationReference"] = {"reference": f"Medication/{EPIC_ID}"}
    request["prefetch"]["medicationRequests"]["entry"].append({"resource": extra})
    recs = _cards(request)
    optimise = _by_topic(recs, "optimize-switch-augment")
    assert "**Data not read**" in optimise.detail
    assert "the order of 2025-02-24" in optimise.detail  # by its day, not its id (session 21)
    assert "data-quality" not in _topics(recs)  # said where it matters, not in a card of its own


def test_procedures_not_sent_is_not_available_never_not_on_record() -> None:
    """A client may skip prefetch keys; with nothing to fetch from, a card once said "No
    psychotherapy procedure or referral is on record" about a chart with eleven of them."""
    request = _request("one_failed_trial.request.json")
    baseline = _by_topic(_cards(request), "psychotherapy")
    assert "No psychotherapy procedure, visit (an encounter coded" in baseline.detail
    del request["prefetch"]["procedures"]
    del request["prefetch"]["serviceRequests"]
    card = _by_topic(_cards(request), "psychotherapy")
    assert "on record" not in card.summary
    assert "psychotherapy history not available" in card.summary
    assert "No psychotherapy procedure or referral is on record" not in card.detail
    assert "Procedure: prefetch key 'procedures' was not sent" in card.detail


def test_a_paged_observation_bundle_without_a_server_is_reported() -> None:
    """The item-9 answer on page 2, nobody to ask for page 2: not a quiet `[]`."""
    request = _request("item9_positive.request.json")
    assert "suicide-risk" in _topics(_cards(request))  # the control
    bundle = request["prefetch"]["observations"]
    # Page 2 holds every Observation that carries item 9 (standalone, or in the panel).
    bundle["entry"] = [e for e in bundle["entry"] if "44260-8" not in json.dumps(e)]
    bundle["link"] = [
        {"relation": "self", "url": "https://ehr.example.org/fhir/Observation?patient=x"},
        {"relation": "next", "url": "https://ehr.example.org/fhir/Observation?page=2"},
    ]
    recs = _cards(request)
    assert "suicide-risk" not in _topics(recs)
    text = "\n".join(r.detail for r in recs)
    assert "more pages that could not be read" in text
    assert any(r.topic in ("data-quality", "measurement-based-care") for r in recs)


def test_epic_category_as_one_object_is_still_read() -> None:
    """Epic's documented CDS Hooks example sends `category` as an object (STU3 style); the
    resource is not conformant R4 but its drug, dose and dates are, so the trial is read."""
    request = _request("trd_meets_tms.request.json")
    expected = _topics(_cards(request))
    for order in _entries(request, "medicationRequests"):
        order["category"] = order["category"][0]
    recs = _cards(request)
    assert _topics(recs) == expected
    assert "tms-referral" in expected
    assert "data-quality" not in _topics(recs)


def test_a_medication_with_an_epic_length_id_is_fetched_by_id() -> None:
    medication = {
        "resourceType": "Medication",
        "id": EPIC_ID,
        "code": {
            "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "312941"}]
        },
    }
    order = {
        "resourceType": "MedicationRequest",
        "id": "mr-1",
        "status": "active",
        "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "medicationReference": {"reference": f"Medication/{EPIC_ID}"},
        "authoredOn": "2025-05-01",
    }
    request = HookRequest.model_validate(
        {
            "hook": "patient-view",
            "hookInstance": "h-1",
            "fhirServer": "https://ehr.example.org/fhir",
            "context": {"patientId": "p1"},
            "prefetch": {
                "medicationRequests": {"resourceType": "Bundle", "entry": [{"resource": order}]}
            },
        }
    )
    source = InMemoryFhirSource([medication])
    definition = catalog.by_id("trd-patient-view")
    assert definition is not None
    with ThreadPoolExecutor(max_workers=2) as executor:
        gathered = gather(
            definition.prefetch,
            request,
            source=source,
            source_problem=None,
            executor=executor,
            budget_seconds=5.0,
        )
    assert f"Medication/{EPIC_ID}" in source.queries
    assert any(r.get("id") == EPIC_ID for r in gathered.resources)


def test_an_undated_item9_answer_is_reported_not_dropped() -> None:
    """Item 9 answered 2 with no date is never dropped in silence. It was a data-quality line
    only ("cannot be placed in the 30-day window"); since session 34 fix score52 (review K39a
    finding 1, UNSAFE: a positive answer on an undated form gave no suicide-risk card) it is the
    critical card, which says the form has no date and names the gap (undated_answer.py)."""
    request = _request("remission.request.json")
    assert _topics(_cards(request)) == []  # the control: a patient in remission, nothing to say
    item9 = {
        "resourceType": "Observation",
        "id": "epic-item9-undated",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "survey",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": "http://loinc.org", "code": "44260-8"}]},
        "subject": {"reference": f"Patient/{request['context']['patientId']}"},
        "valueInteger": 2,
    }
    request["prefetch"]["observations"]["entry"].append({"resource": item9})
    recs = _cards(request)
    assert _topics(recs) == ["suicide-risk"]
    assert recs[0].indicator == "critical"
    assert "date not recorded" in recs[0].summary
    assert "on a form with no date" in recs[0].detail
    assert "Observation/epic-item9-undated" in recs[0].detail
    assert "no usable date" in recs[0].detail
