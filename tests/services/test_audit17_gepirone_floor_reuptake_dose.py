"""Audit 17 W6 and M12: gepirone at its lowest strength beside a moderate CYP3A4 inhibitor, and the
drafted dose and topic of the card of two serotonin reuptake inhibitors of different classes.

- W6: gepirone 18.2 mg drafted while dronedarone or aprepitant (moderate CYP3A4 inhibitors) runs.
  The summary said "halve the gepirone dose"; 18.2 mg is the lowest strength and the tablet is
  swallowed whole, so the label's half dose cannot be given. The summary now says so and what to
  do (replace either drug), as the detail does; at 36.3 mg "halve the gepirone dose" stands. The
  card's source links the EXXUA label (Drugs@FDA PDF), the strong-inhibitor card's too.
- M12: sertraline drafted while venlafaxine (SNRI) runs: the card now states the drafted
  50 mg/day, and the topic's display no longer says "of the class of one running" for an SSRI and
  an SNRI.

Charts: tests/services/review17_charts/fa4_*.json (CDS Hooks order-select requests, US Core /
Epic shaped: the gepirone draft and the inhibitor written as text, as Epic sends an uncoded drug).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services import cards as card_words
from services import interaction_table
from services.interaction_takings import Taking
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review17_charts"
Doc = dict[str, Any]

INTERACTION = "order-drug-interaction"
SAME_CLASS = "order-same-class-running"
EXXUA_LABEL = "https://www.accessdata.fda.gov/drugsatfda_docs/label/2025/021164Orig1s001lbl.pdf"

_chart = chart_files.loader(CHARTS)
_at = Evaluator(AS_OF)
_cards = _at.cards


def _one(doc: Doc, topic: str) -> Doc:
    (card,) = [c for c in _cards(doc) if c["source"]["topic"]["code"] == topic]
    return card


def _draft(doc: Doc) -> Doc:
    resource: Doc = doc["context"]["draftOrders"]["entry"][0]["resource"]
    return resource


# --- W6: gepirone at its lowest strength with a moderate CYP3A4 inhibitor ---------------------


@pytest.mark.parametrize(
    ("chart", "inhibitor"),
    [
        ("fa4_gepirone_18mg_dronedarone", "dronedarone"),
        ("fa4_gepirone_18mg_aprepitant", "aprepitant"),
    ],
)
def test_gepirone_18mg_summary_says_it_cannot_be_halved(chart: str, inhibitor: str) -> None:
    card = _one(_chart(chart), INTERACTION)
    summary, detail = card["summary"], card["detail"]
    assert card["indicator"] == "warning"
    assert summary == (
        f"Gepirone ordered with {inhibitor} running: moderate CYP3A4 inhibitor; 18.2 mg "
        "(lowest strength) cannot be halved: replace either drug"
    )
    assert len(summary) <= card_words.SUMMARY_MAX
    assert "halve the gepirone dose" not in summary
    # The detail says the same: the drafted dose, and at the starting dose the way on.
    assert "gepirone 18.2 mg/day on this order" in detail
    assert "at the starting dose choose another antidepressant or replace the inhibitor" in detail


def test_gepirone_36mg_with_a_moderate_inhibitor_still_halves_the_dose() -> None:
    doc = _chart("fa4_gepirone_18mg_dronedarone")
    draft = _draft(doc)
    draft["medicationCodeableConcept"] = {"text": "gepirone ER 36.3 MG tablet (EXXUA)"}
    draft["dosageInstruction"][0]["text"] = "Take 1 tablet (36.3 mg) by mouth once daily with food"
    card = _one(doc, INTERACTION)
    assert "gepirone 36.3 mg/day on this order" in card["detail"]
    assert card["summary"].endswith("halve the gepirone dose")
    assert "cannot be halved" not in card["summary"]


def _pair(gepirone: Taking, inhibitor: Taking) -> interaction_table.Pair:
    (pair,) = interaction_table.pairs([gepirone], news=[inhibitor])
    return pair


def test_inhibitor_ordered_beside_gepirone_18mg_running_says_it_too() -> None:
    # Dronedarone ordered while gepirone 18.2 mg runs: the same rule, the other way round.
    running = Taking("gepirone", 18.2, date(2025, 3, 1), False, None)
    ordered = Taking("dronedarone", 800.0, None, True, None)
    summary = _pair(running, ordered).summary()
    assert summary.startswith("Dronedarone ordered with gepirone running: ")
    assert "18.2 mg (lowest strength) cannot be halved: replace either drug" in summary


def test_gepirone_dose_not_read_keeps_the_label_rule() -> None:
    # No dose read: nothing shows it is the lowest strength, so the label's rule is said.
    running = Taking("gepirone", None, None, False, None)
    ordered = Taking("diltiazem", 240.0, None, True, None)
    assert _pair(running, ordered).summary().endswith("halve the gepirone dose")


@pytest.mark.parametrize(
    ("chart", "label"),
    [
        ("fa4_gepirone_18mg_dronedarone", "Exxua label 2, 7"),
        ("fa4_gepirone_18mg_aprepitant", "Exxua label 2, 7"),
    ],
)
def test_gepirone_interaction_card_links_the_label(chart: str, label: str) -> None:
    source = _one(_chart(chart), INTERACTION)["source"]
    assert source["label"] == label
    assert source["url"] == EXXUA_LABEL


def test_gepirone_strong_inhibitor_card_links_the_label_too() -> None:
    # The same chart with clarithromycin (strong): the critical card cites Exxua label 4.
    doc = _chart("fa4_gepirone_18mg_dronedarone")
    for key in ("medicationRequests", "medicationDispenses"):
        for entry in doc["prefetch"][key]["entry"]:
            concept = entry["resource"]["medicationCodeableConcept"]
            if "coding" not in concept:
                entry["resource"]["medicationCodeableConcept"] = {
                    "text": "clarithromycin 500 MG Oral Tablet"
                }
    card = _one(doc, INTERACTION)
    assert card["indicator"] == "critical"
    assert card["source"]["label"] == "Exxua label 4"
    assert card["source"]["url"] == EXXUA_LABEL


# --- M12: the SSRI drafted on a running SNRI -------------------------------------------------


def test_ssri_on_snri_card_states_the_drafted_dose() -> None:
    card = _one(_chart("fa4_snri_running_ssri_draft"), SAME_CLASS)
    assert card["summary"] == (
        "Sertraline 50 mg/day ordered while venlafaxine (SNRI) is running: two serotonin "
        "reuptake inhibitors; switch or addition?"
    )
    assert (
        "Sertraline 50 mg/day on this order (SSRI) and venlafaxine both inhibit" in (card["detail"])
    )
    assert "venlafaxine 225 mg/day since 2025-03-03" in card["detail"]


def test_ssri_on_snri_card_with_no_dose_read_says_so() -> None:
    doc = _chart("fa4_snri_running_ssri_draft")
    draft = _draft(doc)
    draft["medicationCodeableConcept"] = {"text": "sertraline tablet"}
    del draft["dosageInstruction"]
    card = _one(doc, SAME_CLASS)
    assert card["summary"].startswith("Sertraline ordered while venlafaxine (SNRI) is running")
    assert "unknown" not in card["summary"]
    assert "Sertraline (dose not read) on this order (SSRI)" in card["detail"]


def test_ssri_on_snri_topic_display_is_not_one_class() -> None:
    topic = _one(_chart("fa4_snri_running_ssri_draft"), SAME_CLASS)["source"]["topic"]
    assert topic["code"] == SAME_CLASS  # the code EHR filters and override reasons key on
    assert "class of one running" not in topic["display"]
    assert topic["display"] == "Second antidepressant ordered beside one running or on the order"
