"""Session 30 labs35: K23's recheck of labs33 (the hCG asks, the implausible QTc, hCG text).

1. A qualitative hCG positive on a chart recorded male, lithium running, was asked only in a
   detail line of the optimise card (labs33 item 4); before labs33 it was the running-drug
   caution warning "Lithium running with positive pregnancy test". A recorded male sex does not
   rule out a pregnancy: the question is now that card's summary ("... with hCG positive
   (qualitative) on 2026-11-25 on a chart recorded male: can the patient be pregnant?"), named
   by the hCG, never as a pregnancy test; the same for a quantitative hCG past the pregnancy
   age (services/rules/running_hcg_ask.py). Recorded female, the assertion stands.
2. A QTc "4950 ms" (a slipped decimal of 495) at a citalopram order at 68 was information, "QTc
   ... not compared, its value could not be read": now a warning naming it as sent, "QTc 4950 ms
   on 2026-11-10 outside what a QTc can be: check the entry before ordering"
   (services/order_checks/qtc_entry.py); a plausible 495 keeps its card.
3. An hCG sent as text ">1,000 mIU/mL" or "Greater than 1000 mIU/mL" was "not read": the
   thousands comma and a bound in words (data/pregnancy_tests.csv `comparator` rows) are read;
   "Less than 5 mIU/mL" is a negative test. An hCG under a local code "BHCG" was dropped in
   silence ("B-HCG" was caught): a look-alike term (data/lab_lookalike_terms.csv).

Charts: tests/services/labs35_charts/ (all 19 prefetch keys), K23's scratch charts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.pregnancy_tests import _text_level
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
DIR = Path(__file__).parent / "labs35_charts"
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


def _summaries(name: str) -> list[str]:
    return [c["summary"] for c in _cards(name)]


# --- 1: an hCG asked about beside a running drug with a pregnancy row -------------------------


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        (
            "p01_male_qual_hcg_pos_lithium",
            "Lithium 600 mg/day since 2026-09-10 with hCG positive (qualitative) on 2026-11-25 on "
            "a chart recorded male: can the patient be pregnant?",
        ),
        (
            "p03_age56_quant_hcg_5200_lithium",
            "Lithium 600 mg/day since 2026-09-10 with hCG 5200 mIU/mL on 2026-11-25 at 56, past "
            "the pregnancy age: can she be pregnant?",
        ),
    ],
)
def test_an_hcg_asked_about_is_a_running_drug_caution_summary(name: str, summary: str) -> None:
    cards = _cards(name)
    (card,) = [c for c in cards if c["summary"] == summary]
    assert card["indicator"] == "warning"
    assert "Confirm whether" in card["detail"] and "can be pregnant; if so" in card["detail"]
    # Asked, never asserted as a pregnancy test (labs33 item 4, session 29).
    assert "positive pregnancy test" not in _said(cards)


def test_control_the_same_positive_recorded_female_is_asserted() -> None:
    summaries = _summaries("p02_control_female_qual_hcg_pos_lithium")
    assert (
        "Lithium running with positive pregnancy test on 2026-11-25 on record: review whether it "
        "should continue"
    ) in summaries
    assert not [s for s in summaries if "can the patient be pregnant" in s]


# --- 2: a QTc outside what a QTc can be at an order of a QT-caution drug -----------------------


@pytest.mark.parametrize(
    ("name", "sent"),
    [
        ("q01_qtc_4950_ms_citalopram68", "4950 ms on 2026-11-10"),
        ("q02_qtc_0_495_ms_citalopram68", "0.495 ms on 2026-11-10"),
    ],
)
def test_an_implausible_qtc_at_a_citalopram_order_is_a_warning_naming_it(
    name: str, sent: str
) -> None:
    cards = _cards(name)
    summary = (
        f"Citalopram order: QTc {sent} outside what a QTc can be: check the entry before ordering"
    )
    (card,) = [c for c in cards if c["summary"] == summary]
    assert card["indicator"] == "warning"
    assert not [c for c in cards if "its value could not be read" in c["summary"]]
    assert f"QTc {sent} outside what a QTc can be: check the entry." in _said(cards)


def test_control_a_plausible_qtc_495_keeps_its_card() -> None:
    summaries = _summaries("q03_control_qtc_495_ms_citalopram68")
    assert [s for s in summaries if s.startswith("Citalopram 40 mg/day with QTc 495 ms")]
    assert not [s for s in summaries if "outside what a QTc can be" in s]


# --- 3: hCG text with a thousands comma or a bound in words; 'BHCG' under a local code ---------


@pytest.mark.parametrize("name", ["h01_gt_1comma000_age32", "h02_greater_than_1000_age32"])
def test_an_hcg_bound_with_a_comma_or_in_words_is_a_positive_test(name: str) -> None:
    cards = _cards(name)
    assert (
        "Lithium running with positive pregnancy test on 2026-11-25 on record: review whether it "
        "should continue"
    ) in [c["summary"] for c in cards]
    assert "pregnancy test whose result is not read" not in _said(cards)


def test_control_less_than_5_in_words_is_a_negative_test() -> None:
    said = _said(_cards("h03_control_less_than_5_age32"))
    assert "pregnancy test whose result is not read" not in said
    assert "positive pregnancy test" not in said


@pytest.mark.parametrize(
    ("text", "read"),
    [
        (">1,000 mIU/mL", (1000.0, ">")),
        ("Greater than 1000 mIU/mL", (1000.0, ">")),
        ("greater than or equal to 25", (25.0, ">=")),
        ("Less than 5 mIU/mL", (5.0, "<")),
        ("12,345.5 mIU/mL", (12345.5, None)),
        # A decimal comma, a broken group, words that are no bound: not read.
        ("1,5 mIU/mL", None),
        ("1,00 mIU/mL", None),
        ("Greater1000", None),
        ("about 1000 mIU/mL", None),
    ],
)
def test_hcg_text_levels(text: str, read: tuple[float, str | None] | None) -> None:
    assert _text_level({"valueString": text}) == read


@pytest.mark.parametrize(
    "name", ["h04_local_code_BHCG_age32", "h05_control_local_code_B-HCG_age32"]
)
def test_an_hcg_under_a_local_code_bhcg_is_named_beside_lithium(name: str) -> None:
    said = _said(_cards(name))
    assert "named hCG under a code this service does not know" in said
    assert "A pregnancy in it would not be reflected in any card" in said
