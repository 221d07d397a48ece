"""Review s25 RK2 finding 1: the "PHQ-9 item 9 answer could not be read" card (SuicideLevel.UNREAD)
stood on every renewal of a running adjunct at an order hook. Lithium 300 mg twice a day running,
the same dose drafted: order_hook_skips.continues_running looked only in
`PathwayFacts.ongoing_trials` (the antidepressants), so the renewal read as a new start; and
rules/suicide_risk.left_to_patient_view tested for an antidepressant draft only, so with the
first fix alone the data-quality card "1 rating-scale result could not be read" said it instead.
Now a running adjunct renewed at its dose or lower is a continuation (order_hook_skips.
running_courses), and the gap is left to patient-view beside any pathway draft
(order_hook_skips.PATHWAY_ROLES). A raise or a new adjunct keeps the card (the boxed warning's
close monitoring is for those moments).

Charts: tests/services/adjunct_renewal_item9_charts/ (Oracle-shaped, every prefetch key; from the
RK2 probe d4_item9_unread_lithium_renewal: escitalopram 20 mg and lithium 300 mg twice a day
running, a PHQ-9 of 2026-10-15 whose item 9 answer text is no standard answer; the aripiprazole
chart is the same with aripiprazole 5 mg daily in place of lithium).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

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
CHARTS = ["unread_item9_renew_lithium_select", "unread_item9_renew_aripiprazole_select"]

_chart = chart_files.loader(Path(__file__).parent / "adjunct_renewal_item9_charts")
_at = Evaluator(date(2026, 12, 1))


def _draft(doc: Doc) -> Doc:
    draft: Doc = doc["context"]["draftOrders"]["entry"][0]["resource"]
    return draft


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)
    get_fhir_model_class("MedicationRequest").model_validate(_draft(doc))


@pytest.mark.parametrize("name", CHARTS)
@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_an_adjunct_renewal_at_its_running_dose_gets_no_unread_card(name: str, hook: str) -> None:
    doc = _chart(name)
    doc["hook"] = hook
    topics = _at.by_topic(doc)
    assert RISK not in topics
    assert QUALITY not in topics  # nor the same answer again as a data-quality card


@pytest.mark.parametrize("name", CHARTS)
def test_patient_view_keeps_the_card(name: str) -> None:
    doc = _chart(name)
    doc["hook"] = "patient-view"
    assert _at.by_topic(doc)[RISK]["summary"] == UNREAD


@pytest.mark.parametrize(("name", "lower", "higher"), [(CHARTS[0], 150, 450), (CHARTS[1], 2, 10)])
def test_a_raise_of_the_adjunct_keeps_the_card(name: str, lower: int, higher: int) -> None:
    doc = _chart(name)
    dose = _draft(doc)["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]
    dose["value"] = lower
    assert RISK not in _at.by_topic(doc)  # a lower dose is no raise
    dose["value"] = higher
    assert _at.by_topic(doc)[RISK]["summary"] == UNREAD


def test_an_adjunct_that_is_not_running_is_a_start() -> None:
    # The lithium course taken off the chart: the same draft now starts lithium.
    doc = _chart(CHARTS[0])
    requests = doc["prefetch"]["medicationRequests"]["entry"]
    requests[:] = [e for e in requests if e["resource"]["id"] != "li-run"]
    assert _at.by_topic(doc)[RISK]["summary"] == UNREAD
