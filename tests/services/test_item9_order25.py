"""Session 25 item 4: the "item 9 answer could not be read" suicide-risk card (SuicideLevel.UNREAD,
a warning) stood on EVERY order-select / order-sign for up to a year
(policy.suicide_unassessed_item9_days), a renewal of the running drug included, although the
patient-view card says the same each time the chart is opened. Now, at an order hook, it comes
only when a draft starts an antidepressant or an adjunct or raises its dose
(order_hook_skips.starts_or_raises: the moment the boxed warning's close monitoring is for);
the data-quality card does not raise it again in its place (rules/suicide_risk.py
`left_to_patient_view`). Patient-view keeps the card (the safer side).

Charts: tests/services/item9_order25_charts/ (Oracle-shaped, every prefetch key; from
oracle23_charts/item9_oracle_answer_unread_47d: escitalopram 20 mg running, a PHQ-9 of
2026-10-15 whose item 9 answer text is no standard answer).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
RISK = "suicide-risk"
QUALITY = "data-quality"
UNREAD = (
    "PHQ-9 item 9 answer on 2026-10-15 could not be read: check it in the chart; if it is above "
    "0, assess suicide risk today"
)

_chart = chart_files.loader(Path(__file__).parent / "item9_order25_charts")
_at = Evaluator(date(2026, 12, 1))


def test_patient_view_keeps_the_card() -> None:
    card = _at.by_topic(_chart("unread_item9_patient_view"))[RISK]
    assert card["summary"] == UNREAD
    assert card["indicator"] == "warning"


@pytest.mark.parametrize(
    "name", ["unread_item9_renew_escitalopram_select", "unread_item9_renew_escitalopram_sign"]
)
def test_a_renewal_at_the_running_dose_gets_no_unread_card(name: str) -> None:
    topics = _at.by_topic(_chart(name))
    assert RISK not in topics
    assert QUALITY not in topics  # nor the same answer again as a data-quality card


def test_a_new_antidepressant_keeps_the_card() -> None:
    card = _at.by_topic(_chart("unread_item9_start_bupropion_select"))[RISK]
    assert card["summary"] == UNREAD


def test_a_dose_raise_keeps_the_card() -> None:
    doc = _chart("unread_item9_renew_escitalopram_select")
    draft = doc["context"]["draftOrders"]["entry"][0]["resource"]
    draft["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] = 10
    assert RISK not in _at.by_topic(doc)  # a lower dose is no raise
    draft["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] = 30
    draft["dosageInstruction"][0]["text"] = "30 mg = 1.5 tab, Oral, Daily"
    assert _at.by_topic(doc)[RISK]["summary"] == UNREAD
