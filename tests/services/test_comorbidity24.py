"""Review s24 RM (medical comorbidity), findings 1, 2, 3, 4 and 6.

- 1: a tricyclic drafted or running beside complete AV block (I44.2) or LBBB (I44.7) got no
  caution. A conduction-disease finding kind (fhir_mapping/data/condition_codes.csv) and a
  warning row per tricyclic (services/data/drug_cautions.csv, Roose 1987): the order's caution
  card and the running-drug card say it.
- 2: a sodium of 127 sent under an Epic local code only, text "Sodium", beside venlafaxine at 78
  was dropped without a word. The lab look-alike table names sodium (eGFR, creatinine, ALT, AST,
  QTc) with `unless` words ("urine sodium" is another test), and such a gap for a test a drug on
  screen is judged by goes to the data-quality card, naming the `[codes]` fix.
- 3: QTc 495 ms with a citalopram order was an information card: above 480 ms (ICH E14 middle
  band, lab_safety.csv qtc-warning) it is a warning naming the 500 ms stop line.
- 4: F50.9 eating disorder, unspecified with bupropion: a caveat asking whether it was anorexia
  or bulimia (condition_drug_rules.csv), at the order and on the switch list.
- 6: BP 178/106 with a phenelzine draft: the blood-pressure warning (blood_pressure_cautions.csv:
  Nardil, Parnate hypertensive crisis).

Charts: tests/services/comorbidity24_charts/ (built from the review's Epic-shaped charts, every
prefetch key).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.lab_lookalike import lab_named
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
CAUTION = "order-drug-caution"
RUNNING = "running-drug-caution"
QTC = "order-qtc"
BP = "order-blood-pressure"
QUALITY = "data-quality"
OPTIMISE = "optimize-switch-augment"

_DIR = Path(__file__).parent / "comorbidity24_charts"
_chart = chart_files.loader(_DIR)
_at = Evaluator(AS_OF)


def _cards(doc: Doc, hook: str | None = None) -> dict[str, Doc]:
    return by_topic(_at.cards(doc, hook))


@pytest.mark.parametrize("name", sorted(p.stem for p in _DIR.glob("*.json")))
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)
    for entry in doc["context"].get("draftOrders", {}).get("entry", []):
        get_fhir_model_class("MedicationRequest").model_validate(entry["resource"])


# --- finding 1: conduction disease and a tricyclic --------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        # Complete heart block (I44.2) is the high-grade kind now, a critical contraindication
        # (review s25 RO finding 2: tests/services/test_order_review25.py).
        ("lbbb_i447_nortriptyline_select", "I44.7"),
    ],
)
def test_tricyclic_order_beside_a_conduction_block_is_a_warning(name: str, code: str) -> None:
    card = _cards(_chart(name))[CAUTION]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Nortriptyline: slows cardiac conduction")
    assert f"ICD-10-CM {code}" in card["detail"]
    assert "Roose 1987" in card["detail"]


def test_running_tricyclic_beside_complete_heart_block_is_named_on_chart_open() -> None:
    card = _cards(_chart("heart_block_i442_nortriptyline_running_pv"))[RUNNING]
    assert card["summary"].startswith("Nortriptyline 50 mg/day")
    assert "Atrioventricular block, complete" in card["summary"]
    # The high-grade block's own line (review s25 RO finding 2).
    assert "contraindicated: heart block" in card["detail"]
    assert "review with cardiology now whether it should continue" in card["detail"]


def test_a_resolved_complete_block_is_a_history_warning_not_the_contraindication() -> None:
    """A high-grade block recorded as resolved is not the current block's contraindication, but
    no longer silence either (review s25 rk3 finding 6): a "history of heart block" warning."""
    doc = _chart("heart_block_i442_nortriptyline_select")
    for entry in doc["prefetch"]["conditions"]["entry"]:
        concept = entry["resource"]["code"]
        if any(c.get("code") == "I44.2" for c in concept.get("coding", [])):
            entry["resource"]["clinicalStatus"]["coding"][0]["code"] = "resolved"
            entry["resource"]["abatementDateTime"] = "2026-09-20"
    shown = _cards(doc)
    assert "order-drug-contraindicated" not in shown
    assert shown[CAUTION]["indicator"] == "warning"
    assert shown[CAUTION]["summary"].startswith("Nortriptyline: history of heart block")


# --- finding 2: a safety lab under a local code only ------------------------------------------


def _local_sodium(doc: Doc) -> Doc:
    for entry in doc["prefetch"]["labs"]["entry"]:
        if entry["resource"]["code"].get("text") == "Sodium":
            return entry["resource"]
    raise AssertionError("no local-code sodium")


def test_local_code_sodium_beside_venlafaxine_is_compared_and_named() -> None:
    # Since labs71 (finding 3) a local-coded sodium sent with its unit is compared by the
    # low-sodium card, "under a local code", and its gap named there, with the fix.
    cards = _cards(_chart("sodium127_local_code_only_78yo_venlafaxine_pv"))
    card = cards["running-drug-low-sodium"]
    assert card["summary"].startswith("Sodium 127 on 2026-11-20 under a local code")
    assert "named sodium under a code this service does not know" in card["detail"]
    assert "[codes]: map it to the test's LOINC code" in card["detail"]
    assert QUALITY not in cards


@pytest.mark.parametrize("text", ["Sodium, Urine", "Urine sodium", "Sodium bicarbonate"])
def test_other_tests_named_sodium_are_not_read_as_a_sodium(text: str) -> None:
    doc = _chart("sodium127_local_code_only_78yo_venlafaxine_pv")
    sodium = _local_sodium(doc)
    sodium["code"]["text"] = text
    sodium["code"]["coding"][0]["display"] = text.upper()
    assert QUALITY not in _cards(doc)


def test_a_sodium_bicarbonate_order_is_no_lab_gap() -> None:
    """A medication named with a sodium salt is a medication, never a lab look-alike."""
    doc = _chart("sodium127_local_code_only_78yo_venlafaxine_pv")
    labs = doc["prefetch"]["labs"]
    labs["entry"] = [e for e in labs["entry"] if e["resource"]["code"].get("text") != "Sodium"]
    labs["total"] = len(labs["entry"])
    meds = doc["prefetch"]["medicationRequests"]["entry"]
    bicarbonate = copy.deepcopy(meds[-1])
    resource = bicarbonate["resource"]
    resource["id"] = "sodium-bicarbonate-650"
    bicarbonate["fullUrl"] = (
        "https://ehr.example.org/fhir/R4/MedicationRequest/sodium-bicarbonate-650"
    )
    resource["medicationCodeableConcept"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "198304",
                "display": "sodium bicarbonate 650 MG Oral Tablet",
            }
        ],
        "text": "sodium bicarbonate 650 MG Oral Tablet",
    }
    meds.append(bicarbonate)
    assert QUALITY not in _cards(doc)


@pytest.mark.parametrize(
    ("text", "test"),
    [
        ("Sodium", "sodium"),
        ("SODIUM, SERUM", "sodium"),
        ("eGFR (CKD-EPI 2021)", "egfr"),
        ("Est GFR", "egfr"),
        ("ALT (SGPT)", "alt"),
        ("Creatinine", "creatinine"),
        ("Q-T interval corrected", "qtc"),
        ("QTC", "qtc"),
        ("TSH", "tsh"),
        ("Sodium, 24 hour urine", None),
        ("Fractional excretion of sodium", None),
        ("Sodium Chloride 0.9% IV", None),
        ("EGFR mutation analysis", None),
        ("Albumin/Creatinine Ratio, Urine", None),
        # Not a creatinine; since lab61 named as the creatinine clearance it is (read by LOINC).
        ("Creatinine clearance", "crcl"),
        ("AST/ALT ratio", None),
        ("QT interval", None),
        ("Salt intake", None),
    ],
)
def test_lab_lookalike_names(text: str, test: str | None) -> None:
    resource = {
        "resourceType": "Observation",
        "code": {
            "coding": [{"system": "urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.13", "code": "1"}],
            "text": text,
        },
    }
    assert lab_named(resource) == test


# --- finding 3: QTc in the 480 ms band ---------------------------------------------------------


def _qtc(doc: Doc, value: float) -> Doc:
    for key in ("labs", "observations", "vitals"):
        for entry in doc["prefetch"].get(key, {}).get("entry", []):
            resource = entry["resource"]
            if any(c.get("code") == "8636-3" for c in resource["code"].get("coding", [])):
                resource["valueQuantity"]["value"] = value
                return doc
    raise AssertionError("no QTc")


def test_qtc_495_at_a_citalopram_order_is_a_warning_near_the_stop_line() -> None:
    card = _cards(_chart("qtc495_68yo_citalopram40_select"))[QTC]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Citalopram 40 mg/day with QTc 495 ms on 2026-11-10: above 480 ms, close to the 500 ms line where "
        "the label says to stop it"
    )
    assert "prefer an antidepressant that does not prolong the QT interval" in card["detail"]


def test_qtc_470_stays_an_information_card() -> None:
    card = _cards(_qtc(_chart("qtc495_68yo_citalopram40_select"), 470))[QTC]
    assert card["indicator"] == "info"
    assert card["summary"] == "Citalopram 40 mg/day with QTc 470 ms on 2026-11-10: above 450 ms"


# --- finding 4: an eating disorder without its type -------------------------------------------


def test_unspecified_eating_disorder_with_bupropion_asks_which_it_was() -> None:
    card = _cards(_chart("eating_disorder_unspecified_f509_bupropion_select"))[CAUTION]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith(
        "Bupropion: ask whether the eating disorder was anorexia or bulimia"
    )
    assert "ICD-10-CM F50.9" in card["detail"]
    assert "contraindicated" not in card["summary"]


def test_unspecified_eating_disorder_is_named_beside_bupropion_on_the_switch_list() -> None:
    doc = _chart("eating_disorder_unspecified_f509_bupropion_select")
    doc["context"].pop("draftOrders")
    doc["context"].pop("selections")
    doc["hook"] = "patient-view"
    card = _cards(doc)[OPTIMISE]
    assert (
        "**Bupropion, if considered:** ask whether the eating disorder was anorexia"
        in (card["detail"])
    )


# --- finding 6: an MAOI with uncontrolled blood pressure --------------------------------------


def test_phenelzine_with_uncontrolled_blood_pressure_gets_the_blood_pressure_warning() -> None:
    cards = _cards(_chart("bp178_106_phenelzine_select"))
    card = cards[BP]
    assert card["summary"].startswith(
        "Phenelzine 15 mg/day ordered with blood pressure 178/106 mm Hg"
    )
    assert "hypertensive crises" in card["detail"]
    assert "Nardil label" in card["detail"]


def test_phenelzine_with_normal_blood_pressure_gets_no_blood_pressure_card() -> None:
    doc = _chart("bp178_106_phenelzine_select")
    for entry in doc["prefetch"]["vitals"]["entry"]:
        for component in entry["resource"].get("component", []):
            code = component["code"]["coding"][0]["code"]
            component["valueQuantity"]["value"] = 78 if code == "8462-4" else 128
    assert BP not in _cards(doc)


def test_isocarboxazid_with_uncontrolled_blood_pressure_names_its_label_contraindication() -> None:
    """Session 25 FV: the Marplan label contraindicates isocarboxazid with hypertension (MPR,
    drugs.com and patient monographs agree), which the row had recalled as "measure blood pressure
    before and during"; the phenelzine chart's draft is swapped for isocarboxazid 10 mg (RxNorm
    SCD 104837, ../shared/clinical/antidepressant_scd_to_ingredient.csv)."""
    doc = _chart("bp178_106_phenelzine_select")
    draft = doc["context"]["draftOrders"]["entry"][0]["resource"]["medicationCodeableConcept"]
    draft["coding"][0].update(code="104837", display="isocarboxazid 10 MG Oral Tablet")
    draft["text"] = "isocarboxazid 10 MG Oral Tablet"
    card = _cards(doc)[BP]
    assert card["summary"].startswith(
        "Isocarboxazid up to 15 mg/day ordered with blood pressure 178/106 mm Hg"
    )
    assert "contraindicated by its label in hypertension" in card["detail"]
    assert "(Marplan label, Contraindications and Warnings)" in card["detail"]
    assert "choose an antidepressant without a blood-pressure warning" in card["detail"]
