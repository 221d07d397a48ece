"""Review s28 RJ findings 1-4 on the RJ charts (labs28_charts: RJ's Bundles as patient-view
requests with all 19 prefetch keys, as of 2025-06-01): a free T4 in pmol/L, results sent as text
with a comparator, a deficiency already under replacement, a preliminary TSH."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
HERE = Path(__file__).parent
DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
HELD = "2 adequate trials failed (sertraline, venlafaxine): review {} first, then augment or switch class"
FREE = "2 adequate trials failed (sertraline, venlafaxine): augment (aripiprazole or brexpiprazole) or switch class"

_load = chart_files.loader(HERE / "labs28_charts")
_at = Evaluator(date(2025, 6, 1))


def _cards(doc: Doc) -> dict[str, Doc]:
    return {c["source"]["topic"]["code"]: c for c in _at.cards(doc)}


def _chart(name: str) -> dict[str, Doc]:
    return _cards(_load(name))


def _lab(doc: Doc, code: str) -> Doc:
    """The chart's latest added lab of LOINC `code` (RJ's resources end the `labs` bundle)."""
    for entry in reversed(doc["prefetch"]["labs"]["entry"]):
        resource: Doc = entry["resource"]
        if any(c.get("code") == code for c in resource["code"]["coding"]):
            return resource
    raise AssertionError(code)


NAMES = [
    "c00_control",
    "u07_ft4_pmol_low",
    "u08_ft4_pmol_8_tsh_high",
    "t02_tsh_lt001_string",
    "t10_tsh_lt001_string_no_interp",
    "t11_tsh_comparator_lt001_no_interp",
    "t12_tsh_gt100_string",
    "t15_tsh_preliminary_high",
    "v03_b12_pgml_lt150_string",
    "v09_b12_comparator_lt150",
    "v04_b12_low_on_cyanocobalamin",
    "v13_b12_low_injection_mar",
    "v11_folate_low_folic_acid",
    "v10_vitd_low_ergocalciferol",
]


@pytest.mark.parametrize("name", NAMES)
def test_the_charts_are_valid_r4_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_load(name))


def test_the_control_has_no_diagnosis_card() -> None:
    cards = _chart("c00_control")
    assert DIAGNOSIS not in cards
    assert cards[OPTIMISE]["summary"] == FREE


# --- 1: free T4 in pmol/L ----------------------------------------------------------------------


def test_free_t4_8_pmol_with_tsh_8_is_overt_hypothyroidism_and_holds() -> None:
    cards = _chart("u08_ft4_pmol_8_tsh_high")
    card = cards[DIAGNOSIS]
    assert card["indicator"] == "warning"
    assert card["summary"] == "Confirm the diagnosis before escalating: TSH high 8"
    assert "free T4 8 pmol/L, low, 2025-05-01: an overt primary hypothyroidism" in card["detail"]
    assert "subclinical" not in card["detail"] and "not compared" not in card["detail"]
    assert cards[OPTIMISE]["summary"] == HELD.format("TSH high 8")


def test_free_t4_14_pmol_is_normal_so_tsh_8_stays_subclinical() -> None:
    card = _chart("u07_ft4_pmol_low")[DIAGNOSIS]
    assert card["indicator"] == "info"
    assert "free T4 14 pmol/L, normal" in card["detail"]


def test_a_free_t4_nothing_compared_is_never_read_as_normal() -> None:
    doc = _load("u08_ft4_pmol_8_tsh_high")
    _lab(doc, "3024-7")["valueQuantity"].update(unit="pmol/mL", code="pmol/mL")  # no factor
    cards = _cards(doc)
    card = cards[DIAGNOSIS]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Confirm the diagnosis before escalating: TSH high 8")
    assert "subclinical" not in card["summary"] + card["detail"]
    assert "not compared, so the pattern is not known" in card["detail"]
    assert cards[OPTIMISE]["summary"] == HELD.format("TSH high 8")


# --- 2: results as text with a comparator ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("t02_tsh_lt001_string", "TSH low <0.01"),
        ("t10_tsh_lt001_string_no_interp", "TSH low <0.01"),
        ("t11_tsh_comparator_lt001_no_interp", "TSH low <0.01"),
        ("t12_tsh_gt100_string", "TSH high >100"),
    ],
)
def test_a_tsh_bound_sent_as_text_is_read_with_its_comparator(name: str, words: str) -> None:
    cards = _chart(name)
    card = cards[DIAGNOSIS]
    assert card["summary"] == f"Confirm the diagnosis before escalating: {words}"
    assert "no value" not in card["detail"]
    assert cards[OPTIMISE]["summary"] == HELD.format(words)


@pytest.mark.parametrize("name", ["v03_b12_pgml_lt150_string", "v09_b12_comparator_lt150"])
def test_a_b12_below_150_as_text_or_comparator_is_low(name: str) -> None:
    card = _chart(name)[DIAGNOSIS]
    assert card["summary"] == "Confirm the diagnosis before escalating: low B12 <150 on 2025-05-01"
    # "<150" sent with no unit says so (session 36 fix lab58: read as pg/mL, never unsaid).
    unit = "(no unit sent, read as pg/mL)" if name.startswith("v03") else "pg/mL"
    assert f"**Low B12:** <150 {unit}, low, 2025-05-01" in card["detail"]


def test_a_bound_either_side_of_the_interval_is_not_compared_never_normal() -> None:
    doc = _load("v03_b12_pgml_lt150_string")
    _lab(doc, "2132-9")["valueString"] = "<200"  # the low limit is 180 pg/mL
    cards = _cards(doc)
    card = cards[DIAGNOSIS]
    assert card["indicator"] == "info"
    assert "vitamin B12 <200 pg/mL of 2025-05-01 not compared (a bound)" in card["summary"]
    assert "a bound that may be either side of the interval" in card["detail"]
    assert cards[OPTIMISE]["summary"] == FREE


def test_a_unitless_bound_under_the_moles_code_is_not_read_as_pg_per_ml() -> None:
    doc = _load("v03_b12_pgml_lt150_string")
    lab = _lab(doc, "2132-9")
    lab["code"]["coding"][0].update(code="14685-2", display="Cobalamin [Moles/volume]")
    card = _cards(doc)[DIAGNOSIS]
    assert "low B12" not in card["summary"]
    # Read in the moles code's unit (lab54 item 3): <150 pmol/L may be either side of 180 pg/mL.
    assert "vitamin B12 <150 pmol/L of" in card["summary"]
    assert "not compared (a bound)" in card["summary"]


def test_a_text_result_that_is_no_number_is_said_never_silent() -> None:
    doc = _load("t10_tsh_lt001_string_no_interp")
    _lab(doc, "3016-3")["valueString"] = "see comment"
    card = _cards(doc)[DIAGNOSIS]
    assert card["indicator"] == "info"
    assert "TSH of 2025-05-01: no value read" in card["summary"]


# --- 3: replacement already running ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        (
            "v04_b12_low_on_cyanocobalamin",
            "low B12 on cyanocobalamin since 2025-05-05: recheck B12 after about 3 months of "
            "treatment",
        ),
        (
            "v13_b12_low_injection_mar",
            "low B12 on cyanocobalamin since 2025-04-03: recheck B12 after about 3 months of "
            "treatment",
        ),
        (
            "v11_folate_low_folic_acid",
            "low folate on folic acid since 2025-05-05: recheck folate after the usual 4-month "
            "course",
        ),
        (
            "v10_vitd_low_ergocalciferol",
            "low vitamin D on ergocalciferol since 2025-05-05: recheck 25-OH vitamin D after "
            "about 3 months of treatment",
        ),
    ],
)
def test_a_deficiency_under_replacement_is_named_and_holds_nothing(name: str, words: str) -> None:
    cards = _chart(name)
    card = cards[DIAGNOSIS]
    # Folic acid with no B12 on record asks for one (a warning that still holds nothing).
    assert card["indicator"] == ("warning" if name.startswith("v11") else "info")
    assert card["summary"] == f"Review alongside escalation: {words}"
    assert "under replacement" in card["detail"] and "after this result" in card["detail"]
    assert cards[OPTIMISE]["summary"] == FREE


def test_replacement_begun_before_the_low_result_keeps_the_hold_and_is_named() -> None:
    doc = _load("v04_b12_low_on_cyanocobalamin")
    for entry in doc["prefetch"]["medicationRequests"]["entry"]:
        resource = entry["resource"]
        if "cyanocobalamin" in resource["medicationCodeableConcept"]["text"]:
            resource["authoredOn"] = "2025-02-01"
            resource["dispenseRequest"]["validityPeriod"]["start"] = "2025-02-01"
    cards = _cards(doc)
    card = cards[DIAGNOSIS]
    assert card["summary"] == "Confirm the diagnosis before escalating: low B12 150 on 2025-05-01"
    assert "on cyanocobalamin since 2025-02-01, before this result" in card["detail"]
    assert cards[OPTIMISE]["summary"] == HELD.format("low B12")


def test_a_low_b12_with_no_replacement_still_holds() -> None:
    doc = _load("v04_b12_low_on_cyanocobalamin")
    entries = doc["prefetch"]["medicationRequests"]["entry"]
    doc["prefetch"]["medicationRequests"]["entry"] = [
        e
        for e in entries
        if "cyanocobalamin" not in e["resource"]["medicationCodeableConcept"]["text"]
    ]
    assert _cards(doc)[OPTIMISE]["summary"] == HELD.format("low B12")


def test_folic_acid_with_no_b12_on_record_asks_for_b12_with_its_order() -> None:
    card = _chart("v11_folate_low_folic_acid")[DIAGNOSIS]
    assert "no vitamin B12 on record: check it (folic acid alone can let a B12" in card["detail"]
    labels = [s["label"] for s in card.get("suggestions", [])]
    assert any("B12" in label for label in labels), labels


def test_folic_acid_with_a_normal_b12_asks_nothing_more() -> None:
    doc = _load("v11_folate_low_folic_acid")
    b12 = copy.deepcopy(_lab(doc, "2284-8"))
    b12["id"] = "labs28-b12-normal"
    b12["code"] = {"coding": [{"system": "http://loinc.org", "code": "2132-9", "display": "B12"}]}
    b12["valueQuantity"] = {
        "value": 400,
        "unit": "pg/mL",
        "system": "http://unitsofmeasure.org",
        "code": "pg/mL",
    }
    b12["interpretation"][0]["coding"][0]["code"] = "N"
    doc["prefetch"]["labs"]["entry"].append({"fullUrl": "urn:uuid:labs28-b12", "resource": b12})
    card = _cards(doc)[DIAGNOSIS]
    assert card["indicator"] == "info"
    assert "no vitamin B12 on record" not in card["detail"]


# --- 4: a preliminary TSH ----------------------------------------------------------------------


def test_a_preliminary_tsh_is_read_and_named_preliminary() -> None:
    card = _chart("t15_tsh_preliminary_high")[DIAGNOSIS]
    assert "TSH high 9 (preliminary)" in card["summary"]
    assert "9 mIU/L, high, 2025-05-01, preliminary (not yet reviewed)" in card["detail"]


def test_a_cancelled_tsh_is_still_not_read() -> None:
    doc = copy.deepcopy(_load("t15_tsh_preliminary_high"))
    _lab(doc, "3016-3")["status"] = "cancelled"
    assert DIAGNOSIS not in _cards(doc)
