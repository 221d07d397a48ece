"""Review 15 W3, M1 and W5: formulation dose ceilings at the order, and an antidepressant ordered
only as needed at chart open.

- W3: bupropion SR 150 mg three times daily (450 mg/day) and IR 2 x 100 mg twice daily (200 mg a
  dose) passed the drug row's 450 mg/day in silence; the SR label stops at 400 mg/day and 200 mg
  a dose, IR at 150 mg a dose (fhir_mapping/data/formulations.csv).
- M1: paroxetine CR 62.5 mg/day was "above the usual maximum of 50" (the IR maximum); the CR
  ceiling is 62.5. Venlafaxine IR 300 keeps its usual-maximum card and names the label's 375 for
  more severely depressed inpatients; above 375 the card names that maximum.
- W5: sertraline 50 mg "as needed" for 26 weeks with PHQ-9 18 gave no card (the course waited
  for ever to become a trial); the optimise card names it and proposes a daily dose.

Charts: review 15's CDS Hooks requests (tests/services/review15_charts/, US Core shaped, built
from tests/fixtures/builders.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.formulations import formulation_of
from tests.services import chart_files
from tests.services.helpers import Evaluator

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review15_charts"
ABOVE = "order-dose-above-range"
OPTIMISE = "optimize-switch-augment"
Doc = dict[str, Any]

_chart = chart_files.loader(CHARTS)
_at = Evaluator(AS_OF)
_cards = _at.by_topic


def _draft(doc: Doc) -> Doc:
    resource: Doc = doc["context"]["draftOrders"]["entry"][0]["resource"]
    return resource


def _set_dose(doc: Doc, tablets: float, per_day: int) -> None:
    dosage = _draft(doc)["dosageInstruction"][0]
    dosage["text"] = f"Take {tablets:g} tablet(s) by mouth {per_day} times daily"
    dosage["timing"]["repeat"]["frequency"] = per_day
    dosage["doseAndRate"][0]["doseQuantity"]["value"] = tablets


def _set_product(doc: Doc, rxcui: str, display: str) -> None:
    _draft(doc)["medicationCodeableConcept"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": rxcui,
                "display": display,
            }
        ],
        "text": display,
    }


# --- W3: bupropion SR, IR and XL ------------------------------------------------------------------


@pytest.mark.real_drug_table
def test_bupropion_sr_above_its_400_mg_maximum() -> None:
    card = _cards(_chart("c01_bupropion_sr_450_draft"))[ABOVE]
    assert card["indicator"] == "warning"
    assert "Bupropion SR 450 mg/day is above the SR maximum of 400 mg/day" in card["summary"]
    assert "seizure" in card["summary"]
    assert "400 mg/day and 200 mg a dose (bupropion SR label)" in card["detail"]


@pytest.mark.real_drug_table
def test_bupropion_sr_at_its_maximum_gets_no_ceiling_card() -> None:
    doc = _chart("c01_bupropion_sr_450_draft")
    _set_product(doc, "993536", "12 HR bupropion hydrochloride 200 MG Extended Release Oral Tablet")
    _set_dose(doc, 1, 2)  # 200 mg twice daily: the SR label's maximum, 200 mg a dose
    assert ABOVE not in _cards(doc)


@pytest.mark.real_drug_table
def test_bupropion_ir_single_dose_above_150_mg() -> None:
    card = _cards(_chart("c02_bupropion_ir_single_dose_200"))[ABOVE]
    assert (
        "Bupropion IR 200 mg a dose is above the IR single-dose limit of 150 mg"
        in (card["summary"])
    )
    assert "400 mg/day is ordered as 200 mg a dose" in card["detail"]


@pytest.mark.real_drug_table
def test_bupropion_ir_in_100_mg_doses_gets_no_card() -> None:
    doc = _chart("c02_bupropion_ir_single_dose_200")
    _set_dose(doc, 1, 4)  # 100 mg four times daily: 400 mg/day, 100 mg a dose
    assert ABOVE not in _cards(doc)


@pytest.mark.real_drug_table
def test_bupropion_xl_twice_daily_above_450() -> None:
    doc = _chart("c01_bupropion_sr_450_draft")
    _set_product(doc, "993557", "24 HR bupropion hydrochloride 300 MG Extended Release Oral Tablet")
    _set_dose(doc, 1, 2)  # 600 mg/day
    card = _cards(doc)[ABOVE]
    assert "Bupropion XL 600 mg/day is above the XL maximum of 450 mg/day" in card["summary"]


def test_formulation_read_from_text_without_a_code() -> None:
    sr = {
        "resourceType": "MedicationRequest",
        "medicationCodeableConcept": {"text": "Wellbutrin SR 150 mg tablet"},
    }
    plain = {
        "resourceType": "MedicationRequest",
        "medicationCodeableConcept": {"text": "buPROPion 150 mg tablet"},
    }
    found = formulation_of("bupropion", sr, None)
    assert found is not None and found.key == "bupropion-sr"
    # No release word: not read as IR; the drug row's own ceiling applies.
    assert formulation_of("bupropion", plain, None) is None


# --- M1: paroxetine CR, venlafaxine IR ------------------------------------------------------------


@pytest.mark.real_drug_table
def test_paroxetine_cr_62_5_is_within_its_label() -> None:
    assert ABOVE not in _cards(_chart("c04_paroxetine_cr_62_5_draft"))


@pytest.mark.real_drug_table
def test_paroxetine_cr_above_62_5() -> None:
    doc = _chart("c04_paroxetine_cr_62_5_draft")
    _set_dose(doc, 6, 1)  # 6 x 12.5 = 75 mg/day
    card = _cards(doc)[ABOVE]
    assert "Paroxetine CR 75 mg/day is above the CR maximum of 62.5 mg/day" in card["summary"]


@pytest.mark.real_drug_table
def test_venlafaxine_ir_300_names_the_inpatient_maximum() -> None:
    card = _cards(_chart("c03_venlafaxine_ir_300_inpatient"))[ABOVE]
    assert "Venlafaxine 300 mg/day is above the usual maximum of 225 mg/day" in card["summary"]
    assert "up to 375 mg/day in more severely depressed inpatients" in card["detail"]


@pytest.mark.real_drug_table
def test_venlafaxine_ir_above_375() -> None:
    doc = _chart("c03_venlafaxine_ir_300_inpatient")
    _set_dose(doc, 1.5, 3)  # 150 mg three times daily: 450 mg/day
    card = _cards(doc)[ABOVE]
    assert "above the labelled maximum of 375 mg/day" in card["summary"]
    assert "inpatients" not in card["detail"].split("reserved to")[0]


# --- W5: an antidepressant ordered only as needed -------------------------------------------------


@pytest.mark.real_drug_table
def test_as_needed_sertraline_with_phq9_18_gets_the_optimise_card() -> None:
    card = _cards(_chart("c09_sertraline_prn_anxiety"))[OPTIMISE]
    assert card["summary"].startswith(
        "Sertraline is ordered as needed (not a daily dose: not a trial); PHQ-9 18 on 2025-05-19"
    )
    assert "**Ordered as needed:** sertraline 50 mg as needed since 2024-12-02" in card["detail"]
    (suggestion,) = card["suggestions"]
    assert suggestion["label"] == "Order sertraline 50 mg/day as a daily dose"
    resource = suggestion["actions"][0]["resource"]
    assert resource["dosageInstruction"][0]["text"].startswith("sertraline 50 mg/day")


@pytest.mark.real_drug_table
def test_daily_sertraline_is_a_failed_trial_not_an_as_needed_order() -> None:
    """The same course taken daily is 26 weeks at an adequate dose with PHQ-9 19 -> 18: a failed
    trial, and the card says so, not "ordered as needed"."""
    doc = _chart("c09_sertraline_prn_anxiety")
    for resource in chart_files.prefetch_resources(doc):
        for dosage in resource.get("dosageInstruction", []) + resource.get("dosage", []):
            dosage["asNeededBoolean"] = False
            dosage["text"] = dosage.get("text", "").replace(" as needed for anxiety", "")
    summary = _cards(doc)[OPTIMISE]["summary"]
    assert summary.startswith("1 adequate trial failed (sertraline)")
    assert "as needed" not in summary
