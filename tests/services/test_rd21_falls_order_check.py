"""Review s21 RD finding 2: a fall on record (Z91.81 History of falling) and an SSRI/SNRI drafted
at 85 gave no word about the falls: the AGS Beers 2023 Table 3 falls row (TCAs, SSRIs, SNRIs) was
read only inside the strongly-anticholinergic check. It is now its own order check
(services/order_checks/falls.py): one card, not raised when the anticholinergic card already
carries the falls line, nor for a class Beers does not name (mirtazapine), nor below 65.

Charts: tests/services/rd21_populations_charts/ (US Core shaped, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, topics

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
AS_OF = date(2026, 12, 1)
FALLS = "order-older-adult-falls"
BEERS = "order-older-adult-anticholinergic"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"

_chart = chart_files.loader(Path(__file__).parent / "rd21_populations_charts")
_at = Evaluator(AS_OF)


def _draft(doc: Doc) -> Doc:
    resource: Doc = doc["context"]["draftOrders"]["entry"][0]["resource"]
    return resource


def _drafting(code: str, display: str, mg: int) -> Doc:
    doc = _chart("age85_falls_sertraline_select")
    draft = _draft(doc)
    draft["medicationCodeableConcept"] = {
        "coding": [{"system": RXNORM, "code": code, "display": display}],
        "text": display,
    }
    draft["dosageInstruction"][0]["text"] = f"Take 1 ({mg} mg) by mouth daily"
    draft["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] = 1
    return doc


def _without_falls(doc: Doc) -> Doc:
    bundle = doc["prefetch"]["conditions"]
    bundle["entry"] = [
        e
        for e in bundle["entry"]
        if not any(c.get("code") == "Z91.81" for c in e["resource"]["code"].get("coding", []))
    ]
    return doc


def test_sertraline_at_85_with_a_fall_gets_one_falls_card() -> None:
    cards = _at.cards(_chart("age85_falls_sertraline_select"), as_of=AS_OF)
    falls = [c for c in cards if c["source"]["topic"]["code"] == FALLS]
    assert len(falls) == 1
    card = falls[0]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Sertraline at 85 with history of falling on record")
    assert "AGS Beers 2023" in card["summary"]
    assert "History of falling (ICD-10-CM Z91.81" in card["detail"]
    assert "TCAs, SSRIs, SNRIs" in card["detail"]
    assert "Source: AGS Beers 2023 Table 3 (history of falls or fractures)" in card["detail"]


def test_duloxetine_snri_with_a_fall_gets_the_card() -> None:
    doc = _drafting("596930", "duloxetine 30 MG Delayed Release Oral Capsule", 30)
    cards = _at.by_topic(doc, as_of=AS_OF)
    assert cards[FALLS]["summary"].startswith("Duloxetine at 85")


def test_no_fall_on_record_no_card() -> None:
    cards = _at.cards(_without_falls(_chart("age85_falls_sertraline_select")), as_of=AS_OF)
    assert FALLS not in topics(cards)


def test_under_65_no_card() -> None:
    doc = _chart("age85_falls_sertraline_select")
    doc["prefetch"]["patient"]["birthDate"] = "1966-03-01"
    assert FALLS not in topics(_at.cards(doc, as_of=AS_OF))


def test_mirtazapine_is_not_named_by_beers_no_card() -> None:
    assert FALLS not in topics(_at.cards(_chart("age85_falls_mirtazapine_sign"), as_of=AS_OF))


def test_paroxetine_says_the_falls_on_its_anticholinergic_card_only() -> None:
    doc = _drafting("1738495", "paroxetine hydrochloride 20 MG Oral Tablet", 20)
    cards = _at.by_topic(doc, as_of=AS_OF)
    assert FALLS not in cards
    assert "history of falling" in cards[BEERS]["summary"]
