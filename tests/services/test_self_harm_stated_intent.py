"""Review s26 RK3 finding 5: words that state an overdose's intent without the word
"intentional" (fhir_mapping/self_harm_text.py, data/self_harm_terms.csv).

- "Overdose, not accidental" said "Overdose, intent not recorded": the words exclude the
  accident, and ICD-10-CM keeps "undetermined" for a record that says the intent cannot be told,
  so it is intentional self-poisoning, self-harm whatever its purpose (NICE NG225). Now the
  self-harm wording. Worse, "Not accidental overdose" and "Non-accidental overdose" raised NO
  card (the "not" negated the overdose; "non" is no negation cue, so "accidental" read as an
  accident).
- "Took extra pills, denies SI now but says wanted to die at the time" said "intent not
  recorded": wanting to die at the time is suicidal intent; now the self-harm wording.
Severity stays critical either way.

Charts: tests/services/self_harm_stated_intent_charts/ (the RK3 recheck's S7 and S4; Oracle
Health shaped, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.self_harm_text import Reading, names_poisoning, reading, states_accident
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"
Doc = dict[str, Any]

_chart = chart_files.loader(Path(__file__).parent / "self_harm_stated_intent_charts")
_by_topic = Evaluator(AS_OF).by_topic

_SELF_HARM = (
    "Self-harm or suicide attempt (diagnosis text only: confirm) at the ED visit on 2026-11-25: "
    "higher suicide risk, assess today"
)
_NOT_RECORDED = (
    "Overdose, intent not recorded (diagnosis text only: confirm) at the ED visit on 2026-11-25: "
    "assess suicide risk today"
)


def _with_diagnosis(name: str, text: str) -> Doc:
    doc = _chart(name)
    for entry in doc["prefetch"]["conditions"]["entry"]:
        resource: Doc = entry["resource"]
        if resource["category"][0]["coding"][0]["code"] == "encounter-diagnosis":
            resource["code"] = {"text": text}
            return doc
    raise AssertionError("no encounter diagnosis")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("ed_overdose_dx_not_accidental", "Overdose, not accidental"),
        (
            "ed_extra_pills_dx_wanted_to_die",
            "Took extra pills, denies SI now but says wanted to die at the time",
        ),
    ],
)
def test_stated_intent_reads_as_self_harm(name: str, words: str) -> None:
    # Was critical "Overdose, intent not recorded (diagnosis text only: confirm) ...".
    card = _by_topic(_chart(name))[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"] == _SELF_HARM
    assert f"{words} (diagnosis text only, no mapped code: confirm)" in card["detail"]
    assert "intent not recorded" not in card["detail"]


@pytest.mark.parametrize(
    "text", ["Not accidental overdose", "Non-accidental overdose of sertraline"]
)
def test_not_accidental_before_the_overdose_raises_the_card(text: str) -> None:
    # Was NO card: the "not" negated the overdose; "non-accidental" read as an accident.
    card = _by_topic(_with_diagnosis("ed_overdose_dx_not_accidental", text))[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"] == _SELF_HARM


@pytest.mark.parametrize(
    "text",
    [
        "Overdose, no evidence it was not accidental",  # a double negation: a doubt
        "Overdose, not sure if accidental",  # the "not" of a doubt, no stated intent
        "Took extra pills, did not want to die",
        "Took extra pills, denies wanting to die",
    ],
)
def test_doubt_or_denial_still_asks_the_intent(text: str) -> None:
    card = _by_topic(_with_diagnosis("ed_overdose_dx_not_accidental", text))[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"] == _NOT_RECORDED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Overdose, not accidental", Reading.STATED),
        ("Not accidental overdose", Reading.STATED),
        ("Non-accidental overdose", Reading.STATED),
        ("Overdose - not an accident", Reading.STATED),
        ("Took extra pills, not by mistake", Reading.STATED),
        ("Took too many pills, wanted to be dead", Reading.STATED),
        ("Overdose; says she wished to die", Reading.STATED),
        # Doubt or denial: asks.
        ("Overdose, no evidence it was not accidental", Reading.INTENT_UNKNOWN),
        ("Overdose, not sure if accidental", Reading.INTENT_UNKNOWN),
        ("Took extra pills, did not want to die", Reading.INTENT_UNKNOWN),
        # The accident words keep their reading.
        ("Accidental overdose of insulin", None),
        ("Took extra pills by mistake", None),
        ("Overdose, not intentional", None),
        # Wanting to die without an overdose word is not an act read here.
        ("Wanted to die last week", None),
    ],
)
def test_reading(text: str, expected: Reading | None) -> None:
    assert reading(text) is expected


def test_not_accidental_names_the_poisoning_and_is_no_accident() -> None:
    # The quantity line of the card reads the event through the same words.
    assert names_poisoning("Not accidental overdose")
    assert not states_accident("Non-accidental overdose")
    assert not states_accident("Overdose, not accidental")
