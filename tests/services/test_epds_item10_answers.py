"""Session 28 fix fx-selfharm2: an EPDS item 10 answered in its own list's words.

EPDS item 10 "The thought of harming myself has occurred to me" under a code not known was an
unread answer whatever it said: "Yes, quite often" raised only the warning "could not be read:
check it in the chart". Its words are now read (fhir_mapping/epds_item10.py, data/
epds_item10_answers.csv: Yes, quite often 3, Sometimes 2, Hardly ever 1, Never 0; Cox 1987) and
raise what a PHQ-9 item 9 of the same score raises. Charts (epds_item10_answers_charts/, every
prefetch key): the pregnant patient's chart of review s22 RS (scale_words_charts/
epds_item10_words_pregnant.json) with the item answered "Sometimes", "Hardly ever", "Never", and
"Yes, quite often" under a site's local code.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import epds_item10
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"

_chart = chart_files.loader(Path(__file__).parent / "epds_item10_answers_charts")
_by_topic = Evaluator(AS_OF).by_topic


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        (
            "epds10_sometimes",
            "EPDS item 10 = 2 (sometimes) on 2026-11-16: higher suicide risk, assess today "
            "(C-SSRS) and plan safety",
        ),
        (
            "epds10_hardly_ever",
            "EPDS item 10 = 1 (hardly ever) on 2026-11-16: complete a suicide risk assessment "
            "today (e.g. C-SSRS)",
        ),
        (
            "epds10_local_code_yes_quite_often",
            "EPDS item 10 = 3 (yes, quite often) on 2026-11-16: higher suicide risk, assess "
            "today (C-SSRS) and plan safety",
        ),
    ],
)
def test_positive_answer_raises_the_critical_card(name: str, summary: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)
    card = _by_topic(doc)[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"] == summary


def test_never_is_quiet() -> None:
    doc = _chart("epds10_never")
    chart_files.check_chart(doc)
    cards = _by_topic(doc)
    assert RISK not in cards
    # Nor is it named as an EPDS screen whose value was not read.
    assert not any("EPDS (value not read)" in c["summary"] for c in cards.values())


def _concept(*displays: str, text: str | None = None) -> dict[str, Any]:
    coding = [
        {"system": "urn:oid:1.2.3", "code": str(n), "display": d} for n, d in enumerate(displays)
    ]
    concept: dict[str, Any] = {"coding": coding}
    if text is not None:
        concept["text"] = text
    return {"valueCodeableConcept": concept}


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ({"valueString": "Yes, quite often"}, 3),
        ({"valueString": "yes quite often."}, 3),
        ({"valueString": "Quite often"}, 3),
        ({"valueString": "Sometimes"}, 2),
        ({"valueString": "Hardly ever"}, 1),
        ({"valueString": "Never"}, 0),
        ({"valueString": "2"}, None),  # a number: not read
        ({"valueString": "sometimes, see note"}, None),
        (_concept("Sometimes"), 2),
        (_concept("Sometimes", text="Hardly ever"), None),  # two answers disagree
        (_concept("Yes, quite often", text="see flowsheet"), 3),
        (_concept("Never", text="see flowsheet"), None),  # a 0 only when every part says it
        (_concept("Never", text="Never"), 0),
    ],
)
def test_answer_words(value: dict[str, Any], read: int | None) -> None:
    assert epds_item10.answer(value) == read
