"""Review 16 recheck: allergies (U-a, W-b and the allergy minors a02, a04, a06, a07, a08, a10).

- U-a: an escitalopram allergy (coded RxNorm 321988, or the brand "Lexapro" in text) held no
  citalopram draft, nor the reverse: escitalopram is citalopram's S-enantiomer and the Lexapro
  label contraindicates hypersensitivity to either (data/allergy_cross_reactions.csv; Pristiq:
  desvenlafaxine with a venlafaxine allergy).
- W-b: the `allergyIntolerances` prefetch answered by a bare OperationOutcome (forbidden) and an
  antidepressant drafted: no card. Now a warning that the draft was not checked against them.
- a06: "fine for titration" beside a critical class-allergy card; a07: an SSRI allergy and a
  vilazodone draft (an SSRI and 5-HT1A partial agonist); a04: an "Antidepressants" entry from
  2018 with sertraline taken since 2022 and "no first-line agent is left"; a08: a codeine allergy
  listed as "never proposed"; a02: an intolerance summarised as an allergy; a10: "welbutrin"
  called an intolerance record that could not be read.

Charts: the recheck's CDS Hooks requests (tests/services/recheck16_charts/, US Core shaped).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "recheck16_charts"
Doc = dict[str, Any]
NOT_TOLERATED = "order-not-tolerated"
BELOW = "order-dose-below-range"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"

_chart = chart_files.loader(CHARTS)
_at = Evaluator(AS_OF)
_cards = _at.cards


def _allergy(doc: Doc) -> Doc:
    allergy: Doc = doc["prefetch"]["allergyIntolerances"]["entry"][0]["resource"]
    return allergy


def _draft(doc: Doc) -> Doc:
    draft: Doc = doc["context"]["draftOrders"]["entry"][0]["resource"]
    return draft


def _set_drug(concept: Doc, code: str, display: str, text: str) -> None:
    concept.clear()
    concept.update({"coding": [{"system": RXNORM, "code": code, "display": display}], "text": text})


# --- U-a: enantiomers and metabolites --------------------------------------------------------------


def test_coded_escitalopram_anaphylaxis_holds_a_citalopram_draft_critical() -> None:
    card = by_topic(_cards(_chart("a03c_escitalopram_coded_allergy_draft_citalopram")))[
        NOT_TOLERATED
    ]
    assert card["indicator"] == "critical"
    # The reaction leads a severe card's summary (recheck 2 of review 16, a03).
    assert card["summary"].startswith("Escitalopram: anaphylaxis on record (allergy, ")
    assert "citalopram contains escitalopram (its S-enantiomer)" in card["summary"]
    assert "(documented allergy: Anaphylaxis, 2024-01-10)" in card["detail"]
    assert "AllergyIntolerance/4d4588f8-2e6b-56d3-95f9-a7948e131ff6" not in card["detail"]


def test_lexapro_brand_allergy_holds_a_citalopram_draft() -> None:
    card = by_topic(_cards(_chart("a03b_lexapro_brand_allergy_draft_citalopram")))[NOT_TOLERATED]
    assert "citalopram contains escitalopram" in card["summary"]
    assert card["indicator"] == "critical"  # criticality high


def test_citalopram_allergy_holds_an_escitalopram_draft() -> None:
    doc = _chart("a03c_escitalopram_coded_allergy_draft_citalopram")
    _set_drug(_allergy(doc)["code"], "2556", "citalopram", "CITALOPRAM")
    _set_drug(
        _draft(doc)["medicationCodeableConcept"],
        "349332",
        "escitalopram 10 MG Oral Tablet",
        "escitalopram 10 MG Oral Tablet",
    )
    card = by_topic(_cards(doc))[NOT_TOLERATED]
    # The chart's allergy is anaphylaxis: named first (recheck 2 of review 16, a03).
    assert card["summary"].startswith("Citalopram: anaphylaxis on record")
    assert "escitalopram is the S-enantiomer of citalopram" in card["summary"]


def _venlafaxine_allergy_desvenlafaxine_draft() -> Doc:
    doc = _chart("a03c_escitalopram_coded_allergy_draft_citalopram")
    _set_drug(_allergy(doc)["code"], "39786", "venlafaxine", "VENLAFAXINE")
    _set_drug(
        _draft(doc)["medicationCodeableConcept"],
        "790288",
        "24 HR desvenlafaxine 50 MG Extended Release Oral Tablet",
        "desvenlafaxine 50 MG 24 HR tablet",
    )
    return doc


def test_venlafaxine_allergy_holds_a_desvenlafaxine_draft() -> None:
    doc = _venlafaxine_allergy_desvenlafaxine_draft()
    # The chart's venlafaxine course (2025, after the 2024 allergy) taken out: the allergy stands.
    for key in ("medicationRequests", "medicationDispenses"):
        doc["prefetch"][key] = {"resourceType": "Bundle", "type": "searchset"}
    card = by_topic(_cards(doc))[NOT_TOLERATED]
    assert "desvenlafaxine is the active metabolite of venlafaxine" in card["summary"]


def test_relative_taken_since_the_allergy_holds_nothing() -> None:
    # Venlafaxine has run since 2025-01-06, after the 2024 entry: tolerated since, so neither it
    # nor its metabolite is held back by that entry.
    cards = _cards(_venlafaxine_allergy_desvenlafaxine_draft())
    assert not any("active metabolite" in c["summary"] for c in cards)


# --- W-b: allergies withheld at a draft ------------------------------------------------------------


def test_allergies_withheld_at_an_antidepressant_draft_are_said() -> None:
    card = by_topic(_cards(_chart("f03_allergies_forbidden_whole_value")))[NOT_TOLERATED]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Allergies could not be read: sertraline was not checked")
    # In plain words, the error code kept (review 16 second recheck a05).
    assert "The EHR's search for the list failed (forbidden)." in card["detail"]


def test_allergies_read_give_no_such_card() -> None:
    doc = _chart("f03_allergies_forbidden_whole_value")
    doc["prefetch"]["allergyIntolerances"] = {"resourceType": "Bundle", "type": "searchset"}
    assert NOT_TOLERATED not in by_topic(_cards(doc))


# --- the allergy minors ----------------------------------------------------------------------------


def test_no_titration_tip_beside_a_critical_class_allergy() -> None:
    topics = by_topic(_cards(_chart("a06_tca_class_anaphylaxis_draft_nortriptyline")))
    assert topics[NOT_TOLERATED]["indicator"] == "critical"
    assert BELOW not in topics


def test_ssri_class_allergy_holds_a_vilazodone_draft() -> None:
    card = by_topic(_cards(_chart("a07_ssri_allergy_draft_vilazodone")))[NOT_TOLERATED]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Vilazodone is in a class with a documented allergy (SSRIs")
    assert "5-HT1A receptor partial agonist" in card["detail"]


def test_class_allergy_contradicted_by_years_of_sertraline_is_named() -> None:
    cards = _cards(_chart("a04_antidepressant_allergy_on_sertraline_for_years"))
    text = "\n".join(c["detail"] for c in cards)
    assert "No first-line agent of another mechanism is left" not in text
    assert "a later course contradicts that entry" in text
    assert (
        "The allergy entry 'Antidepressants' (2018-05-01) is contradicted by sertraline taken since "
        "2022-01-03 with no reaction recorded: reconcile the entry with the patient"
    ) in text


def test_codeine_allergy_is_not_listed_as_never_proposed() -> None:
    cards = _cards(_chart("a08_codeine_text_allergy_trd_patient_view"))
    text = "\n".join(c["detail"] for c in cards)
    assert "codeine" not in text.lower()
    assert "Not tolerated, never proposed" not in text


def test_class_intolerance_is_summarised_as_an_intolerance() -> None:
    card = by_topic(_cards(_chart("a02_ssri_intolerance_nausea_mild")))[NOT_TOLERATED]
    assert card["indicator"] == "warning"
    assert "in a class with a documented intolerance (SSRI intolerance" in card["summary"]
    assert "documented allergy" not in card["summary"]
    assert card["detail"].startswith("**Documented class intolerance:**")


def test_unplaced_allergen_is_named_as_an_allergy_entry() -> None:
    cards = _cards(_chart("a10_wellbutrin_misspelled_text_allergy"))
    text = "\n".join(c["detail"] for c in cards)
    assert "intolerance record could not be read" not in text
    assert (
        "1 allergy entry the service could not place (allergen text not matched to a drug it "
        "knows: check it before prescribing): the allergy entry"
    ) in text
    assert "(allergen 'welbutrin')" in text
