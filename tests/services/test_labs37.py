"""Session 30 labs37: K25b's recheck of the lab's critical calls (as of 2026-12-01).

1. Interpretation words were read only as the WHOLE text: "Critical value called to RN",
   "Critical - called", "Critical, called to Dr X", "Critical; repeated", "Critical result",
   "Panic value", "Low Panic", "Crit Low" named no flag, so a sodium "see comment" with
   "Critical value called to RN" was only "1 lab result could not be read". The leading words
   are read now (fhir_mapping/lab_values.py `_leading_critical`): the words before a note's
   break, or a run of two words or more from the start, that is a critical row of
   data/interpretation_words.csv. Controls: "Non-critical", "Not a panic value", "No critical
   value", "Panic attacks" stay no flag.
2. A lithium "See comment" with interpretation "Critical" (v3 AA, no side) gave only the
   interaction card's "not compared: read it": it is now judged as a critical high (HH) lithium
   with no value is (toxicity follows the level: FDA boxed warning), the critical
   running-lithium-level card "flagged critical by the lab". Control: the HH case unchanged.

Charts: tests/services/labs37_charts/ (all 19 prefetch keys), from K25b's scratch charts
(scratch-K25b/l: na_critical_called, li_text_critical_noval, na_noncritical, na_not_a_panic,
na_no_critical, na_panic_attacks) and an HH control made from li_text_critical_noval.
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
DIR = Path(__file__).parent / "labs37_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))

SODIUM = "order-low-sodium"
LITHIUM = "running-lithium-level"
NOT_CRITICAL = [
    "c02_control_sodium_non_critical",
    "c03_control_sodium_not_a_panic_value",
    "c04_control_sodium_no_critical_value",
    "c05_control_sodium_panic_attacks",
]


def _text(cards: list[Doc]) -> str:
    return "\n".join(c["summary"] + "\n" + c.get("detail", "") for c in cards)


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- 1: a critical call in its leading words ------------------------------------------------------


def test_a_critical_value_called_to_rn_is_the_critical_card_without_a_side() -> None:
    cards = _at.cards(_chart("k01_sodium_critical_value_called"))
    (card,) = of_topic(cards, SODIUM)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Sertraline at age 80 with sodium of 2026-11-25 flagged critical by the lab, no value "
        "could be read: SSRIs can lower it further"
    )
    assert "lab result could not be read" not in _text(cards)


@pytest.mark.parametrize("name", NOT_CRITICAL)
def test_control_a_negated_or_other_panic_stays_unread(name: str) -> None:
    cards = _at.cards(_chart(name))
    assert not of_topic(cards, SODIUM)
    assert "1 lab result could not be read" in _text(cards)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Critical value", None),
        ("Critical value called to RN", None),
        ("Critical result", None),
        ("Critical - called", None),
        ("Critical, called to Dr X", None),
        ("Critical; repeated", None),
        ("Panic value", None),
        ("Low Panic", "low"),
        ("Crit Low", "low"),
        ("Critical low value called", "low"),
        ("High critical, repeated", "high"),
    ],
)
def test_leading_critical_words_are_read(text: str, flag: str | None) -> None:
    resource = {"interpretation": [{"text": text}]}
    assert interpretation_critical(resource) is True
    assert _interpretation_flag(resource) == flag


@pytest.mark.parametrize(
    "text",
    [
        "Non-critical",
        "not a panic value",
        "No critical value",
        "Panic attacks",
        "Not critical - called",
        "Low",  # a flag, never a critical one
        "Value critical?",  # not leading
    ],
)
def test_control_words_that_are_no_critical_call(text: str) -> None:
    assert interpretation_critical({"interpretation": [{"text": text}]}) is False


# --- 2: a lithium the lab called critical with no value --------------------------------------------


def test_a_lithium_flagged_critical_with_no_value_is_the_critical_lithium_card() -> None:
    cards = _at.cards(_chart("k02_lithium_critical_no_value"))
    (card,) = of_topic(cards, LITHIUM)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Lithium with no value read, on 2026-11-18 (flagged critical by the lab) on 600 mg/day "
        "with lisinopril: hold, assess now"
    )
    text = _text(cards)
    assert "not compared: read it" not in text
    assert "critical None" not in text
    assert "flagged critical high" not in text  # no side the lab did not give


def test_control_a_lithium_hh_with_no_value_is_unchanged() -> None:
    (card,) = of_topic(_at.cards(_chart("c01_control_lithium_hh_no_value")), LITHIUM)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Lithium with no value read, on 2026-11-18 (flagged critical high by the lab) on "
        "600 mg/day with lisinopril: hold, assess now"
    )
