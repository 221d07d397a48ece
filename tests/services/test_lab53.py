"""lab53 (review K40b s34 findings 1, 2, 4, 6): the diagnosis-review labs as Epic sends them.

1. A TSH registered with a value (12 mIU/L, H) is read "(status registered)" and holds
   escalation (it vanished: "No TSH in 365 days ... consider one", nothing under Data not read);
   one registered with no value is said as ordered, not asked for again. A test not read so
   (HbA1c) registered with a value is a named gap, never silent.
2. TSH, B12 and vitamin D values sent as text with a unit ("12.0 uIU/mL", "150 pg/mL",
   "20 nmol/L"), and a bare TSH "12.0", are read as the valueQuantity would be (they were "no
   value read"); "<150" is still read; "hemolyzed" stays named as not read.
4. A same-day preliminary and final result: the final decides, in either Bundle order.
6. A free T4 "9 pmol/L" as text is read (it was "free T4 no value, low").

Charts: tests/services/lab53_charts/ (K40b's scratch charts; k_tsh_hemolyzed_string made here
from a07; all 19 prefetch keys). Controls: cancelled and entered-in-error TSHs still ignored.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.labs import lab_gaps, lab_result
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
DIR = Path(__file__).parent / "lab53_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))

REVIEW = "diagnosis-review"
TMS = "tms-referral"
OPTIMISE = "optimize-switch-augment"


def _cards(name: str) -> dict[str, Doc]:
    return _at.by_topic(_chart(name))


def _one_click(card: Doc) -> bool:
    return any(s.get("actions") for s in card.get("suggestions", ()))


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_whole(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- 1: registered ------------------------------------------------------------------------------


def test_a_registered_tsh_with_a_value_is_read_and_holds() -> None:
    cards = _cards("e_registered_tsh_12")
    review = cards[REVIEW]
    assert review["summary"].startswith("Confirm the diagnosis before escalating: TSH high 12")
    assert "status registered" in review["summary"]
    assert "12 mIU/L, high, 2026-11-10, status registered" in review["detail"]
    assert "No TSH" not in review["summary"]
    assert "review TSH high 12" in cards[TMS]["summary"]
    assert not _one_click(cards[TMS])


def test_a_registered_tsh_with_no_value_is_said_ordered() -> None:
    cards = _cards("i04_tsh_registered_novalue")
    review = cards[REVIEW]["summary"]
    assert "TSH of 2026-11-10 registered, no result yet" in review
    assert "consider one" not in review and "No TSH" not in review
    labels = [s["label"] for s in cards[REVIEW].get("suggestions", ())]
    assert "Order TSH" not in labels
    # Nor does the lithium card ask for the TSH ordered.
    assert not any("no TSH" in c["summary"] for c in cards.values())


def test_a_registered_hba1c_with_a_value_is_a_named_gap() -> None:
    hba1c = {
        "resourceType": "Observation",
        "id": "a1c",
        "status": "registered",
        "code": {"coding": [{"system": "http://loinc.org", "code": "4548-4"}]},
        "effectiveDateTime": "2026-11-10",
        "valueQuantity": {"value": 9.1, "unit": "%"},
    }
    as_of = date(2026, 12, 1)
    assert lab_result(hba1c, as_of=as_of) is None
    gaps = lab_gaps([hba1c], [], as_of=as_of)
    assert [g.reason for g in gaps] == ["HbA1c result sent as registered (no result yet), not read"]


@pytest.mark.parametrize("name", ["e_cancelled_tsh_12", "e_eie_tsh_12_plus_old_normal"])
def test_cancelled_and_withdrawn_tshs_stay_ignored(name: str) -> None:
    cards = _cards(name)
    assert "TSH high" not in cards.get(REVIEW, {}).get("summary", "")
    assert "TSH high" not in cards[TMS]["summary"]


# --- 2 and 6: values sent as text ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "said", "held"),
    [
        ("a07_tsh_12_string_unit", "TSH high 12", True),
        ("i01_tsh_12_string_noflag_norr", "TSH high 12", True),
        ("i05_b12_string_with_unit", "low B12", True),
        ("i06_vitd_string_with_unit_nmol", "low vitamin D", False),
        ("b04_b12_lt150_string", "low B12", True),  # control: a text bound was read already
    ],
)
def test_a_value_sent_as_text_with_its_unit_is_read(name: str, said: str, held: bool) -> None:
    cards = _cards(name)
    review = cards[REVIEW]
    assert said in review["summary"]
    assert "no value" not in review["detail"]
    assert (f"review {said}" in cards[TMS]["summary"]) is held


def test_a_free_t4_sent_as_text_is_read() -> None:
    detail = _cards("a13_ft4_string_pmol")[REVIEW]["detail"]
    assert "free T4 9 pmol/L, low" in detail
    assert "no value" not in detail


def test_a_text_that_is_no_number_stays_named_unread() -> None:
    cards = _cards("k_tsh_hemolyzed_string")
    review = cards[REVIEW]
    assert "TSH of 2026-11-10: no value read" in review["summary"]
    assert "TSH result that is missing or not a number" in review["detail"]


# --- 4: preliminary and final of one day --------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["j03_b12_prelim_low_first_then_final_normal", "i07_b12_prelim_plus_final_normal_sameday"],
)
def test_the_final_result_of_a_day_wins_over_the_preliminary(name: str) -> None:
    cards = _cards(name)
    assert "B12" not in cards[REVIEW]["summary"]
    assert "B12" not in cards[TMS]["summary"]
