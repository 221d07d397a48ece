"""Review s23 RD (order hooks with several or non-psychiatric drafts), its fixes pinned.

- Finding 1: a QT-prolonging drug drafted while citalopram runs got no card; only a citalopram
  draft beside a running QT drug was checked. One QT pair, whichever side is drafted
  (services/order_checks/qt_pair.py): the running citalopram's stop and caution lines judge the
  ondansetron order, and with no QTc read the pair gets the "no QTc read" line on an information
  card of its own.
- Finding 2: Auvelity (dextromethorphan-bupropion) drafted while sertraline runs got no card; it
  now counts as a serotonin reuptake inhibitor (data/serotonin_reuptake_inhibitors.csv, UNVERIFIED
  for its label, said on the card): the switch-or-addition card.
- Finding 5: phenelzine and fluoxetine drafted together while sertraline runs: the critical
  card's summary named sertraline (14 days), not fluoxetine (35 days on this order).

Charts: tests/services/s23_order_drafts_charts/ (copied from the review's x17, x28, x32, x31,
x29 and x05; Epic / US Core shaped requests with every prefetch key).
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
QTC = "order-qtc"
SAME_CLASS = "order-same-class-running"
MAOI = "order-maoi-interaction"

_chart = chart_files.loader(Path(__file__).parent / "s23_order_drafts_charts")
_at = Evaluator(date(2026, 12, 1))


def _of(cards: list[Doc], topic: str) -> list[Doc]:
    return [c for c in cards if c["source"]["topic"]["code"] == topic]


def _qtc_card(name: str, **kw: Any) -> Doc:
    found = _of(_at.cards(_chart(name), **kw), QTC)
    assert len(found) == 1, [c["summary"] for c in found]
    return found[0]


# --- finding 1: the QT pair from the partner's side --------------------------------------------


def test_ondansetron_drafted_with_citalopram_above_the_stop_line_is_critical() -> None:
    card = _qtc_card("ondansetron_drafted_citalopram_running_qtc510")
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Ondansetron ordered with QTc 510 ms on 2026-11-10 and citalopram running: above "
        "500 ms, where the label says to stop citalopram"
    )
    detail = card["detail"]
    assert "Citalopram (running) prolongs the QT interval" in detail
    assert "discontinue it in patients with persistent QTc measurements above 500 ms" in detail
    assert "Ondansetron 24 mg/day on this order: known risk of torsades" in detail
    assert "choose a drug that does not prolong the QT interval" in detail


def test_ondansetron_drafted_with_citalopram_above_the_caution_line_is_a_warning() -> None:
    # The pair is the risk factor: a caution-line QTc with two such drugs is a warning, as the
    # citalopram side's card is with ondansetron running.
    card = _qtc_card("ondansetron_drafted_citalopram_running_qtc485")
    assert card["indicator"] == "warning"
    assert card["summary"].startswith(
        "Ondansetron ordered with QTc 485 ms on 2026-11-10 and citalopram running: above 480 ms"
    )
    assert "repeat the ECG before adding to it" in card["detail"]


def test_ondansetron_drafted_with_citalopram_and_no_qtc_says_the_check_did_not_run() -> None:
    card = _qtc_card("ondansetron_drafted_citalopram_running_no_qtc")
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Ondansetron ordered with citalopram running: no QTc read in the last 365 days"
    )
    assert "**No QTc read from the EHR** in the last 365 days" in card["detail"]
    assert "citalopram 40 mg/day, running since 2026-06-01" in card["detail"]


def test_ondansetron_selected_at_order_select_gets_the_pair_card() -> None:
    doc = _chart("ondansetron_drafted_citalopram_running_qtc510")
    draft = doc["context"]["draftOrders"]["entry"][0]["resource"]
    doc["hook"] = "order-select"
    doc["context"]["selections"] = [f"MedicationRequest/{draft['id']}"]
    card = _qtc_card_of(doc)
    assert card["summary"].startswith("Ondansetron ordered with QTc 510 ms")


def _qtc_card_of(doc: Doc) -> Doc:
    found = _of(_at.cards(doc), QTC)
    assert len(found) == 1
    return found[0]


def test_ondansetron_with_a_normal_qtc_gets_no_card() -> None:
    # As the citalopram side: two QT drugs with a QTc below both lines make no card (noise).
    doc = _chart("ondansetron_drafted_citalopram_running_qtc485")
    changed = 0
    for resource in chart_files.prefetch_resources(doc):
        quantity = resource.get("valueQuantity")
        if quantity is not None and quantity.get("value") == 485:
            quantity["value"] = 430
            changed += 1
    assert changed == 1
    assert _of(_at.cards(doc), QTC) == []


def test_a_non_qt_draft_beside_citalopram_gets_no_qtc_card() -> None:
    doc = _chart("ondansetron_drafted_citalopram_running_qtc510")
    concept = doc["context"]["draftOrders"]["entry"][0]["resource"]["medicationCodeableConcept"]
    # Acetaminophen (RxNorm 161): not in data/qt_drugs.csv.
    concept["coding"] = [
        {
            "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
            "code": "161",
            "display": "acetaminophen",
        }
    ]
    concept["text"] = "acetaminophen 500 MG Oral Tablet"
    assert _of(_at.cards(doc), QTC) == []


def test_citalopram_drafted_beside_ondansetron_keeps_its_own_card() -> None:
    # The other side, unchanged: the drafted antidepressant is its own subject.
    card = _qtc_card("citalopram_drafted_ondansetron_running_qtc485")
    # Above 480 ms: the band and the stop line it is close to (review s24 RM finding 3).
    assert card["summary"] == (
        "Citalopram with QTc 485 ms on 2026-11-10: above 480 ms, close to the 500 ms line where "
        "the label says to stop it; ondansetron running"
    )
    assert "prefer an antidepressant that does not prolong the QT interval" in card["detail"]


# --- finding 2: Auvelity beside an SSRI --------------------------------------------------------


def test_auvelity_drafted_with_sertraline_running_asks_switch_or_addition() -> None:
    found = _of(_at.cards(_chart("auvelity_drafted_sertraline_running")), SAME_CLASS)
    assert len(found) == 1
    card = found[0]
    assert card["indicator"] == "warning"
    assert "sertraline (SSRI) is running: two serotonin reuptake inhibitors" in card["summary"]
    assert "its dextromethorphan inhibits serotonin reuptake" in card["detail"]
    # The label's warning is not read: the card says so.
    assert "(UNVERIFIED)" in card["detail"]


# --- finding 5: the MAOI card names the longest washout ----------------------------------------


def test_maoi_summary_names_the_partner_with_the_longest_washout() -> None:
    found = _of(_at.cards(_chart("phenelzine_and_fluoxetine_drafted_sertraline_running")), MAOI)
    assert len(found) == 1
    card = found[0]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Phenelzine and fluoxetine on the same order")
    assert card["summary"].endswith("; also sertraline running")
    # The binding conflict leads the detail too.
    assert card["detail"].startswith("**Fluoxetine → phenelzine (MAOI)**")
    assert "at least 35 days" in card["detail"]
    assert "**Sertraline → phenelzine (MAOI)**" in card["detail"]
