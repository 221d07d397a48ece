"""Recheck K7 s28 (fix selfharm3), word level: the readers behind tests/services/
test_selfharm_ed_words.py, with the variants the charts do not hold."""

from __future__ import annotations

import pytest

from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.record import FindingKind
from fhir_mapping.self_harm_text import Reading, ideation, reading

SI = (FindingKind.SUICIDAL_IDEATION,)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Suicidal", SI),
        ("feeling suicidal", SI),
        ("suicidal thoughts", SI),
        ("thoughts of killing himself", SI),
        ("wanted to kill herself", SI),
        ("denies suicidal thoughts", ()),
        ("no thoughts of suicide", ()),
        ("not suicidal", ()),
        ("non-suicidal self-injury", ()),
        # The sacroiliac SI (abbreviation_context.py) ...
        ("SI arthritis", ()),
        ("Left SI inj", ()),
        ("R SI joint injection", ()),
        ("tenderness over SI", ()),
        ("Sacroiliac joint pain (SI)", ()),
        # ... and SI beside another complaint, still read.
        ("SI and back pain", SI),
        ("Chest pain SI", SI),
        ("SI w/o plan", SI),
        ("r/o SI", SI),
        # Checklist denials (text_negation.ANSWER_LEAD) and what is not one.
        ("SI, HI: denies", ()),
        ("SI/HI/self harm: none", ()),
        ("Suicidal ideation/homicidal ideation: denies", ()),
        ("neg for SI", ()),
        ("SI neg", ()),
        ("SI/HI negative", ()),
        ("SI: no plan", SI),
        ("SI - no intent", SI),
        ("SI with negative thoughts", SI),
    ],
)
def test_suicidal_ideation_words(text: str, kinds: tuple[FindingKind, ...]) -> None:
    assert text_kinds(text) == kinds


@pytest.mark.parametrize(
    ("text", "read", "thought"),
    [
        ("denies suicidal ideation or intent, reports cutting", Reading.STATED, False),
        ("no self-harm, endorses cutting thighs", Reading.STATED, False),
        ("cut himself on both arms", Reading.STATED, False),
        ("no SI or self harm, took 20 tabs of trazodone", Reading.INTENT_UNKNOWN, False),
        ("denies SI, took 30 tablets", Reading.INTENT_UNKNOWN, False),
        ("took 2 tablets of ibuprofen", None, False),
        ("no history of cutting", None, False),
        ("cut finger on glass", None, False),
        # A plan, thought or threat: ideation, not an act (self_harm_ideation.py).
        ("SI with plan to overdose on sertraline", None, True),
        ("threatened to take an overdose", None, True),
        ("urges to self harm", None, True),
        ("denies thoughts of self harm", None, False),
        ("no plan to overdose", None, False),
        # An act beside the thought is still read.
        ("thoughts of self harm, took 40 pills", Reading.INTENT_UNKNOWN, True),
        ("wanted to sleep so took extra pills", Reading.INTENT_UNKNOWN, False),
    ],
)
def test_self_harm_words(text: str, read: Reading | None, thought: bool) -> None:
    assert reading(text) is read
    assert ideation(text) is thought
