"""s26 LC item 3: a critical order card offers "Remove the draft <drug> order", a CDS Hooks 2.0
`delete` action naming the drafted MedicationRequest (services/draft_removal.py).

Before: a tricyclic drafted with a complete AV block coded (critical "Nortriptyline is
contraindicated by a condition on record"), or phenelzine drafted before sertraline's washout
ends (critical "... not before 2026-12-29 (14-day washout)"), came with no suggestion at all.
Now each carries one, never recommended, whose action deletes `MedicationRequest/<draft id>`;
a draft with no id gets none (a guessed reference could remove another order), and a warning
card gets none.

Charts: tests/services/draft_removal_charts/ (Epic-shaped requests, every prefetch key: copies
of comorbidity24 heart_block_i442_nortriptyline_select and draft_timing
maoi_overlapping_sertraline_taper_sign).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.models.card import CdsResponse
from cds_hooks.offline import evaluate_document
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
AV_BLOCK = "complete_av_block_draft_nortriptyline_select"
MAOI = "phenelzine_before_sertraline_washout_sign"
NORTRIPTYLINE = "MedicationRequest/7069dba0-a138-568b-93a9-7ad238fda79f"
PHENELZINE = "MedicationRequest/b03b3a3c-09bd-5646-9e80-acf66dd05031"

_chart = chart_files.loader(Path(__file__).parent / "draft_removal_charts")


def _response(doc: Doc) -> dict[str, Any]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    wire: dict[str, Any] = result.response.to_json()
    # The wire JSON validates against the CDS Hooks 2.0 response model (delete needs resourceId).
    CdsResponse.model_validate(wire)
    return wire


def _critical(doc: Doc) -> list[Doc]:
    return [c for c in _response(doc)["cards"] if c["indicator"] == "critical"]


@pytest.mark.parametrize("name", [AV_BLOCK, MAOI])
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


@pytest.mark.parametrize(
    ("name", "drug", "reference", "summary"),
    [
        (AV_BLOCK, "nortriptyline", NORTRIPTYLINE, "Nortriptyline is contraindicated"),
        (MAOI, "phenelzine", PHENELZINE, "14-day washout"),
    ],
)
def test_a_critical_order_card_offers_to_remove_its_draft(
    name: str, drug: str, reference: str, summary: str
) -> None:
    (card,) = [c for c in _critical(_chart(name)) if summary in c["summary"]]
    (suggestion,) = card["suggestions"]
    assert suggestion["label"] == f"Remove the draft {drug} order"
    assert not suggestion.get("isRecommended")
    (action,) = suggestion["actions"]
    assert action == {
        "type": "delete",
        "description": f"Remove the draft {drug} order from this order session",
        "resourceId": reference,
    }
    assert card["selectionBehavior"] == "at-most-one"


def test_a_draft_with_no_id_is_not_offered_for_removal() -> None:
    doc = _chart(MAOI)  # order-sign: no selections to name the drafts by id
    for entry in doc["context"]["draftOrders"]["entry"]:
        entry["resource"].pop("id", None)
    cards = _critical(doc)
    assert any("14-day washout" in c["summary"] for c in cards)
    assert not any(
        a.get("type") == "delete"
        for c in cards
        for s in c.get("suggestions", [])
        for a in s.get("actions", [])
    )


def test_no_card_but_a_critical_one_carries_a_removal() -> None:
    for name in (AV_BLOCK, MAOI):
        for card in _response(_chart(name))["cards"]:
            removal = any(
                a.get("type") == "delete"
                for s in card.get("suggestions", [])
                for a in s.get("actions", [])
            )
            assert not removal or card["indicator"] == "critical"
