"""Session 30 labs33: K20b's recheck of the drug-safety labs and the hCG tests.

1. A sodium 12.4 mmol/L (sent WITH its unit) was "[critical] ... profound hyponatraemia ...
   assess today": the 80-200 plausibility bound applied only to a bare number. Now a value with a
   unit outside it is not read (data/lab_ranges.csv `unit_bounds`: sodium, QTc), named as a value
   no sodium can be ("sodium result outside what a sodium can be (check the entry)", with "12.4
   mmol/L on 2026-11-25"), never carded as a reading and never silent: at a sertraline order too,
   where a sodium read without a value was passed in silence (services/unread_lab_gaps.py).
2. A nortriptyline level of 2280 nmol/L read "level 600.51 ng/mL": the lab's value and unit are
   said first, the conversion beside it, rounded ("2280 nmol/L (about 601 ng/mL)";
   services/data/lab_unit_factors.csv `shown`).
3. An hCG under an Epic local code ("HCG, BETA, QUANT", no LOINC) was ignored at 32 with lithium
   running: it is named as a result not read (data/lab_lookalike_terms.csv), decisive beside a
   drug with a pregnancy row, "a pregnancy" the data-quality card says it may hide. A
   quantitative hCG sent as text ">1000 mIU/mL" is read: a bound above the positive cut-off is
   a positive test.
4. A qualitative hCG positive on a chart recorded male was asserted as a current pregnancy: now
   asked, as a quantitative one is ("hCG positive (qualitative) on <date> (in men a tumour
   marker; ...)"); the same chart recorded female keeps the assertion.

Charts: tests/services/labs33_charts/ (all 19 prefetch keys), from K20b's scratch charts
(sodium31_charts/p02 and o03, k19b1_charts/h10, the TCA draft chart).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.lab_text import implausible
from fhir_mapping.lab_values import _value
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
DIR = Path(__file__).parent / "labs33_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _cards(name: str) -> list[Doc]:
    return _at.cards(_chart(name))


def _said(cards: list[Doc]) -> str:
    return " ".join(f"{c['summary']} {c.get('detail', '')}" for c in cards)


# --- 1: a sodium with its unit outside what a sodium can be ---------------------------------------

IMPLAUSIBLE = "sodium result outside what a sodium can be (check the entry)"


@pytest.mark.parametrize(
    ("name", "sent"),
    [
        ("n01_sodium_12_4_mmol", "12.4 mmol/L on 2026-11-25"),
        ("n02_sodium_1240_mmol", "1240 mmol/L on 2026-11-25"),
        ("n04_ordersign_sertraline_11_9_meq", "11.9 mEq/L on 2026-11-25"),
    ],
)
def test_an_implausible_sodium_is_named_not_read_never_carded(name: str, sent: str) -> None:
    cards = _cards(name)
    said = _said(cards)
    assert "hyponatraemia" not in " ".join(c["summary"] for c in cards)
    assert not [c for c in cards if c["indicator"] == "critical"]
    assert IMPLAUSIBLE in said
    assert f"({sent})" in said


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        ("n03_control_sodium_118_mmol", "Sodium 118 mmol/L on 2026-11-25: profound"),
        ("n05_control_ordersign_sertraline_119_meq", "Sertraline at age 80 with sodium 119 mEq/L"),
    ],
)
def test_a_plausible_low_sodium_keeps_its_critical_card(name: str, summary: str) -> None:
    cards = _cards(name)
    assert [c for c in cards if c["indicator"] == "critical" and c["summary"].startswith(summary)]
    assert IMPLAUSIBLE not in _said(cards)


def _quantity(value: float, unit: str) -> Doc:
    return {"valueQuantity": {"value": value, "unit": unit}}


def test_the_bound_holds_for_the_unit_bounded_rows_only() -> None:
    assert _value(_quantity(12.4, "mmol/L"), "sodium") == (None, None, None)
    assert _value(_quantity(126, "mEq/L"), "sodium") == (126, "mEq/L", None)
    # A QTc in seconds under an ms unit is no QTc (data/lab_ranges.csv qtc unit_bounds).
    assert _value(_quantity(0.48, "ms"), "qtc") == (None, None, None)
    assert _value(_quantity(480, "ms"), "qtc") == (480, "ms", None)
    # A lithium of 0.02 mmol/L is a patient off lithium, not an impossible value: not bounded.
    assert not implausible("lithium", 0.02, "mmol/L")
    # A unit the row does not list is not judged by the bound (converted or named elsewhere).
    assert not implausible("qtc", 0.48, "s")


# --- 2: a level converted by a molar mass said beside the lab's value --------------------------


def test_a_nmol_level_says_the_labs_value_with_the_conversion_beside_it() -> None:
    (card,) = _cards("t01_nmol2280_draft150")
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Nortriptyline raised: level 2280 nmol/L (about 601 ng/mL) was toxic at 75 mg/day, none "
        "since: no raise to that dose until a new level"
    )
    assert "2280 nmol/L (about 601 ng/mL) on 2026-11-25" in card["detail"]
    assert "600.51" not in _said([card])


def test_a_ng_per_ml_level_is_said_as_sent() -> None:
    (card,) = _cards("t02_control_ng600_draft150")
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Nortriptyline raised: latest level 600 ng/mL on 2026-11-25")
    assert "about" not in card["summary"]


# --- 3: hCG under a local code; a quantitative hCG sent as text --------------------------------


def test_an_hcg_under_a_local_code_is_named_beside_lithium() -> None:
    said = _said(_cards("h01_local_code_hcg_5200_age32"))
    assert "named hCG under a code this service does not know" in said
    assert "A pregnancy in it would not be reflected in any card" in said


def test_an_hcg_sent_as_text_above_the_cut_off_is_a_positive_test() -> None:
    cards = _cards("h02_gt1000_string_age32")
    summaries = [c["summary"] for c in cards]
    assert (
        "Lithium running with positive pregnancy test on 2026-11-25 on record: review whether it "
        "should continue"
    ) in summaries
    assert ">1000 mIU/mL" in _said(cards)
    assert "pregnancy test whose result is not read" not in _said(cards)


def test_an_hcg_sent_as_text_below_the_negative_cut_off_is_a_negative_test() -> None:
    cards = _cards("h03_control_lt5_string_age32")
    said = _said(cards)
    assert "pregnancy test whose result is not read" not in said
    assert "positive pregnancy test" not in said


def test_a_loinc_hcg_past_the_pregnancy_age_is_still_asked() -> None:
    said = _said(_cards("h04_control_loinc_hcg_5200_age56"))
    assert "hCG 5200 mIU/mL on 2026-11-25 (past the pregnancy age asked about" in said
    assert "named hCG" not in said


# --- 4: a qualitative hCG positive on a chart recorded male ------------------------------------


def test_a_male_qualitative_hcg_positive_is_asked_not_asserted() -> None:
    cards = _cards("h05_male_urine_qual_positive_age32")
    said = _said(cards)
    assert "positive pregnancy test" not in said
    assert (
        "hCG positive (qualitative) on 2026-11-25 (in men a tumour marker; pregnancy only if the "
        "patient can be pregnant)"
    ) in said
    assert "confirm whether the patient can be pregnant" in said


def test_the_same_positive_recorded_female_is_asserted() -> None:
    summaries = [c["summary"] for c in _cards("h06_control_female_urine_qual_positive_age32")]
    assert (
        "Lithium running with positive pregnancy test on 2026-11-25 on record: review whether it "
        "should continue"
    ) in summaries
