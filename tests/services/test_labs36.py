"""Session 30 labs36: K24b's recheck of the drug-safety labs (as of 2026-12-01).

1. A lithium 1.6 with status `registered` gave no toxicity card, and the interaction card said
   "no lithium level on record ... check one" beside it, with no "Data not read" line either. A
   drug-safety value under a `gap` row's status (registered) is now read as a result, named
   "(status registered)" as "(status missing)" is (fhir_mapping/lab_status.py). Controls: a
   final 1.6; a registered lithium with no value (pending) is still no result.
2. Interpretation words were lost in vendor shapes: a local coding (Epic urn:oid:... code "4")
   beside the text "Critical Low" stopped the words; "Critical", "Panic", "Critically low",
   "LL (Critical)", "Low, critical" named no flag. Only a code of v3 ObservationInterpretation or
   v2-0078 (or of no stated system) stops the words now; marks between words are spaces; the
   side-less "Critical" / "Panic" are v3 AA, acted on by the sodium check as "flagged critical by
   the lab" (never "critical low"). Controls: a v3 N code beside "Critical low" wins; a local
   code with "Normal" and 140 says nothing.
3. An unknown-status lithium said "(unknown)": it now says "(status unknown)", the table's words.

Charts: tests/services/labs36_charts/ (all 19 prefetch keys), from K24b's scratch charts
(scratch-K24b li16_*, int_*) and controls made from them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.lab_values import _interpretation_flag, interpretation_critical
from tests.services import chart_files
from tests.services.helpers import Evaluator, of_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
DIR = Path(__file__).parent / "labs36_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))

SODIUM = "order-low-sodium"
LOW_WORDS = ["i01_lab_local_code", "i04_critically_low", "i05_ll_paren", "i06_low_critical"]
SIDELESS = ["i02_critical", "i03_panic", "i07_display_critical"]


def _text(cards: list[Doc]) -> str:
    return "\n".join(c["summary"] + "\n" + c.get("detail", "") for c in cards)


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- 1: a registered lithium 1.6 ------------------------------------------------------------------


def test_a_registered_lithium_1_6_is_the_toxicity_card_named_so() -> None:
    cards = _at.cards(_chart("r01_lithium_1_6_registered"))
    text = _text(cards)
    critical = [c for c in cards if c["indicator"] == "critical"]
    assert any(
        c["summary"].startswith("Lithium 1.6 mmol/L on 2026-11-18 (status registered)")
        for c in critical
    )
    assert "no lithium level on record" not in text
    assert "no lithium level since" not in text
    assert "last level 1.6 mmol/L on 2026-11-18 (status registered)" in text


def test_a_registered_lithium_sent_as_text_is_never_no_level_on_record() -> None:
    text = _text(_at.cards(_chart("r02_lithium_registered_see_comment")))
    assert "no lithium level on record" not in text
    assert "on 2026-11-18 (status registered)" in text


def test_control_a_final_lithium_1_6() -> None:
    cards = _at.cards(_chart("c01_control_lithium_1_6_final"))
    assert any(
        c["indicator"] == "critical"
        and c["summary"].startswith("Lithium 1.6 mmol/L on 2026-11-18 (")
        for c in cards
    )
    assert "(status" not in _text(cards)


def test_control_a_registered_lithium_with_no_value_is_no_result() -> None:
    text = _text(_at.cards(_chart("c02_control_lithium_registered_no_value")))
    assert "no lithium level on record" in text
    assert "(status registered)" not in text


# --- 2: interpretation words in vendor shapes -----------------------------------------------------


@pytest.mark.parametrize("name", LOW_WORDS)
def test_a_critical_low_in_vendor_words_is_the_critical_low_card(name: str) -> None:
    (card,) = of_topic(_at.cards(_chart(name)), SODIUM)
    assert card["indicator"] == "critical"
    assert "flagged critical low by the lab, no value could be read" in card["summary"]


@pytest.mark.parametrize("name", SIDELESS)
def test_a_critical_with_no_side_is_the_critical_card_without_a_side(name: str) -> None:
    cards = _at.cards(_chart(name))
    (card,) = of_topic(cards, SODIUM)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Sertraline at age 80 with sodium of 2026-11-25 flagged critical by the lab, no value "
        "could be read: SSRIs can lower it further"
    )
    assert "critical low" not in card["summary"] + card["detail"]
    assert "lab result could not be read" not in _text(cards)  # the lab's call is read


@pytest.mark.parametrize("name", ["i02_critical", "i01_lab_local_code"])
def test_a_critical_sodium_in_words_is_critical_on_chart_open(name: str) -> None:
    doc = _chart(name)
    doc["hook"] = "patient-view"
    del doc["context"]["draftOrders"]
    (card,) = of_topic(_at.cards(doc), "running-drug-low-sodium")
    assert card["indicator"] == "critical"


def test_a_critical_with_a_low_value_is_read_by_its_value() -> None:
    (card,) = of_topic(_at.cards(_chart("i08_critical_with_value_122")), SODIUM)
    assert card["indicator"] == "critical"
    assert "sodium 122 mmol/L on 2026-11-25: profound hyponatraemia" in card["summary"]


def test_control_a_v3_code_beside_the_words_wins() -> None:
    assert not of_topic(_at.cards(_chart("c03_control_v3_code_N_beside_critical_low")), SODIUM)


def test_control_a_local_code_with_normal_and_140_says_nothing() -> None:
    assert not of_topic(_at.cards(_chart("c04_control_local_code_normal_140")), SODIUM)


_LOCAL = "urn:oid:1.2.840.114350.1.13.0.1.7.4.798268.9000"
_V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"


@pytest.mark.parametrize(
    ("interpretation", "flag", "critical"),
    [
        ([{"coding": [{"system": _LOCAL, "code": "4"}], "text": "Critical Low"}], "low", True),
        ([{"coding": [{"system": _V3, "code": "N"}], "text": "Critical Low"}], "normal", False),
        ([{"coding": [{"code": "H"}], "text": "Critical Low"}], "high", False),  # no system
        ([{"text": "Critical"}], None, True),
        ([{"text": "PANIC"}], None, True),
        ([{"text": "Critically low"}], "low", True),
        ([{"text": "LL (Critical)"}], "low", True),
        ([{"text": "Low, critical"}], "low", True),
        ([{"text": "High, critical"}], "high", True),
        ([{"text": "not critical"}], None, False),
    ],
)
def test_interpretation_words_in_vendor_shapes(
    interpretation: object, flag: str | None, critical: bool
) -> None:
    resource = {"interpretation": interpretation}
    assert _interpretation_flag(resource) == flag
    assert interpretation_critical(resource) is critical


# --- 3: the status named as the table names it ----------------------------------------------------


def test_an_unknown_status_lithium_says_status_unknown() -> None:
    text = _text(_at.cards(_chart("u01_lithium_1_6_unknown")))
    assert "Lithium 1.6 mmol/L on 2026-11-18 (status unknown)" in text
    assert "(unknown)" not in text
