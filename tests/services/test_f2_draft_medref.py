"""Review 15 U2: a draft order whose drug is named only by `medicationReference`.

- g05: phenelzine running; sertraline drafted as `Medication/<Epic 109-character id>` with no
  display, the Medication sent in the `medicationRequests` prefetch as an include entry. It gave
  `{"cards": []}`: drafts resolved Medications only among the draftOrders. The reference now
  resolves against the chart's Medications too, and the MAOI card is raised.
- g06: the same draft, the Medication nowhere (no server offline). It gave `{"cards": []}` and
  --explain said every relevant resource was read. The order now gets a data-quality card
  (warning) naming the draft and the checks not made, and --explain lists it.
- g05b (the Medication inside draftOrders) and g06b (Epic's display on the reference): controls,
  the critical MAOI card as before.

Charts: review 15's CDS Hooks requests (tests/services/review15_charts/, US Core / Epic shaped).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.draft_medication import UNIDENTIFIED_DRAFT
from fhir_mapping.explain import explain
from fhir_mapping.medications import read_drafts
from fhir_mapping.record import DataDomain
from services.policy import Policy
from tests.fixtures import builders as b
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review15_charts"
Doc = dict[str, Any]
MAOI = "order-maoi-interaction"
QUALITY = "data-quality"
G06_DRAFT = "MedicationRequest/b0c8a86e-c09e-51c0-9b12-6acf1ae40956"
# A Medication nobody sent, offline (review 19 R2 M1: why, not "not found").
NOT_READ_OFFLINE = (
    "medication reference not read: offline evaluation does not fetch from a FHIR server"
)

_load = chart_files.loader(CHARTS)


def _chart(name: str) -> Doc:
    """The chart as review 15 sent it, with the `labsSI` key the discovery added later (review
    17 W3) sent as an empty searchset: the chart has no SI-unit lab."""
    doc = _load(name)
    doc["prefetch"].setdefault("labsSI", {"resourceType": "Bundle", "type": "searchset"})
    return doc


_at = Evaluator(AS_OF)
_evaluate = _at.cards_and_record


def _draft(doc: Doc) -> Doc:
    draft: Doc = doc["context"]["draftOrders"]["entry"][0]["resource"]
    return draft


# --- g05: the Medication in the prefetch ----------------------------------------------------------


def test_a_draft_naming_its_drug_by_a_reference_to_a_prefetched_medication_is_checked() -> None:
    doc = _chart("g05_draft_medref_in_prefetch")
    assert "display" not in _draft(doc)["medicationReference"]
    cards, record = _evaluate(doc)
    found = by_topic(cards)
    assert list(found) == [MAOI]
    assert found[MAOI]["indicator"] == "critical"
    assert found[MAOI]["summary"].startswith("Sertraline ordered while phenelzine (MAOI)")
    assert [(d.ingredient, d.mg_per_day) for d in record.draft_orders] == [("sertraline", 50.0)]
    text = explain(record)
    assert "Draft orders (1):\n   sertraline: 50 mg/day" in text
    assert "every relevant resource was read" in text


@pytest.mark.parametrize(
    "name", ["g05b_draft_medication_in_draftorders", "g06b_draft_medref_missing_with_display"]
)
def test_the_controls_keep_their_maoi_card(name: str) -> None:
    cards, record = _evaluate(_chart(name))
    found = by_topic(cards)
    assert list(found) == [MAOI]
    assert found[MAOI]["indicator"] == "critical"
    assert not record.gaps


# --- g06: the Medication nowhere ------------------------------------------------------------------


def test_a_draft_whose_drug_cannot_be_identified_is_said_at_the_order() -> None:
    cards, record = _evaluate(_chart("g06_draft_medref_missing"))
    (card,) = cards
    assert card["source"]["topic"]["code"] == QUALITY
    # Phenelzine runs: the unknown drug may be one it must not meet, so the card names it and
    # is critical (review 15 recheck W-b; tests/services/test_recheck15_drafts.py).
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Phenelzine (MAOI) is running (since 2025-01-06): an antidepressant drafted now could be contraindicated; "
        "identify the drug before signing"
    )
    detail = card["detail"]
    assert "could not tell which drug is being ordered, so none of its order checks" in detail
    # Why, not "not found" (review 19 R2 M1): offline, no FHIR server is asked for it.
    assert f"- {G06_DRAFT}: {NOT_READ_OFFLINE}" in detail
    assert record.draft_orders == ()
    text = explain(record)
    assert "Not read (1):" in text
    # The data-gap line names the draft by its day, not its id (session 21).
    assert f"({UNIDENTIFIED_DRAFT}: {NOT_READ_OFFLINE}): the order of 2025-06-02" in text


def test_the_draft_is_said_once_beside_a_chart_record_that_could_not_be_read() -> None:
    """One data-quality card (one card per topic: a second would be dropped), the order first;
    the chart's unread order on it too."""
    doc = _chart("g06_draft_medref_missing")
    chart_order = b.medication_request(
        None,
        None,
        date(2025, 3, 3),
        medication_reference="Medication/gone-1",
        patient=doc["context"]["patientId"],
        id="chart-order-1",
    )
    doc["prefetch"]["medicationRequests"]["entry"].append({"resource": chart_order})
    doc["prefetch"]["medicationRequests"]["total"] += 1
    cards, _record = _evaluate(doc)
    (card,) = [c for c in cards if c["source"]["topic"]["code"] == QUALITY]
    assert card["summary"].startswith(
        "Phenelzine (MAOI) is running (since 2025-01-06): an antidepressant drafted"
    )
    detail = card["detail"]
    assert detail.index("Drafted medication not identified") < detail.index(
        "the order of 2025-03-03"  # the chart's order by its day (session 21)
    )
    assert detail.count(G06_DRAFT) == 1


def test_the_draft_card_is_snoozed_apart_from_the_charts_data_quality_card() -> None:
    """A snooze of the chart's data-quality card (another record not read) must not hide an
    order nobody could check: the draft card carries its own evidence fingerprint."""
    policy = Policy()
    result = evaluate_document(
        _chart("g06_draft_medref_missing"), hook="order-select", as_of=AS_OF, policy=policy
    )
    (rec,) = result.evaluation.recommendations
    assert rec.evidence_key is not None
    other = _chart("g06_draft_medref_missing")
    other["context"]["draftOrders"]["entry"][0]["resource"]["id"] = "another-draft"
    other["context"]["selections"] = ["MedicationRequest/another-draft"]
    (rec2,) = evaluate_document(
        other, hook="order-select", as_of=AS_OF, policy=policy
    ).evaluation.recommendations
    assert rec2.evidence_key not in (None, rec.evidence_key)


# --- the mapping: where a draft's reference resolves ----------------------------------------------

SERTRALINE_50 = b.medication("312941", "sertraline 50 MG Oral Tablet", id="m1")
FLUOXETINE_20 = b.medication("310385", "fluoxetine 20 MG Oral Capsule", id="m1")


def _reference_draft(reference: str = "Medication/m1", **fields: Any) -> Doc:
    return {
        "resourceType": "MedicationRequest",
        "id": "d1",
        "status": "draft",
        "intent": "order",
        "medicationReference": {"reference": reference},
        "dosageInstruction": [{"text": "1 tablet daily", "timing": {"repeat": {"frequency": 1}}}],
        **fields,
    }


def test_a_draft_reference_resolves_against_the_charts_medications() -> None:
    (order,), gaps = read_drafts([_reference_draft()], chart_medications={"m1": SERTRALINE_50})
    assert order.ingredient == "sertraline"
    assert gaps == []


def test_the_draft_orders_own_medication_wins_over_the_charts() -> None:
    drafts = [_reference_draft(), SERTRALINE_50]
    (order,), _gaps = read_drafts(drafts, chart_medications={"m1": FLUOXETINE_20})
    assert order.ingredient == "sertraline"


def test_a_contained_medication_still_resolves_first() -> None:
    contained = {**SERTRALINE_50, "id": "med"}
    draft = _reference_draft("#med", contained=[contained])
    (order,), _gaps = read_drafts([draft], chart_medications={"m1": FLUOXETINE_20})
    assert order.ingredient == "sertraline"


@pytest.mark.parametrize(
    "draft, why",
    [
        (_reference_draft(), "medication reference not found"),
        (
            _reference_draft("Medication/m2"),
            "medication reference not found",
        ),
        (
            {**_reference_draft("Medication/bare"), "id": "d1"},
            "the referenced Medication has no drug code or name",
        ),
        (
            {
                **_reference_draft(),
                "medicationReference": {"identifier": {"system": "urn:x", "value": "1"}},
            },
            "no medication",
        ),
        (
            {
                **_reference_draft(),
                "medicationReference": None,
                "medicationCodeableConcept": {
                    "coding": [{"system": "http://hl7.org/fhir/sid/ndc", "code": "0049-4900-50"}]
                },
            },
            "NDC code only",
        ),
        (
            {
                **_reference_draft(),
                "medicationReference": None,
                "medicationCodeableConcept": {"coding": [{"system": "urn:site", "code": "77"}]},
            },
            "no name, and no code of a system this service maps to drugs",
        ),
    ],
)
def test_a_draft_whose_drug_cannot_be_identified_is_a_gap(draft: Doc, why: str) -> None:
    draft = {k: v for k, v in draft.items() if v is not None}
    bare: Doc = {"resourceType": "Medication", "id": "bare", "status": "active"}
    orders, gaps = read_drafts([draft], chart_medications={"bare": bare})
    assert orders == ()
    (gap,) = gaps
    assert gap.domain is DataDomain.MEDICATIONS
    assert str(gap.source) == "MedicationRequest/d1"
    assert gap.reason.startswith(f"{UNIDENTIFIED_DRAFT}: ")
    assert why in gap.reason


@pytest.mark.parametrize(
    "medication",
    [
        {"medicationCodeableConcept": [{"text": "sertraline 50 mg"}]},
        {"medicationCodeableConcept": {"coding": [{}]}},
        {"medicationReference": {}},
        {},
    ],
)
def test_a_draft_of_no_readable_shape_is_left_to_the_protocol_layer(medication: Doc) -> None:
    """cds_hooks/order_drafts.py names these (with the shape that is wrong): not twice."""
    draft = {"resourceType": "MedicationRequest", "id": "d1", "status": "draft", **medication}
    assert read_drafts([draft]) == ((), [])


def test_offline_a_draft_of_no_readable_shape_is_named_as_over_http() -> None:
    """`trd-cds evaluate` on a request checks the order context as the HTTP path does
    (cds_hooks/order_drafts.py): the mapping leaves these drafts to that check, so offline they
    were silent."""
    doc = _chart("g06_draft_medref_missing")
    draft = _draft(doc)
    del draft["medicationReference"]
    draft["medicationCodeableConcept"] = [{"text": "sertraline 50 mg tablet"}]
    cards, _record = _evaluate(doc)
    (card,) = cards
    assert card["source"]["topic"]["code"] == QUALITY
    assert f"draft order {G06_DRAFT}: the medication could not be read" in card["detail"]
    assert "medicationCodeableConcept is an array, not a CodeableConcept" in card["detail"]
