"""Review 18a U1 and M1: an RxNorm code the drug tables do not hold, with no name, must not drop
a running antidepressant in silence.

- U1: escitalopram 20 mg running 21 weeks, coded only by the brand product (SBD) 352273 with no
  display or text, was read as "a drug, just not on the pathway": at a phenelzine draft no card
  (the same chart coded by the SCD gets the critical MAOI washout card), at patient-view one failed
  trial fewer and no TMS card. The Lexapro SBDs are now in the table (m07, m07b read as the SCD
  control m07c_ctl_scd), and a code the tables still do not hold (m07d: 104849, a Prozac SBD in one
  public source, not added) is "not identified", named with its code, as an NDC alone is.
- M1: at an order whose MAOI washout check reads the running drugs, the records not identified
  are said to be left out of that check (m07c_ctl_ndc, m07d), in the card's summary and its
  "Data not read" block.
- Noise: a code the tables do not hold WITH a display naming a drug off the pathway (m07e:
  atorvastatin) stays quiet, as before, when its order states another reason, and when it states
  depression (fix meds48: a name holding a drug known not to be an antidepressant is that drug;
  meds47 had read it as not identified).

Charts: tests/services/review18a_charts/ (full CDS Hooks requests with every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.drug_concept import UNKNOWN_CODE, names_a_drug, unknown_codes, unread_reason
from fhir_mapping.drug_vocabulary import _products
from fhir_mapping.medication_drug import MEDICATION_UNKNOWN_CODE, read_drug
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
HERE = Path(__file__).parent
Doc = dict[str, Any]
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
QUALITY = "data-quality"
MAOI_CARD = "Phenelzine (MAOI) ordered while escitalopram is running"

_chart = chart_files.loader(HERE / "review18a_charts")


def _cards(doc: Doc, hook: str | None = None) -> list[Doc]:
    if hook is not None and hook != doc["hook"]:
        doc = dict(doc, hook=hook)
        doc["context"] = {k: v for k, v in doc["context"].items() if k not in ("draftOrders",)}
        doc["context"].pop("selections", None)
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    found: list[Doc] = result.response.to_json()["cards"]
    return found


def _summaries(cards: list[Doc]) -> list[str]:
    return [c["summary"] for c in cards]


def _quality(cards: list[Doc]) -> Doc:
    found = [c for c in cards if c["source"]["topic"]["code"] == QUALITY]
    assert len(found) == 1, _summaries(cards)
    return found[0]


# --- the brand products of the pathway antidepressants, read as their SCDs ----------------------


def test_sbd_only_escitalopram_beside_a_phenelzine_draft_gets_the_maoi_card() -> None:
    cards = _cards(_chart("m07b_sbd_only_escitalopram_draft_phenelzine"))
    control = _cards(_chart("m07c_ctl_scd_escitalopram_draft_phenelzine"))
    assert any(s.startswith(MAOI_CARD) for s in _summaries(cards))
    maoi = next(c for c in cards if c["summary"].startswith(MAOI_CARD))
    assert maoi["indicator"] == "critical"
    assert _summaries(cards) == _summaries(control)


def test_sbd_coded_escitalopram_counts_as_a_failed_trial_at_patient_view() -> None:
    summaries = _summaries(_cards(_chart("m07_rxnorm_sbd_bn_no_text")))
    assert any("2 adequate trials failed (sertraline, escitalopram)" in s for s in summaries)
    assert any("consider TMS referral" in s for s in summaries)


@pytest.mark.parametrize(
    ("rxcui", "ingredient", "mg"),
    [
        ("404408", "escitalopram", 5.0),
        ("352272", "escitalopram", 10.0),
        ("352273", "escitalopram", 20.0),
        ("596928", "duloxetine", 20.0),
        ("596932", "duloxetine", 30.0),
        ("615186", "duloxetine", 60.0),
        ("205535", "fluoxetine", 10.0),
    ],
)
def test_brand_product_codes_alone_read_as_their_drug_and_strength(
    rxcui: str, ingredient: str, mg: float
) -> None:
    order = {
        "resourceType": "MedicationRequest",
        "id": "x",
        "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": rxcui}]},
    }
    components, reason, _ = read_drug(order, {})
    assert reason is None
    assert [(c.ingredient, c.strength_mg) for c in components] == [(ingredient, mg)]


# --- a code the tables do not hold, with no name: not identified ---------------------------------

UNKNOWN = "104849"


def test_the_unknown_code_of_chart_m07d_is_not_in_the_tables() -> None:
    assert UNKNOWN not in _products()


def test_an_unknown_rxnorm_code_alone_names_no_drug_and_is_named_in_the_reason() -> None:
    concept = {"coding": [{"system": RXNORM, "code": UNKNOWN}]}
    assert not names_a_drug(concept)
    assert unread_reason(concept) == UNKNOWN_CODE
    assert unknown_codes(concept) == f"RxNorm {UNKNOWN}"
    # Under its OID, as C-CDA conversions write it (vendor README trap 2).
    oid = {"coding": [{"system": "urn:oid:2.16.840.1.113883.6.88", "code": UNKNOWN}]}
    assert not names_a_drug(oid)
    # A display or a text naming any drug: named (read as off the pathway when it is).
    named = {"coding": [{"system": RXNORM, "code": UNKNOWN, "display": "atorvastatin 20 MG"}]}
    assert names_a_drug(named)
    assert names_a_drug({"coding": [{"system": RXNORM, "code": UNKNOWN}], "text": "Lipitor"})


def test_a_referenced_medication_with_an_unknown_code_alone_is_not_identified() -> None:
    medication = {
        "resourceType": "Medication",
        "id": "med1",
        "code": {"coding": [{"system": RXNORM, "code": UNKNOWN}]},
    }
    order = {
        "resourceType": "MedicationRequest",
        "id": "x",
        "medicationReference": {"reference": "Medication/med1"},
    }
    components, reason, _ = read_drug(order, {"med1": medication})
    assert components == ()
    assert reason == MEDICATION_UNKNOWN_CODE


def test_unknown_code_only_running_drug_at_a_phenelzine_draft_says_the_maoi_check_is_incomplete() -> (
    None
):
    cards = _cards(_chart("m07d_unknown_rxnorm_only_draft_phenelzine"))
    card = _quality(cards)
    assert card["summary"] == (
        "1 medication order and its 5 fills could not be identified: the MAOI washout and interaction checks "
        "could not include them"
    )
    assert f"(RxNorm {UNKNOWN})" in card["detail"]
    assert "a drug code this service's drug tables do not hold" in card["detail"]
    assert (
        "The MAOI washout and interaction checks at this order could not include the medication records above "
        "whose drug was not identified: check what the patient takes now" in card["detail"]
    )


def test_unknown_code_only_running_drug_at_patient_view_is_said_not_read() -> None:
    cards = _cards(_chart("m07d_unknown_rxnorm_only_draft_phenelzine"), hook="patient-view")
    # The optimise card counts one failed trial: it lists the records it was judged without,
    # named with their code (before, "every relevant resource was read").
    optimise = next(c for c in cards if c["source"]["topic"]["code"] == "optimize-switch-augment")
    # One order and its five fills: one medication, not six (audit 18).
    assert "1 medication order and its 5 fills could not be read" in optimise["detail"]
    assert f"(RxNorm {UNKNOWN})" in optimise["detail"]
    # No order, no order check to call incomplete.
    assert not any("MAOI washout check" in c["detail"] for c in cards)


def test_a_draft_coded_by_an_unknown_rxnorm_code_alone_is_an_unidentified_draft() -> None:
    doc = _chart("m07c_ctl_scd_escitalopram_draft_phenelzine")
    for entry in doc["context"]["draftOrders"]["entry"]:
        entry["resource"]["medicationCodeableConcept"] = {
            "coding": [{"system": RXNORM, "code": UNKNOWN}]
        }
    summaries = _summaries(_cards(doc))
    assert any("drug not identified" in s for s in summaries), summaries


# --- M1: NDC-only records at an MAOI draft ---------------------------------------------------------


def test_ndc_only_running_drug_at_a_phenelzine_draft_says_the_maoi_check_is_incomplete() -> None:
    card = _quality(_cards(_chart("m07c_ctl_ndc_escitalopram_draft_phenelzine")))
    assert card["summary"] == (
        "1 medication order and its 5 fills could not be identified: the MAOI washout and interaction checks "
        "could not include them"
    )
    assert "NDC code only" in card["detail"]
    # At an MAOI draft the washout check could not run on them: critical, as the MAOI card is.
    assert card["indicator"] == "critical"


def test_ndc_only_running_drug_at_a_low_dose_phenelzine_draft_stays_critical_alone() -> None:
    # Recheck 18b U1: at phenelzine 15 mg once daily the draft draws its own info card ("below
    # the minimum adequate dose"); the washout check that could not run was one line inside it.
    doc = _chart("m07c_ctl_ndc_escitalopram_draft_phenelzine")
    for entry in doc["context"]["draftOrders"]["entry"]:
        dosage = entry["resource"]["dosageInstruction"][0]
        dosage["text"] = "Take 1 tablet (15 mg) by mouth once daily"
        dosage["timing"]["repeat"]["frequency"] = 1
    cards = _cards(doc)
    card = _quality(cards)
    assert card["indicator"] == "critical"
    assert "the MAOI washout and interaction checks could not include them" in card["summary"]
    others = [c for c in cards if c is not card]
    assert not any("could not be identified" in c["detail"] for c in others), _summaries(cards)


def test_ndc_only_running_drug_at_an_ssri_draft_stays_a_warning() -> None:
    doc = _chart("m07c_ctl_ndc_escitalopram_draft_phenelzine")
    for entry in doc["context"]["draftOrders"]["entry"]:
        entry["resource"]["medicationCodeableConcept"] = {
            "coding": [
                {"system": RXNORM, "code": "312941", "display": "sertraline 50 MG Oral Tablet"}
            ],
            "text": "sertraline 50 MG Oral Tablet",
        }
    cards = _cards(doc)
    saying = [
        c
        for c in cards
        if "checks at this order could not include the medication records above" in c["detail"]
    ]
    assert saying, _summaries(cards)
    assert not any(c["indicator"] == "critical" for c in cards), _summaries(cards)


# --- noise: a display naming a drug off the pathway stays quiet ------------------------------------


_M07E = "m07e_unknown_rxnorm_atorvastatin_display_draft_phenelzine"
_ATORVASTATIN = "5f0e2c1a-7b3d-4e59-9a61-2d8f4c0b7e13"
# What an Epic order of a statin states as its reason (fix meds47: the chart's atorvastatin order
# pointed at the depression Condition, as every order of its builder did).
_HYPERLIPIDEMIA = {
    "coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "E78.5"}],
    "text": "Hyperlipidemia",
}


def _atorvastatin_for(doc: Doc, reason: Doc) -> Doc:
    for entry in doc["prefetch"]["medicationRequests"]["entry"]:
        if entry["resource"]["id"] == _ATORVASTATIN:
            entry["resource"].pop("reasonReference")
            entry["resource"]["reasonCode"] = [reason]
    return doc


def test_an_unknown_code_with_an_off_pathway_display_stays_quiet() -> None:
    cards = _cards(_atorvastatin_for(_chart(_M07E), _HYPERLIPIDEMIA))
    control = _cards(_chart("m07c_ctl_scd_escitalopram_draft_phenelzine"))
    assert _summaries(cards) == _summaries(control)
    assert not any(c["source"]["topic"]["code"] == QUALITY for c in cards)


def test_an_unknown_code_with_a_known_other_drug_ordered_for_depression_stays_quiet() -> None:
    # Fix meds48: the chart as sent (its atorvastatin order points at the depression Condition,
    # as Epic attaches the visit's diagnosis to every order) names a drug known not to be an
    # antidepressant (fhir_mapping/non_antidepressant_names.py): off the pathway, no data-quality
    # card at the phenelzine draft (meds47 had made it one).
    cards = _cards(_chart(_M07E))
    control = _cards(_chart("m07c_ctl_scd_escitalopram_draft_phenelzine"))
    assert _summaries(cards) == _summaries(control)
    assert not any(c["source"]["topic"]["code"] == QUALITY for c in cards)
