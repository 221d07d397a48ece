"""Review s28 RG findings on the order hooks (fix FO-B).

- Finding 1 (WRONG): with PHQ-9 item 9 = 2 the suicide-risk card kept "Order a same-day suicide
  risk assessment (C-SSRS)" when that assessment (SNOMED 225337009) was already open on record
  (24_item9_cssrs_ordered_select: ServiceRequest srC1, active, 2025-06-02) or on this very order's
  draftOrders (24_item9_cssrs_draft_sign: srD1, draft, accepted at order-select). The card stays
  critical, drops the one-click and says "assessment already ordered <date>: complete it"
  (services/rules/suicide_risk_ordered.py). Accepted at patient-view, the request reaches the
  record: the patient-view chart with it on record reads the same.
- Finding 2 (MINOR): 100 tablets of sertraline 100 mg read "Sertraline 10000 mg/day is above the
  usual maximum of 200 mg/day", worded like 300 mg. At policy.dose_entry_error_factor (5) times the
  maximum or more it reads "50 times the usual maximum ...: probably a unit or entry error (100
  tablets)" (services/order_checks/dose_entry_error.py).
- Finding 3 (MINOR): bupropion XL 150 mg drafted as needed passed silently. An antidepressant
  drafted as needed gets a warning (services/order_checks/as_needed.py, data/as_needed_orders.csv);
  not an augmenting antipsychotic, nor a drug with a low-dose use of its own (trazodone for sleep).

Charts: tests/services/s28_orderb_charts/ (the RG reviewer's charts, as-of 2025-06-02; the
patient-view chart is its h3_pv_item9, the same record with item 9 = 2).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.order_checks.as_needed import TOPIC as AS_NEEDED
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
AS_OF = date(2025, 6, 2)
HERE = Path(__file__).parent / "s28_orderb_charts"
_chart = chart_files.loader(HERE)
_at = Evaluator(AS_OF)
CHARTS = sorted(p.stem for p in HERE.glob("*.json"))
ORDERED = "24_item9_cssrs_ordered_select"
DRAFTED = "24_item9_cssrs_draft_sign"
PATIENT_VIEW = "h3_pv_item9"
SERTRALINE = "26_sert_100_tablets"
BUPROPION_PRN = "20_bup_prn_select"
ITEM9 = "PHQ-9 item 9 = 2 (more than half the days) on 2025-05-12"
ONE_CLICK = "Order a same-day suicide risk assessment (C-SSRS)"


def _card(doc: Doc, topic: str, policy: Policy | None = None) -> Doc | None:
    cards = _at.cards(doc, policy=policy)
    return next((c for c in cards if c["source"]["topic"]["code"] == topic), None)


def _suicide(doc: Doc) -> Doc:
    card = _card(doc, "suicide-risk")
    assert card is not None
    return card


def _labels(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions", [])]


def _request(doc: Doc) -> Doc:
    """The assessment request on record in the ordered chart (srC1)."""
    entries = doc["prefetch"]["serviceRequests"]["entry"]
    resource: Doc = next(e["resource"] for e in entries if e["resource"]["id"] == "srC1")
    return resource


def _with_request(doc: Doc, **changes: Any) -> Doc:
    """`doc` with the ordered chart's request (srC1) on record, its fields changed."""
    doc = copy.deepcopy(doc)
    request = copy.deepcopy(_request(_chart(ORDERED))) | changes
    doc["prefetch"].setdefault("serviceRequests", {"resourceType": "Bundle", "type": "searchset"})
    doc["prefetch"]["serviceRequests"].setdefault("entry", []).append({"resource": request})
    return doc


def _without_request(doc: Doc) -> Doc:
    doc = copy.deepcopy(doc)
    entries = doc["prefetch"]["serviceRequests"]["entry"]
    doc["prefetch"]["serviceRequests"]["entry"] = [
        e for e in entries if e["resource"].get("id") != "srC1"
    ]
    return doc


def _draft(doc: Doc) -> Doc:
    resource: Doc = doc["context"]["draftOrders"]["entry"][0]["resource"]
    return resource


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_whole_requests(name: str) -> None:
    chart_files.check_chart(_chart(name))


# Finding 1 -------------------------------------------------------------------------------------


def test_an_assessment_open_on_record_drops_the_one_click_and_keeps_the_card_critical() -> None:
    card = _suicide(_chart(ORDERED))
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        f"{ITEM9}: higher suicide risk, assessment already ordered 2025-06-02: complete it today"
    )
    assert _labels(card) == []
    assert "**Assessment already ordered:**" in card["detail"]
    assert "(ServiceRequest/srC1) on 2025-06-02" in card["detail"]


def test_without_the_request_the_one_click_is_there() -> None:
    card = _suicide(_without_request(_chart(ORDERED)))
    assert card["indicator"] == "critical"
    assert card["summary"] == f"{ITEM9}: higher suicide risk, assess today (C-SSRS) and plan safety"
    assert _labels(card) == [ONE_CLICK]


def test_the_assessment_on_this_orders_draft_orders_drops_the_one_click_at_sign() -> None:
    card = _suicide(_chart(DRAFTED))
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        f"{ITEM9}: higher suicide risk, assessment on this order: complete it today"
    )
    assert _labels(card) == []
    assert "request on this order (ServiceRequest/srD1)" in card["detail"]


def test_a_dated_draft_names_its_date() -> None:
    doc = copy.deepcopy(_chart(DRAFTED))
    request = doc["context"]["draftOrders"]["entry"][-1]["resource"]
    assert request["resourceType"] == "ServiceRequest"
    request["authoredOn"] = "2025-06-02"
    assert "assessment already ordered 2025-06-02: complete it today" in _suicide(doc)["summary"]


def test_a_revoked_draft_orders_nothing_and_the_one_click_stays() -> None:
    doc = copy.deepcopy(_chart(DRAFTED))
    doc["context"]["draftOrders"]["entry"][-1]["resource"]["status"] = "revoked"
    assert _labels(_suicide(doc)) == [ONE_CLICK]


def test_accepted_at_patient_view_the_request_on_record_drops_the_one_click() -> None:
    before = _suicide(_chart(PATIENT_VIEW))
    assert _labels(before) == [ONE_CLICK]
    after = _suicide(_with_request(_chart(PATIENT_VIEW)))
    assert after["indicator"] == "critical"
    assert _labels(after) == []
    assert "assessment already ordered 2025-06-02: complete it today" in after["summary"]


# On-hold is not counted: a paused request nobody carries out (recheck K16 s29 finding 11).
@pytest.mark.parametrize("status", ["draft"])
def test_every_open_status_counts(status: str) -> None:
    card = _suicide(_with_request(_without_request(_chart(ORDERED)), status=status))
    assert _labels(card) == []


@pytest.mark.parametrize("status", ["completed", "revoked", "on-hold"])
def test_a_closed_request_is_no_open_order(status: str) -> None:
    # Completed with no assessment on record: nothing says the risk was assessed; the card asks
    # again, one click (only a documented assessment closes the signal: acute_risk.py).
    card = _suicide(_with_request(_without_request(_chart(ORDERED)), status=status))
    assert _labels(card) == [ONE_CLICK]


def test_a_request_older_than_the_finding_keeps_the_one_click() -> None:
    # Written 2025-05-01, before the item 9 answer of 2025-05-12, and left active: it was for an
    # earlier finding, and EHRs leave ServiceRequests active long after (the safer reading).
    card = _suicide(_with_request(_without_request(_chart(ORDERED)), authoredOn="2025-05-01"))
    assert _labels(card) == [ONE_CLICK]
    assert "already ordered" not in card["summary"]


# Finding 2 -------------------------------------------------------------------------------------


def test_a_hundred_tablets_reads_as_an_entry_error() -> None:
    card = _card(_chart(SERTRALINE), "order-dose-above-range")
    assert card is not None
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Sertraline 10000 mg/day is 50 times the usual maximum of 200 mg/day: probably a unit or "
        "entry error (100 tablets)"
    )
    assert "**Probably an entry error:**" in card["detail"]
    assert "The dose as entered: 100 tablets." in card["detail"]
    # The range and its cite are still said.
    assert "CANMAT 2023 Table 3.3" in card["detail"]
    assert _labels(card) == []


def _tablets(count: int) -> Doc:
    doc = copy.deepcopy(_chart(SERTRALINE))
    dosage = _draft(doc)["dosageInstruction"][0]
    for rate in dosage["doseAndRate"]:
        rate["doseQuantity"]["value"] = count
    dosage["text"] = f"Take {count} tablet by mouth daily"
    return doc


def test_three_tablets_keeps_the_high_dose_words() -> None:
    card = _card(_tablets(3), "order-dose-above-range")
    assert card is not None
    assert card["summary"] == "Sertraline 300 mg/day is above the usual maximum of 200 mg/day"
    assert "entry error" not in card["detail"]


def test_the_factor_is_policy() -> None:
    # 10 tablets: 1000 mg/day, 5 times the maximum: an entry error at the default factor (5)...
    card = _card(_tablets(10), "order-dose-above-range")
    assert card is not None
    assert card["summary"].startswith("Sertraline 1000 mg/day is 5 times the usual maximum")
    # ... the high-dose words at a site that set it to 6.
    card = _card(_tablets(10), "order-dose-above-range", Policy(dose_entry_error_factor=6))
    assert card is not None
    assert card["summary"] == "Sertraline 1000 mg/day is above the usual maximum of 200 mg/day"


# Finding 3 -------------------------------------------------------------------------------------


def test_bupropion_as_needed_gets_a_warning() -> None:
    card = _card(_chart(BUPROPION_PRN), AS_NEEDED)
    assert card is not None
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Bupropion 150 mg as needed: antidepressants are taken daily; check the directions"
    )
    assert "antidepressants are taken every day" in card["detail"]
    assert _labels(card) == []


def _daily(doc: Doc) -> Doc:
    doc = copy.deepcopy(doc)
    dosage = _draft(doc)["dosageInstruction"][0]
    dosage["asNeededBoolean"] = False
    dosage["text"] = dosage["text"].replace(" as needed", "")
    return doc


def test_a_daily_order_gets_no_as_needed_card() -> None:
    assert _card(_daily(_chart(BUPROPION_PRN)), AS_NEEDED) is None


def _as_drug(doc: Doc, code: str | None, display: str) -> Doc:
    doc = copy.deepcopy(doc)
    coding = (
        [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": code}] if code else []
    )
    if coding:
        coding[0]["display"] = display
    _draft(doc)["medicationCodeableConcept"] = {"coding": coding, "text": display}
    return doc


def test_an_augmenting_antipsychotic_as_needed_gets_no_as_needed_card() -> None:
    doc = _as_drug(_chart(BUPROPION_PRN), "349545", "aripiprazole 5 MG Oral Tablet")
    assert _at.result(doc).evaluation.record.draft_orders[0].ingredient == "aripiprazole"
    assert _card(doc, AS_NEEDED) is None


def test_a_drug_with_a_low_dose_use_as_needed_gets_no_as_needed_card() -> None:
    # Trazodone as needed is a hypnotic use (antidepressants.csv low_dose_use: insomnia).
    doc = _as_drug(_chart(BUPROPION_PRN), None, "trazodone hydrochloride 50 MG Oral Tablet")
    drafts = _at.result(doc).evaluation.record.draft_orders
    assert [d.ingredient for d in drafts] == ["trazodone"]
    assert drafts[0].as_needed
    assert _card(doc, AS_NEEDED) is None
