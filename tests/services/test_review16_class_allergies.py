"""Review 16 U1 and M5: allergies recorded against a drug class, and a class effect.

- c03: an Oracle Health class allergen "SSRIs" (text only, reaction anaphylaxis) and sertraline
  drafted at order-select. It gave `{"cards": []}`: the allergy was dropped as "not relevant".
  The draft now gets a critical card naming the allergy as written.
- c03b: the same allergy (criticality high) at patient-view. The switch list offered all five
  SSRIs; the class now leaves the options and is named once: "Not tolerated, never proposed:
  SSRIs (...)".
- Variants of c03: a class written in a coding's display, "tricyclic antidepressants" (the TCA
  class, not every antidepressant), a negated entry, a mild reaction (warning, not critical), and
  an allergen the service cannot place (named as a data gap, never dropped).
- c04: aripiprazole not tolerated (akathisia); the brexpiprazole one-click now says akathisia is a
  class effect of the D2 partial agonists (M5).
- c06: the coded sertraline allergy (control): still the not-tolerated card.

Charts: review 16's CDS Hooks requests (tests/services/review16_charts/, US Core shaped).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.intolerance import UNPLACED_ALLERGEN
from fhir_mapping.record import DataDomain
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic
from tests.services.item9_answers import answered

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review16_charts"
Doc = dict[str, Any]
NOT_TOLERATED = "order-not-tolerated"
OPTIMISE = "optimize-switch-augment"
SSRIS = ("citalopram", "escitalopram", "fluoxetine", "paroxetine", "sertraline")

_chart = chart_files.loader(CHARTS)
_at = Evaluator(AS_OF)
_evaluate = _at.cards_and_record


def _allergy(doc: Doc) -> Doc:
    found = [
        r
        for r in chart_files.prefetch_resources(doc)
        if r.get("resourceType") == "AllergyIntolerance"
    ]
    assert len(found) == 1
    return found[0]


def _switch_line(card: Doc) -> str:
    return next(p for p in card["detail"].split("\n\n") if p.startswith("**Switch:**"))


# --- c03: the draft of a drug of the allergic class -------------------------------------------


def test_c03_sertraline_draft_after_a_text_ssri_allergy_gets_a_critical_card() -> None:
    cards, _ = _evaluate(_chart("c03_ssri_class_allergy_text_draft_sertraline"))
    card = by_topic(cards)[NOT_TOLERATED]
    # Anaphylaxis recorded (criticality low on this chart): re-exposure can kill.
    assert card["indicator"] == "critical"
    assert "Sertraline is in a class with a documented allergy (SSRIs" in card["summary"]
    assert "Anaphylaxis" in card["summary"]
    assert "(documented intolerance: Anaphylaxis, 2024-01-10), recorded" in card["detail"]
    assert "AllergyIntolerance/11edeaf6-ee3b-5c1a-a61e-944d1659e0e4" not in card["detail"]


def test_c03_a_mild_class_reaction_is_a_warning() -> None:
    doc = _chart("c03_ssri_class_allergy_text_draft_sertraline")
    allergy = _allergy(doc)
    allergy["reaction"] = [{"manifestation": [{"text": "Nausea"}], "severity": "mild"}]
    cards, _ = _evaluate(doc)
    card = by_topic(cards)[NOT_TOLERATED]
    assert card["indicator"] == "warning"
    assert "(SSRIs: documented intolerance: Nausea" in card["summary"]


def test_c03_a_class_in_a_coding_display_is_read() -> None:
    doc = _chart("c03_ssri_class_allergy_text_draft_sertraline")
    # A class coding in a local allergen-group system (an Epic-style OID; the code is the
    # site's own): its display is read.
    _allergy(doc)["code"] = {
        "coding": [
            {
                "system": "urn:oid:1.2.840.114350.1.13.0.1.7.2.707000",
                "code": "10023",
                "display": "Selective Serotonin Reuptake Inhibitor",
            }
        ]
    }
    cards, _ = _evaluate(doc)
    assert "Selective Serotonin Reuptake Inhibitor" in by_topic(cards)[NOT_TOLERATED]["summary"]


def test_c03_a_negated_class_entry_names_nothing() -> None:
    doc = _chart("c03_ssri_class_allergy_text_draft_sertraline")
    _allergy(doc)["code"] = {"text": "No known SSRI allergy"}
    cards, record = _evaluate(doc)
    assert NOT_TOLERATED not in by_topic(cards)
    assert record.intolerances == ()
    assert not [g for g in record.gaps if g.domain is DataDomain.INTOLERANCES]


def test_tricyclic_antidepressants_is_the_tca_class_only() -> None:
    doc = _chart("c03_ssri_class_allergy_text_draft_sertraline")
    _allergy(doc)["code"] = {"text": "Tricyclic antidepressants"}
    cards, record = _evaluate(doc)
    held = {i.ingredient for i in record.intolerances}
    assert {"amitriptyline", "nortriptyline", "imipramine"} <= held
    assert "sertraline" not in held
    assert NOT_TOLERATED not in by_topic(cards)


def test_an_allergen_the_service_cannot_place_is_named_not_dropped() -> None:
    doc = _chart("c03b_ssri_class_allergy_text_patient_view")
    _allergy(doc)["code"] = {"text": "nerve pill - unknown which"}
    cards, record = _evaluate(doc)
    gaps = [g for g in record.gaps if g.reason == UNPLACED_ALLERGEN]
    assert len(gaps) == 1
    assert gaps[0].stated == "allergen 'nerve pill - unknown which'"
    detail = by_topic(cards)[OPTIMISE]["detail"]
    assert "nerve pill - unknown which" in detail


def test_a_coded_allergen_off_the_pathway_stays_quiet() -> None:
    doc = _chart("c03b_ssri_class_allergy_text_patient_view")
    _allergy(doc)["code"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "7980",
                "display": "penicillin G",
            }
        ],
        "text": "Penicillin",
    }
    _, record = _evaluate(doc)
    assert not [g for g in record.gaps if g.reason == UNPLACED_ALLERGEN]


@pytest.mark.parametrize(
    "text", ["Penicillin", "Sulfa drugs", "LATEX", "Peanuts", "codeine (nausea)"]
)
def test_a_text_allergen_off_the_pathway_is_not_an_unread_allergy(text: str) -> None:
    """Oracle Health sends allergens as text: a text-only penicillin (the most often recorded drug
    allergy), sulfa, latex or food allergy is no drug this service proposes, so it is not listed as
    an allergy the service could not read (noise on every such chart)."""
    doc = _chart("c03b_ssri_class_allergy_text_patient_view")
    _allergy(doc)["code"] = {"text": text}
    for reaction in _allergy(doc).get("reaction", []):
        reaction.pop("substance", None)
    cards, record = _evaluate(doc)
    assert not [g for g in record.gaps if g.reason == UNPLACED_ALLERGEN]
    assert text not in by_topic(cards)[OPTIMISE]["detail"]


# --- c03b: the switch list --------------------------------------------------------------------


def test_c03b_the_allergic_class_leaves_the_switch_options_and_is_named() -> None:
    cards, _ = _evaluate(_chart("c03b_ssri_class_allergy_text_patient_view"))
    card = by_topic(cards)[OPTIMISE]
    switch = _switch_line(card)
    assert not any(name in switch for name in SSRIS)
    assert (
        "**Not tolerated, never proposed:** SSRIs (documented allergy: Anaphylaxis, 2024-01-10)."
    ) in card["detail"]


# --- c04: a class effect on the one-click line (M5) -------------------------------------------


def test_c04_brexpiprazole_one_click_names_akathisia_as_a_class_effect() -> None:
    cards, _ = _evaluate(answered(_chart("c04_aripiprazole_allergy_augment_suggestions")))
    card = by_topic(cards)[OPTIMISE]
    labels = [s["label"] for s in card["suggestions"]]
    brex = next(label for label in labels if "brexpiprazole" in label)
    # Short on the label (audit 16 c04), in full in the order's note and on the card.
    assert "akathisia on aripiprazole 2024-01-10: class effect" in brex
    assert (
        "(watch: akathisia on aripiprazole (2024-01-10), a class effect of the D2" in card["detail"]
    )
    note = card["suggestions"][labels.index(brex)]["actions"][0]["resource"]["note"][0]["text"]
    assert "class effect of the D2 partial agonists" in note


def test_c04_without_akathisia_no_class_effect_note() -> None:
    doc = answered(_chart("c04_aripiprazole_allergy_augment_suggestions"))
    _allergy(doc)["reaction"] = [{"manifestation": [{"text": "Rash"}], "severity": "mild"}]
    cards, _ = _evaluate(doc)
    labels = [s["label"] for s in by_topic(cards)[OPTIMISE]["suggestions"]]
    assert not any("class effect" in label for label in labels)


# --- c06: control ------------------------------------------------------------------------------


def test_c06_a_coded_ingredient_allergy_still_names_the_drug() -> None:
    cards, _ = _evaluate(_chart("c06_sertraline_allergy_draft_sertraline_coded_scd"))
    card = by_topic(cards)[NOT_TOLERATED]
    assert card["summary"].startswith("Sertraline was documented as not tolerated")


def test_c06_a_coded_allergy_with_anaphylaxis_is_critical() -> None:
    doc = _chart("c06_sertraline_allergy_draft_sertraline_coded_scd")
    _allergy(doc)["reaction"] = [
        {
            "manifestation": [
                {
                    "coding": [
                        {
                            "system": "http://snomed.info/sct",
                            "code": "39579001",
                            "display": "Anaphylaxis",
                        }
                    ]
                }
            ],
            "severity": "severe",
        }
    ]
    cards, _ = _evaluate(doc)
    assert by_topic(cards)[NOT_TOLERATED]["indicator"] == "critical"
