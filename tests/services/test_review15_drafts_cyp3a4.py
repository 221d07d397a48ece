"""Review 15 W2 and W4: a duplicate across the drafts of one order, and the CYP3A4 rules of the
gepirone and zuranolone labels.

- W2 (g01, sertraline and fluoxetine signed together): the two drafts duplicated each other with
  no card (order_checks/duplicate.py compared a draft only with running drugs). One same-class
  card now names both, once for the pair, however the hook selects them.
- W4 (a10, gepirone drafted with clarithromycin running; a11, zuranolone with itraconazole): the
  labels' CYP3A4 rules, recorded in the drug rows, made no card. They are rows of
  services/data/drug_interactions.csv now: gepirone with a strong CYP3A4 inhibitor is
  contraindicated (critical, also on chart open), zuranolone with one is 30 mg/day (a warning
  naming the dose; none for a 30 mg draft), zuranolone with a CYP3A4 inducer is avoided.

Charts: review 15's CDS Hooks requests (tests/services/review15_charts/, US Core / Epic shaped:
the non-pathway drugs and the new agents written as text only, as Epic sends an uncoded drug).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import DraftOrder
from services.order_checks import duplicate
from services.policy import Policy
from services.rules.context import build_context
from tests.services import chart_files
from tests.services.helpers import Evaluator, of_topic

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review15_charts"
Doc = dict[str, Any]

_chart = chart_files.loader(CHARTS)

SAME_CLASS = "order-same-class-running"
INTERACTION = "order-drug-interaction"
INTERACTIONS_CHART = "drug-interaction"


_at = Evaluator(AS_OF)
_cards = _at.cards


def _drafts(doc: Doc) -> list[Doc]:
    return [e["resource"] for e in doc["context"]["draftOrders"]["entry"]]


# --- W2: two SSRIs on one order --------------------------------------------------------------


@pytest.mark.real_drug_table
def test_two_ssri_drafts_get_one_same_class_card() -> None:
    cards = _cards(_chart("g01_sign_two_ssri_drafts"))
    (card,) = of_topic(cards, SAME_CLASS)
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Sertraline and fluoxetine are both drafted: two SSRIs")
    assert "sertraline 50 mg/day (SSRI); fluoxetine 20 mg/day (SSRI)" in card["detail"]
    assert "CANMAT 2023" in card["detail"]
    # The repeat card (the SSRI class failed) is still there, as its own concern.
    assert of_topic(cards, "order-repeats-failed-trial")


@pytest.mark.real_drug_table
@pytest.mark.parametrize("which", [0, 1])
def test_the_pair_is_said_whichever_draft_order_select_checks(which: int) -> None:
    """order-select with one of the two drafts selected: the pair is met from that one."""
    doc = _chart("g01_sign_two_ssri_drafts")
    doc["hook"] = "order-select"
    doc["context"]["selections"] = [f"MedicationRequest/{_drafts(doc)[which]['id']}"]
    (card,) = of_topic(_cards(doc), SAME_CLASS)
    assert "sertraline" in card["summary"].lower() and "fluoxetine" in card["summary"]


@pytest.mark.real_drug_table
def test_drafts_of_two_classes_get_no_same_class_card() -> None:
    """An SSRI with mirtazapine is a CANMAT combination, not a duplicate (noise otherwise)."""
    doc = _chart("g01_sign_two_ssri_drafts")
    second = _drafts(doc)[1]
    second["medicationCodeableConcept"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "311725",
                "display": "mirtazapine 15 MG Oral Tablet",
            }
        ],
        "text": "mirtazapine 15 MG Oral Tablet",
    }
    assert not of_topic(_cards(doc), SAME_CLASS)


@pytest.mark.real_drug_table
def test_a_pair_sharing_an_ingredient_is_left_to_the_shared_ingredient_card(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No same-class pair of the drug table shares an ingredient today; were one to (a fixed
    combination of its class), the shared-ingredient card says it and this check does not."""
    doc = _chart("g01_sign_two_ssri_drafts")
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    ctx = build_context(result.evaluation.record, Policy(), hook="order-sign")
    sertraline, fluoxetine = ctx.record.draft_orders
    assert isinstance(fluoxetine, DraftOrder)
    assert duplicate.same_class_check(ctx, fluoxetine)  # the pair, as above
    monkeypatch.setattr(duplicate, "shared_ingredients", lambda a, b: ("sertraline",))
    assert duplicate.same_class_check(ctx, fluoxetine) == []


# --- W4: gepirone and zuranolone with CYP3A4 inhibitors and inducers -------------------------


@pytest.mark.real_drug_table
def test_gepirone_with_clarithromycin_running_is_critical() -> None:
    (card,) = of_topic(_cards(_chart("a10_gepirone_draft_clarithromycin")), INTERACTION)
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Gepirone ordered with clarithromycin running")
    assert "contraindicated" in card["summary"]
    assert "Exxua label 4" in card["detail"]
    assert "gepirone 18.2 mg/day on this order" in card["detail"]


@pytest.mark.real_drug_table
def test_zuranolone_with_itraconazole_running_names_30_mg() -> None:
    (card,) = of_topic(_cards(_chart("a11_zuranolone_draft_itraconazole")), INTERACTION)
    assert card["indicator"] == "warning"
    assert "Zuranolone ordered with itraconazole running" in card["summary"]
    assert "30 mg/day" in card["summary"]
    assert "Zurzuvae label 2.2" in card["detail"]


def _zuranolone_30(doc: Doc) -> Doc:
    draft = _drafts(doc)[0]
    draft["medicationCodeableConcept"] = {"text": "ZURZUVAE 30 MG capsule"}
    dosage = draft["dosageInstruction"][0]
    dosage["text"] = "Take 1 capsule (30 mg) by mouth once daily in the evening for 14 days"
    dosage["doseAndRate"][0]["doseQuantity"]["value"] = 1
    return doc


@pytest.mark.real_drug_table
def test_zuranolone_30_mg_with_itraconazole_follows_the_label_no_card() -> None:
    doc = _zuranolone_30(_chart("a11_zuranolone_draft_itraconazole"))
    assert not of_topic(_cards(doc), INTERACTION)


def _running_text(doc: Doc, text: str) -> Doc:
    """The chart's one non-pathway drug (request and dispense) renamed to `text`."""
    for key in ("medicationRequests", "medicationDispenses"):
        for entry in doc["prefetch"][key]["entry"]:
            resource = entry["resource"]
            if "coding" not in resource["medicationCodeableConcept"]:
                resource["medicationCodeableConcept"] = {"text": text}
    return doc


@pytest.mark.real_drug_table
def test_zuranolone_with_carbamazepine_is_avoided() -> None:
    doc = _running_text(
        _chart("a11_zuranolone_draft_itraconazole"), "carbamazepine 200 MG Oral Tablet"
    )
    (card,) = of_topic(_cards(doc), INTERACTION)
    assert card["indicator"] == "warning"
    assert "carbamazepine" in card["summary"] and "avoid" in card["summary"]


@pytest.mark.real_drug_table
def test_oral_ketoconazole_counts_topical_does_not() -> None:
    oral = _running_text(
        _chart("a10_gepirone_draft_clarithromycin"), "ketoconazole 200 MG Oral Tablet"
    )
    (card,) = of_topic(_cards(oral), INTERACTION)
    assert card["indicator"] == "critical" and "ketoconazole" in card["summary"]
    topical = _running_text(
        _chart("a10_gepirone_draft_clarithromycin"), "ketoconazole 20 MG/ML Topical Shampoo"
    )
    assert not of_topic(_cards(topical), INTERACTION)


def _on_chart(doc: Doc, started: str) -> Doc:
    """The same chart at chart open: the drafted drug taken since `started` (an active order)."""
    draft = copy.deepcopy(_drafts(doc)[0])
    draft["status"] = "active"
    draft["authoredOn"] = f"{started}T09:30:00-05:00"
    doc["prefetch"]["medicationRequests"]["entry"].append(
        {
            "fullUrl": f"https://ehr.example.org/fhir/R4/MedicationRequest/{draft['id']}",
            "resource": draft,
        }
    )
    doc["hook"] = "patient-view"
    doc["context"] = {"userId": doc["context"]["userId"], "patientId": doc["context"]["patientId"]}
    return doc


@pytest.mark.real_drug_table
def test_gepirone_and_clarithromycin_both_running_is_critical_on_chart_open() -> None:
    doc = _on_chart(_chart("a10_gepirone_draft_clarithromycin"), "2025-05-29")
    (card,) = of_topic(_cards(doc), INTERACTIONS_CHART)
    assert card["indicator"] == "critical"
    # The gepirone order of that day has no fill yet (review s23 RR2 finding 6): so said.
    assert "Gepirone ordered (no fill yet) and clarithromycin running" in card["summary"]


@pytest.mark.real_drug_table
def test_zuranolone_and_itraconazole_both_running_warns_on_chart_open() -> None:
    doc = _on_chart(_chart("a11_zuranolone_draft_itraconazole"), "2025-05-30")
    (card,) = of_topic(_cards(doc), INTERACTIONS_CHART)
    assert card["indicator"] == "warning"
    assert "30 mg/day" in card["summary"]
