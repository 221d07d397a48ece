"""A draft order whose subject names another patient (review 19 R2 M7).

The chart (review19k_charts/, the review's own request: US Core shaped, every prefetch key) is an
order-select call whose escitalopram draft says `subject: Patient/someone-else`. The draft is what
the clinician is writing in this patient's chart, so it is still checked against this patient's
record (the failed-class card stays); what changed is that the cards now say the draft names
another patient, where it was checked in silence (cds_hooks/order_drafts.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 4)
Doc = dict[str, Any]
CHART = "draft_other_patient_escitalopram"
DRAFT = "MedicationRequest/7e6969a7-afbc-5b1e-9e55-b1f3a92bb49e"
SAID = (
    f"draft order {DRAFT} names another patient as its subject; checked against this patient's "
    "record all the same"
)

_chart = chart_files.loader(Path(__file__).parent / "review19k_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards


def _draft(doc: Doc) -> Doc:
    resource: Doc = doc["context"]["draftOrders"]["entry"][0]["resource"]
    return resource


def _order_card_summaries(cards: list[Doc]) -> list[str]:
    return [c["summary"] for c in cards if c["source"]["topic"]["code"].startswith("order-")]


def test_the_chart_is_valid_r4_and_carries_every_prefetch_key() -> None:
    doc = _chart(CHART)
    chart_files.check_chart(doc)
    assert _draft(doc)["subject"] == {"reference": "Patient/someone-else"}


def test_a_draft_naming_another_patient_is_said_and_still_checked() -> None:
    doc = _chart(CHART)
    cards = _cards(doc)
    text = "\n".join(c["detail"] for c in cards)
    assert text.count(SAID) == 1
    # Still checked against this patient: the failed-class card on the escitalopram draft.
    orders = _order_card_summaries(cards)
    assert any(s.startswith("Two SSRIs (citalopram") for s in orders), orders

    # The control: the same draft about the context patient gets the same order cards, unremarked.
    _draft(doc)["subject"] = {"reference": f"Patient/{doc['context']['patientId']}"}
    own = _cards(doc)
    assert "another patient" not in "\n".join(c["detail"] for c in own)
    assert _order_card_summaries(own) == orders


def test_at_order_sign_too() -> None:
    doc = _chart(CHART)
    doc["hook"] = "order-sign"
    del doc["context"]["selections"]
    assert SAID in "\n".join(c["detail"] for c in _cards(doc))


@pytest.mark.parametrize(
    "subject",
    [
        None,  # no subject: not said to be another patient's
        {"identifier": {"system": "urn:oid:1.2.3", "value": "MRN-1"}},  # an identifier only
    ],
)
def test_a_draft_with_no_subject_reference_is_not_called_another_patients(
    subject: Doc | None,
) -> None:
    doc = _chart(CHART)
    if subject is None:
        del _draft(doc)["subject"]
    else:
        _draft(doc)["subject"] = subject
    assert "names another patient" not in "\n".join(c["detail"] for c in _cards(doc))


def test_an_unselected_draft_of_another_patient_is_not_said_to_be_checked() -> None:
    """Only the drafts the order checks read are named: an unselected one is not checked."""
    doc = _chart(CHART)
    _draft(doc)["subject"] = {"reference": f"Patient/{doc['context']['patientId']}"}
    other = {**_draft(doc), "id": "other-draft", "subject": {"reference": "Patient/someone-else"}}
    doc["context"]["draftOrders"]["entry"].append({"resource": other})
    assert "another patient" not in "\n".join(c["detail"] for c in _cards(doc))
    doc["context"]["selections"].append("MedicationRequest/other-draft")
    text = "\n".join(c["detail"] for c in _cards(doc))
    assert "draft order MedicationRequest/other-draft names another patient" in text
