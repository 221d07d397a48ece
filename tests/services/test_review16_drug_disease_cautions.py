"""Drug-disease cautions at the draft (review 16 W7, W8, M1), on review 16's own charts
(review16_charts/, Epic-shaped order-select requests, validated against fhir.resources R4B):

- W7 (f05): early-onset Alzheimer's disease (G30.0) at 62, donepezil running, paroxetine drafted:
  a warning naming the diagnosis, the anticholinergic load, the cholinesterase inhibitor it works
  against and antidepressants with little anticholinergic effect; at any age (the Beers card
  starts at 65). Sertraline drafted instead: no such card (noise).
- W8 (f06): quetiapine XR drafted with type 2 diabetes (E11.65) and HbA1c 8.9 %: a warning naming
  both, what the drug does, a lower-risk adjunct and the consensus monitoring; with the diabetes
  code taken off, the HbA1c alone still warns. Mirtazapine (f07) gets no such card.
- M1 (f03): nortriptyline drafted four weeks after an NSTEMI: the label contraindication is
  critical, and no "fine for titration" tip sits beside it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]
DRUG_DISEASE = "order-drug-disease"
CONTRAINDICATED = "order-drug-contraindicated"
BELOW = "order-dose-below-range"

_chart = chart_files.loader(Path(__file__).parent / "review16_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards
_by_topic = _at.by_topic


def _text(card: Doc) -> str:
    return f"{card['summary']}\n{card['detail']}"


def _drafts(doc: Doc) -> list[Doc]:
    return [
        e["resource"]
        for e in doc["context"]["draftOrders"].get("entry", [])
        if e["resource"]["resourceType"] == "MedicationRequest"
    ]


# --- W7: dementia and a strongly anticholinergic antidepressant ---------------------------------


def test_paroxetine_drafted_with_alzheimers_at_62_is_a_warning_naming_it() -> None:
    card = _by_topic(_chart("f05_dementia_draft_paroxetine"))[DRUG_DISEASE]
    assert card["indicator"] == "warning"
    text = _text(card)
    assert "dementia" in card["summary"] and "G30.0" in card["summary"]
    assert "anticholinergic" in card["summary"]
    assert "cholinesterase inhibitor" in text and "donepezil" in text
    assert "sertraline, escitalopram or mirtazapine" in text
    assert "AGS Beers 2023" in text


def test_sertraline_drafted_with_alzheimers_gets_no_drug_disease_card() -> None:
    doc = _chart("f05_dementia_draft_paroxetine")
    for draft in _drafts(doc):
        draft["medicationCodeableConcept"] = {
            "coding": [
                {
                    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                    "code": "312941",
                    "display": "sertraline 50 MG Oral Tablet",
                }
            ],
            "text": "sertraline 50 MG Oral Tablet",
        }
    assert DRUG_DISEASE not in _by_topic(doc)


# --- W8: a high metabolic-risk antipsychotic with diabetes --------------------------------------


def test_quetiapine_drafted_with_type_2_diabetes_names_it_the_hba1c_and_monitoring() -> None:
    card = _by_topic(_chart("f06_diabetes_draft_quetiapine_augment"))[DRUG_DISEASE]
    assert card["indicator"] == "warning"
    text = _text(card)
    assert "E11.65" in card["summary"] and "HbA1c 8.9 %" in card["summary"]
    assert "8.9 % on 2025-04-01" in text
    assert "glucose" in text and "aripiprazole" in text
    assert "week 12" in text  # the ADA/APA consensus monitoring (augmentation_monitoring.csv)
    assert "ADA/APA consensus 2004" in text


def test_a_diabetic_hba1c_with_no_diabetes_coded_still_warns() -> None:
    doc = _chart("f06_diabetes_draft_quetiapine_augment")
    entries = doc["prefetch"]["conditions"]["entry"]
    doc["prefetch"]["conditions"]["entry"] = [
        e for e in entries if "E11" not in str(e["resource"].get("code"))
    ]
    assert len(doc["prefetch"]["conditions"]["entry"]) < len(entries)
    card = _by_topic(doc)[DRUG_DISEASE]
    assert "HbA1c 8.9 %" in card["summary"] and "no diabetes coded" in card["detail"]


def test_mirtazapine_drafted_with_diabetes_gets_no_metabolic_warning() -> None:
    found = _by_topic(_chart("f07_diabetes_draft_mirtazapine"))
    assert DRUG_DISEASE not in found


# --- M1: a tricyclic in the acute recovery period after an MI -----------------------------------


def test_nortriptyline_after_a_recent_nstemi_is_critical_with_no_titration_tip() -> None:
    cards = _cards(_chart("f03_recent_mi_draft_nortriptyline"))
    by_topic = {c["source"]["topic"]["code"]: c for c in cards}
    card = by_topic[CONTRAINDICATED]
    assert card["indicator"] == "critical"
    assert "acute recovery period after myocardial infarction" in card["summary"]
    assert BELOW not in by_topic
    assert not any("fine for titration" in _text(c) for c in cards)
