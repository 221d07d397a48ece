"""A denied self-harm, suicide attempt or overdose in words is not read (session 27 fix
fx-selfharm; fhir_mapping/self_harm_text.py "Denials", data/self_harm_terms.csv `negation*`).

Before: "never attempted suicide", "wasn't a suicide attempt" and "History of self-harm: denies"
read as self-harm, "patient didn't overdose" as an overdose of unknown intent (each a false
critical card), while "Patient overdosed on sertraline" and "not the first suicide attempt" read
nothing.
"""

from __future__ import annotations

import pytest

from fhir_mapping.self_harm_text import Reading, names_poisoning, reading, states_accident


@pytest.mark.parametrize(
    "text",
    [
        "denies any suicide attempt",
        "never attempted suicide",
        "Never self-harmed",
        "patient didn't overdose",
        "patient didn\u2019t overdose",  # a typographic apostrophe
        "patient didnt overdose",
        "wasn't a suicide attempt",
        "It was not a suicide attempt",
        "no history of self-harm",
        "no prior attempts",
        "No prior suicide attempts",
        "SI: denies",
        "History of self-harm: denies",
        "Prior suicide attempts: never",
        "Self-harm - nil",
        "hasn't self-harmed since 2019",
        "never overdosed",
    ],
)
def test_denied_mentions_read_nothing(text: str) -> None:
    assert reading(text) is None
    assert not names_poisoning(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Mixed: the denial is read up to the "but"; the overdose after it asks (the safer way).
        ("denies current SI but attempted overdose last week", Reading.INTENT_UNKNOWN),
        (
            "Never attempted suicide before, but overdosed on sertraline today",
            Reading.INTENT_UNKNOWN,
        ),
        ("Denies SI; intentional overdose of sertraline", Reading.STATED),
        # A denial that ends, or a phrase that only looks like one: read.
        ("never attempted suicide until last night", Reading.STATED),
        ("had not self-harmed till this admission", Reading.STATED),
        ("not the first suicide attempt", Reading.STATED),
        ("wasn't the first suicide attempt", Reading.STATED),
        ("could not rule out overdose", Reading.INTENT_UNKNOWN),
        # The verbs, which the whole-word rows did not read.
        ("Patient overdosed on sertraline", Reading.INTENT_UNKNOWN),
        ("overdosing on pills, suicidal", Reading.STATED),
        ("has self-harmed", Reading.STATED),
        # Unchanged readings beside the new cues.
        ("Intentional overdose; denies suicide attempt", Reading.STATED),
        ("Overdose of sertraline, denies suicidal intent", Reading.INTENT_UNKNOWN),
        ("Overdose, not accidental", Reading.STATED),
        ("Pt denies SI, took extra pills to sleep", Reading.INTENT_UNKNOWN),
    ],
)
def test_mentions_kept(text: str, expected: Reading) -> None:
    assert reading(text) is expected


def test_a_contracted_denial_of_intent_states_the_accident() -> None:
    # As "Overdose, not intentional" always did: the record says it was not on purpose.
    assert states_accident("Overdose, wasn't intentional")
    assert reading("Overdose, wasn't intentional") is None
