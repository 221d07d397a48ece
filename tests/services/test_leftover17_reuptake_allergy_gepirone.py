"""Findings a review 16 recheck left open: two serotonin reuptake inhibitors of different classes
at an order, a severe SSRI class allergy beside vortioxetine in the switch list, and the moderate
CYP3A4 inhibitors of the gepirone label.

- Recheck 16-2 m01 (without the rasagiline): sertraline drafted while venlafaxine ER 225 mg runs,
  filled monthly, drew no card, while two SSRIs did. One warning at the draft now names the
  running drug, its dose and refills, and asks: a switch (plan the stop or cross-taper) or an
  addition (serotonin-syndrome risk; no CANMAT 2023 combination strategy). A pair CANMAT combines
  (an SNRI with bupropion) stays quiet.
- Audit 16 W3 / review 16 c03b: after an "SSRIs" allergy with anaphylaxis the switch list offered
  vortioxetine bare. It keeps it, with the cross-sensitivity caveat beside it
  (services/data/allergy_class_caveats.csv); a mild class allergy adds nothing.
- Exxua label 2 and 7: dronedarone and aprepitant, moderate CYP3A inhibitors, halve the gepirone
  dose as diltiazem does (services/data/drug_interactions.csv gepirone-moderate-cyp3a4).

Charts: tests/services/leftover17_charts/fl1_*.json (CDS Hooks requests, US Core / Epic shaped).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services.policy import Policy
from tests.fixtures import vendor_charts
from tests.services import chart_files
from tests.services.helpers import Evaluator, of_topic

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "leftover17_charts"
Doc = dict[str, Any]

_chart = chart_files.loader(CHARTS)

SAME_CLASS = "order-same-class-running"
INTERACTION = "order-drug-interaction"


_at = Evaluator(AS_OF)
_cards = _at.cards


def _draft(doc: Doc) -> Doc:
    resource: Doc = doc["context"]["draftOrders"]["entry"][0]["resource"]
    return resource


def _drafted(doc: Doc, text: str, mg: str) -> Doc:
    """The chart's one draft renamed to `text` (Epic sends an uncoded drug as text), one tablet of
    `mg` a day."""
    draft = _draft(doc)
    draft["medicationCodeableConcept"] = {"text": text}
    draft["dosageInstruction"][0]["text"] = f"Take 1 tablet ({mg} mg) by mouth daily"
    return doc


# --- two serotonin reuptake inhibitors of different classes ----------------------------------


@pytest.mark.real_drug_table
def test_ssri_drafted_while_snri_runs_gets_one_warning_naming_it() -> None:
    cards = _cards(_chart("fl1_snri_running_ssri_draft"))
    (card,) = of_topic(cards, SAME_CLASS)
    assert card["indicator"] == "warning"
    summary, detail = card["summary"], card["detail"]
    # The drafted dose too (audit 17 M12).
    assert summary.startswith("Sertraline 50 mg/day ordered while venlafaxine (SNRI) is running")
    assert "two serotonin reuptake inhibitors" in summary
    # The running drug, its dose, since when, and its refills (filled monthly, last 2025-06-01).
    assert "venlafaxine 225 mg/day since 2025-03-03" in detail
    assert "refills on time (PDC 100 %)" in detail
    # Switch or addition, each with its answer and its basis.
    assert (
        "If sertraline is a switch, plan the taper or cross-taper and venlafaxine's stop" in detail
    )
    assert "serotonin-syndrome risk" in detail and "Keks 2016" in detail
    assert "not a CANMAT 2023 combination strategy" in detail
    assert "bupropion, mirtazapine or mianserin" in detail


@pytest.mark.real_drug_table
def test_vortioxetine_drafted_while_snri_runs_says_why_it_counts() -> None:
    doc = _drafted(_chart("fl1_snri_running_ssri_draft"), "vortioxetine 10 MG Oral Tablet", "10")
    (card,) = of_topic(_cards(doc), SAME_CLASS)
    assert "two serotonin reuptake inhibitors" in card["summary"]
    assert "vortioxetine: inhibits serotonin reuptake" in card["detail"]


@pytest.mark.real_drug_table
def test_bupropion_drafted_while_snri_runs_stays_quiet() -> None:
    # CANMAT 2023 Table 7.2 adds bupropion to an SSRI or SNRI: no duplicate to speak of.
    doc = _drafted(
        _chart("fl1_snri_running_ssri_draft"), "buPROPion XL 300 MG 24 HR Oral Tablet", "300"
    )
    assert not of_topic(_cards(doc), SAME_CLASS)


@pytest.mark.real_drug_table
def test_two_reuptake_inhibitors_on_chart_open_add_no_order_card() -> None:
    # Chart open with both running: the order check does not speak (no draft); the chart's own
    # cards are unchanged (none on this chart: sertraline is four weeks in).
    doc = _chart("fl1_snri_running_ssri_draft")
    draft = copy.deepcopy(_draft(doc))
    draft["status"] = "active"
    draft["authoredOn"] = "2025-05-05T09:30:00-05:00"
    doc["prefetch"]["medicationRequests"]["entry"].append(
        {"fullUrl": f"MedicationRequest/{draft['id']}", "resource": draft}
    )
    doc["hook"] = "patient-view"
    doc["context"] = {"userId": doc["context"]["userId"], "patientId": doc["context"]["patientId"]}
    assert not of_topic(_cards(doc), SAME_CLASS)


# --- a severe SSRI class allergy and vortioxetine in the switch list -------------------------


def _switch_line(cards: list[Doc]) -> str:
    line = next(
        part for c in cards for part in c["detail"].split("\n\n") if part.startswith("**Switch:**")
    )
    return line


@pytest.mark.real_drug_table
def test_severe_ssri_class_allergy_puts_a_caveat_beside_vortioxetine() -> None:
    line = _switch_line(_cards(_chart("fl1_ssri_class_anaphylaxis_patient_view")))
    assert (
        "vortioxetine (a serotonin reuptake inhibitor, not an SSRI by class: cross-sensitivity "
        "with the recorded allergy (SSRIs, severe) not established; check the reaction history "
        "first)"
    ) in line
    # Vilazodone, an SSRI by its label, stays held back with the class.
    assert "vilazodone" not in line


@pytest.mark.real_drug_table
def test_mild_ssri_class_allergy_adds_no_caveat() -> None:
    doc = _chart("fl1_ssri_class_anaphylaxis_patient_view")
    allergy = doc["prefetch"]["allergyIntolerances"]["entry"][0]["resource"]
    allergy["criticality"] = "low"
    allergy["reaction"] = [
        {
            "manifestation": [
                {
                    "coding": [
                        {
                            "system": "http://snomed.info/sct",
                            "code": "271807003",
                            "display": "Eruption of skin",
                        }
                    ],
                    "text": "Rash",
                }
            ],
            "severity": "mild",
        }
    ]
    line = _switch_line(_cards(doc))
    assert "vortioxetine" in line
    assert "cross-sensitivity" not in line


# --- gepirone with a moderate CYP3A4 inhibitor -----------------------------------------------


def _running_text(doc: Doc, text: str) -> Doc:
    """The chart's one non-pathway drug (request and dispense, written as text) renamed."""
    for key in ("medicationRequests", "medicationDispenses"):
        for entry in doc["prefetch"][key]["entry"]:
            resource = entry["resource"]
            if "coding" not in resource["medicationCodeableConcept"]:
                resource["medicationCodeableConcept"] = {"text": text}
    return doc


@pytest.mark.real_drug_table
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("dronedarone 400 MG Oral Tablet", "dronedarone"),
        ("aprepitant 80 MG Oral Capsule", "aprepitant"),
    ],
)
def test_gepirone_with_a_moderate_cyp3a4_inhibitor_halves_the_dose(text: str, name: str) -> None:
    doc = _running_text(_chart("fl1_gepirone_draft_clarithromycin"), text)
    (card,) = of_topic(_cards(doc), INTERACTION)
    assert card["indicator"] == "warning"
    assert name in card["summary"]
    # The chart drafts 18.2 mg, the lowest strength: the half dose cannot be given, and the
    # summary says so (audit 17 W6); at 36.3 mg it halves the dose (test_audit17_gepirone_...).
    assert "18.2 mg (lowest strength) cannot be halved" in card["summary"]


@pytest.mark.real_drug_table
def test_repeat_card_line_no_longer_calls_ssri_on_snri_a_canmat_combination() -> None:
    # Epic's vendor chart: sertraline (failed) drafted while duloxetine runs. The line on the
    # repeat card said "CANMAT 2023 combines different mechanisms", as if SSRI + SNRI were one.
    chart = vendor_charts.ALL_CHARTS["epic_trd"]()
    request = vendor_charts.hook_request(chart, "order-select")
    result = evaluate_document(request, hook="order-select", as_of=chart.as_of, policy=Policy())
    details = [c["detail"] for c in result.response.to_json()["cards"]]
    (line,) = [d for d in details if "**Still running:** duloxetine" in d]
    assert "two serotonin reuptake inhibitors: serotonin-syndrome risk" in line
    assert "combines different mechanisms" not in line
