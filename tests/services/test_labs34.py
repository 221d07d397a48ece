"""Session 30 labs34: K21's recheck of the drug-safety labs (as of 2026-12-01).

1. A sodium flagged critical low ONLY in words gave no card: Epic sends the interpretation as
   text ("Critical Low", "LL") or as a coding with a display and no code, the value "see
   comment"; a sertraline drafted at 80 was passed. The words are read as the v3
   ObservationInterpretation code they name (fhir_mapping/data/interpretation_words.csv), only
   when no code is given: the same critical card as a coded LL, at order-sign and on chart open.
   Controls: "Normal" with 140 says nothing; a code beside the words wins (L: the warning);
   "not critical low" names no flag (the result stays a value not read).
2. A nortriptyline level sent as valueString "180 H" said "level with no value read": a TCA
   level's bare number is still never given a unit (ng/mL or nmol/L, ~3.8 apart; recheck K17 s29
   finding 2), but the card now says what the lab sent, "180 with no unit (not read)", beside the
   lab's high flag. Control: "180 ng/mL H" is read as 180 ng/mL.

Charts: tests/services/labs34_charts/ (all 19 prefetch keys), from K21's scratch charts
(scratch-K21/labs s1, s1b-s1e, t11) and controls made from them.
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
DIR = Path(__file__).parent / "labs34_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))

SODIUM = "order-low-sodium"
CRITICAL = (
    "Sertraline at age 80 with sodium of 2026-11-25 flagged critical low by the lab, no value "
    "could be read: SSRIs can lower it further"
)
WORDS = [
    "s01_text_critical_low",
    "s02_text_LL",
    "s03_text_critical_low_lower_case",
    "s04_display_only_critical_low",
]


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _sodium_cards(doc: Doc, topic: str = SODIUM) -> list[Doc]:
    return of_topic(_at.cards(doc), topic)


# --- 1: a critical low written only in words ------------------------------------------------------


@pytest.mark.parametrize("name", WORDS)
def test_a_critical_low_in_words_is_the_coded_ll_card_at_order_sign(name: str) -> None:
    (card,) = _sodium_cards(_chart(name))
    assert card["indicator"] == "critical"
    assert card["summary"] == CRITICAL
    assert "flagged critical low by the laboratory, and no value could be read" in card["detail"]


@pytest.mark.parametrize("name", WORDS)
def test_a_critical_low_in_words_is_critical_on_chart_open(name: str) -> None:
    doc = _chart(name)
    doc["hook"] = "patient-view"
    del doc["context"]["draftOrders"]
    (card,) = _sodium_cards(doc, "running-drug-low-sodium")
    assert card["indicator"] == "critical"


def test_a_low_in_words_is_the_coded_l_warning() -> None:
    (card,) = _sodium_cards(_chart("s05_text_L_see_comment"))
    assert card["indicator"] == "warning"
    assert "flagged low by the lab" in card["summary"]
    assert "critical" not in card["summary"]


def test_control_normal_in_words_with_140_says_nothing() -> None:
    assert not _sodium_cards(_chart("c01_control_text_normal_140"))


def test_control_a_code_beside_the_words_wins() -> None:
    (card,) = _sodium_cards(_chart("c02_control_code_L_beside_text_critical_low"))
    assert card["indicator"] == "warning"
    assert "critical" not in card["summary"]


def test_control_words_naming_no_flag_are_not_read_as_one() -> None:
    assert not _sodium_cards(_chart("c03_control_text_not_critical_low"))


@pytest.mark.parametrize(
    ("interpretation", "flag", "critical"),
    [
        ([{"text": "Critical Low"}], "low", True),
        ([{"text": " *LL* "}], "low", True),
        ([{"text": "Panic high"}], "high", True),
        ([{"coding": [{"display": "Critical high"}]}], "high", True),
        ({"text": "High"}, "high", False),  # one concept sent alone (STU3)
        ([{"text": "abnormal"}], None, False),  # A: no side
        ([{"text": "Normal"}], "normal", False),
        ([{"coding": [{"code": "N"}], "text": "Critical low"}], "normal", False),
        ([{"text": "low, see comment"}], None, False),
        ([{"text": 7}, None, "LL"], None, False),
    ],
)
def test_interpretation_words_read_as_codes(
    interpretation: object, flag: str | None, critical: bool
) -> None:
    resource = {"interpretation": interpretation}
    assert _interpretation_flag(resource) == flag
    assert interpretation_critical(resource) is critical


# --- 2: a TCA level "180 H" with no unit ----------------------------------------------------------


def test_a_level_sent_as_180_h_says_the_180_and_the_flag_never_a_unit() -> None:
    cards = [c for c in _at.cards(_chart("t01_level_valuestring_180_H")) if "level" in c["summary"]]
    (card,) = cards
    assert card["summary"].startswith(
        "Nortriptyline raised: level 180 with no unit (not read), on 2026-11-25 was above range"
    )
    assert "180 with no unit (not read), on 2026-11-25, flagged high by the lab" in card["detail"]
    assert "180 ng/mL" not in card["summary"] + card["detail"]


def test_control_a_level_180_ng_ml_h_is_read() -> None:
    cards = [
        c for c in _at.cards(_chart("t02_control_level_180_ngml_H")) if "level" in c["summary"]
    ]
    (card,) = cards
    assert "latest level 180 ng/mL on 2026-11-25 was above range" in card["summary"]
