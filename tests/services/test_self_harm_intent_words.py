"""Review s26 RK2 findings 1 (UNSAFE), 5, 6, 7: what the words of an ED visit's diagnosis or
reason say of an overdose's intent (fhir_mapping/self_harm_text.py, data/self_harm_terms.csv).

1. "Overdose of sertraline, denies suicidal intent" (and "Overdose, not suicidal") raised no
   suicide-risk card: a negated suicid* was read as "accident stated". A denial of suicidal
   intent does not make an overdose accidental (self-poisoning is self-harm whatever its
   purpose: NICE CG133/NG225); now the critical "Overdose, intent not recorded ... assess
   suicide risk today". Only a negated intentional/deliberate, or an accident word, states one.
5. "Intentional overdose of sertraline; denies suicide attempt" said "intent not recorded": the
   record says intentional (self-harm); now the self-harm card, its detail quoting the denial.
6. "Overdose, no suicidal intent, accidental overdose" as the visit's diagnosis beside the bare
   reason "Overdose" asked "intent not recorded (visit reason text only)": the diagnosis's words
   state the accident, as a coded T43.221A would, so silent; a reason naming a suicide attempt
   still raises the card. "Overdose - intent unclear" now says "intent undetermined".
7. "Pt denies SI, took extra pills to sleep" raised nothing: "took extra pills" is now an
   overdose whose intent is not recorded (UNVERIFIED terms, each starting "took").

Charts: tests/services/self_harm_intent_words_charts/ (the RK2 review's A1-A4, A7, A8, B7;
Oracle Health shaped, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.self_harm_text import Reading, reading, states_accident
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"
Doc = dict[str, Any]

_chart = chart_files.loader(Path(__file__).parent / "self_harm_intent_words_charts")
_by_topic = Evaluator(AS_OF).by_topic

_NOT_RECORDED = "Overdose, intent not recorded (diagnosis text only: confirm) at the ED visit on "


def _diagnosis(doc: Doc) -> Doc:
    for entry in doc["prefetch"]["conditions"]["entry"]:
        resource: Doc = entry["resource"]
        if resource["category"][0]["coding"][0]["code"] == "encounter-diagnosis":
            return resource
    raise AssertionError("no encounter diagnosis")


def _risk(name: str) -> Doc:
    card: Doc = _by_topic(_chart(name))[RISK]
    return card


@pytest.mark.parametrize(
    "name",
    [
        "ed_overdose_dx_denies_suicidal_intent",
        "ed_overdose_dx_denies_suicidal_intent_reason_overdose",
    ],
)
def test_overdose_with_suicidal_intent_denied_asks_the_intent(name: str) -> None:
    # Finding 1 (UNSAFE): was no card at all for the diagnosis alone.
    card = _risk(name)
    assert card["indicator"] == "critical"
    assert card["summary"] == _NOT_RECORDED + "2026-11-25: assess suicide risk today"
    assert "Overdose of sertraline, denies suicidal intent (intent not recorded" in card["detail"]


@pytest.mark.parametrize(
    "text",
    ["Overdose, not suicidal", "Overdose of sertraline, no suicidal intent", "Overdose, SI denied"],
)
def test_denied_suicidal_intent_alone_is_not_an_accident(text: str) -> None:
    doc = _chart("ed_overdose_dx_denies_suicidal_intent")
    _diagnosis(doc)["code"] = {"text": text}
    card = _by_topic(doc)[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith(_NOT_RECORDED)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Overdose of sertraline, denies suicidal intent", Reading.INTENT_UNKNOWN),
        ("Overdose, not suicidal", Reading.INTENT_UNKNOWN),
        ("Intentional overdose of sertraline; denies suicide attempt", Reading.STATED),
        ("Overdose, no suicidal intent, accidental overdose", None),
        ("Overdose, not intentional", None),  # a negated intentional still states the accident
        ("Overdose, not deliberate", None),
        ("Overdose - intent unclear", Reading.UNDETERMINED),
        ("Overdose, unclear if intentional", Reading.UNDETERMINED),
        # Intentional self-poisoning is self-harm whatever its purpose: the doubt is of the
        # suicidal intent only.
        ("Intentional overdose, suicidal intent unclear", Reading.STATED),
        ("Pt denies SI, took extra pills to sleep", Reading.INTENT_UNKNOWN),
        ("Took too many pills", Reading.INTENT_UNKNOWN),
        ("Took all her pills", Reading.INTENT_UNKNOWN),
        ("Took extra pills by mistake", None),
        # Not an event: a refill, a dose change.
        ("Needs extra pills for travel", None),
        ("Requests extra tablets", None),
        ("Denies taking extra pills", None),
    ],
)
def test_reading(text: str, expected: Reading | None) -> None:
    assert reading(text) is expected


def test_states_accident_only_for_an_accident() -> None:
    assert states_accident("Overdose, no suicidal intent, accidental overdose")
    assert states_accident("Accidental overdose of insulin")
    assert not states_accident("Overdose of sertraline, denies suicidal intent")
    assert not states_accident("Intentional vs accidental overdose")
    assert not states_accident("Nausea")


def test_intentional_overdose_with_attempt_denied_is_self_harm() -> None:
    # Finding 5: was "Overdose, intent not recorded".
    card = _risk("ed_intentional_overdose_denies_suicide_attempt")
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Self-harm or suicide attempt (diagnosis text only: confirm) at the ED visit on "
        "2026-11-25: higher suicide risk, assess today"
    )
    assert "intent not recorded" not in card["detail"]
    # The denial stands in the detail, in the entry's own words.
    assert "Intentional overdose of sertraline; denies suicide attempt" in card["detail"]
    assert "an intentional overdose is on record" in card["detail"]


def test_accidental_diagnosis_words_silence_the_bare_reason() -> None:
    # Finding 6: was critical "intent not recorded (visit reason text only: confirm)".
    doc = _chart("ed_accidental_overdose_dx_text_reason_overdose")
    assert doc["prefetch"]["encounters"]["entry"][0]["resource"]["reasonCode"] == [
        {"text": "Overdose"}
    ]
    assert RISK not in _by_topic(doc)


def test_accidental_diagnosis_words_do_not_silence_a_suicide_reason() -> None:
    doc = _chart("ed_accidental_overdose_dx_text_reason_overdose")
    visit = doc["prefetch"]["encounters"]["entry"][0]["resource"]
    visit["reasonCode"] = [{"text": "Suicide attempt - intentional overdose"}]
    card = _by_topic(doc)[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Self-harm or suicide attempt (visit reason text only")


def test_accidental_diagnosis_words_of_another_visit_do_not_silence_the_reason() -> None:
    doc = _chart("ed_accidental_overdose_dx_text_reason_overdose")
    _diagnosis(doc)["encounter"] = {"reference": "Encounter/another-visit"}
    card = _by_topic(doc)[RISK]
    assert card["summary"].startswith("Overdose, intent not recorded (visit reason text only")


def test_accidental_code_beside_a_suicide_reason_stays_critical() -> None:
    # The coded guard (T43.221A) keeps its behaviour: explicit suicide words win.
    card = _risk("ed_accidental_code_reason_suicide_attempt")
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Self-harm or suicide attempt (visit reason text only")


def test_intent_unclear_says_undetermined() -> None:
    # Finding 6: was "Overdose, intent not recorded".
    card = _risk("ed_overdose_intent_unclear")
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Overdose, intent undetermined (diagnosis text only: confirm) at the ED visit on "
        "2026-11-25: assess suicide risk today"
    )
    assert "(intent undetermined, diagnosis text only, no mapped code: confirm)" in card["detail"]
    assert "intent not recorded" not in card["detail"]


def test_took_extra_pills_asks_the_intent() -> None:
    # Finding 7: was no card.
    card = _risk("ed_denies_si_took_extra_pills")
    assert card["indicator"] == "critical"
    assert card["summary"] == _NOT_RECORDED + "2026-11-25: assess suicide risk today"
