"""The words read as self-harm, an overdose of intent not recorded, or nothing
(fhir_mapping/self_harm_text.py; review s26 RC finding 1)."""

from __future__ import annotations

import pytest

from fhir_mapping.self_harm_text import Reading, intent_coded, names_poisoning, reading


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Intentional overdose of sertraline, suicide attempt", Reading.STATED),
        ("Intentional drug overdose", Reading.STATED),
        ("Drug overdose, intentional self-harm", Reading.STATED),
        ("Deliberate self-poisoning", Reading.STATED),
        ("Self-harm by cutting", Reading.STATED),
        ("Overdose, suicidal", Reading.STATED),
        ("Overdose", Reading.INTENT_UNKNOWN),
        ("Opioid overdose", Reading.INTENT_UNKNOWN),
        # Both said: the doubt is read as intent not recorded (ask), never as an accident.
        ("Intentional vs accidental overdose", Reading.INTENT_UNKNOWN),
        ("Accidental overdose of insulin", None),
        ("Unintentional poisoning by paracetamol", None),
        ("Overdose, not intentional", None),
        # A doubt about the intent is no denial of it: "not sure if" once read the "not" as an
        # accident and raised nothing (s26 KH note); each asks, worded undetermined.
        ("Overdose, not sure if intentional", Reading.UNDETERMINED),
        ("Overdose, not clear whether intentional", Reading.UNDETERMINED),
        ("Overdose, not known if it was intentional", Reading.UNDETERMINED),
        ("Overdose, unsure if intentional", Reading.UNDETERMINED),
        ("Overdose, questionable intent", Reading.UNDETERMINED),
        ("denies suicide attempt", None),
        ("No self-harm", None),
        ("History negative for overdose", None),
        ("Family history of suicide attempt", None),
        ("Suicidal ideation", None),  # diagnosis_terms.csv reads it, as ideation
        ("", None),
    ],
)
def test_reading(text: str, expected: Reading | None) -> None:
    assert reading(text) is expected


def test_names_poisoning() -> None:
    assert names_poisoning("Intentional overdose of sertraline")
    assert names_poisoning("Deliberate self-poisoning")
    assert not names_poisoning("Self-harm by cutting")


@pytest.mark.parametrize(
    ("code", "coded"),
    [
        ("T43.211A", True),  # accidental: the code decides, its words are not read
        ("T43.214A", True),  # undetermined: likewise (left to the code tables)
        ("T43.222A", True),
        ("X78.9XXA", True),
        ("F33.1", False),
        ("R45.88", False),  # no intent character: "Nonsuicidal self-harm" is read by its words
    ],
)
def test_intent_coded(code: str, coded: bool) -> None:
    icd = "http://hl7.org/fhir/sid/icd-10-cm"
    assert intent_coded([(icd, code, "")]) is coded
    assert not intent_coded([("http://www.imohealth.com", code, "")])
