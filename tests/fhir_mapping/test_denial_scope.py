"""denial_scope.py: how far a denial before a phrase reaches, on normalised text (session 36
text69)."""

from __future__ import annotations

import pytest

from fhir_mapping.denial_scope import cue_introduces, denial_scope
from fhir_mapping.text_negation import negated, normalise_text


@pytest.mark.parametrize(
    ("words", "introduces"),
    [
        ("denies", True),
        ("psych ros: negative for", True),
        ("pt denies", True),
        ("no hi", False),
        ("hi: no", False),  # an item's own answer
        ("si? denies", False),
        ("", False),
        # A note section's heading answers no item: its cue introduces (fix text82).
        ("psych: denies", True),
        ("exam. psych ros: denies", True),
        ("hi: denies", False),
    ],
)
def test_cue_introduces(words: str, introduces: bool) -> None:
    assert cue_introduces(words) is introduces


@pytest.mark.parametrize(
    ("text", "phrase", "scope"),
    [
        ("no hi: wants to kill himself", "wants", ""),
        ("denies si? wants to die", "wants", ""),
        ("denies: si", "si", "denies:"),
        ("psych: denies si", "si", "denies"),
        ("hx: bipolar", "bipolar", ""),
    ],
)
def test_denial_scope(text: str, phrase: str, scope: str) -> None:
    assert denial_scope(text, text.index(phrase)) == scope


@pytest.mark.parametrize(
    ("text", "phrase", "denied"),
    [
        ("No seizures: has a pacemaker", "pacemaker", False),
        ("Negative for: seizures", "seizures", True),
        ("Denies: SI, HI", "hi", True),
        ("No HI - SI", "si", False),
        ("Psych: denies: SI", "si", True),
        ("HI: denies: SI", "si", False),
        ("Thoughts of self-harm or suicide: denies", "self harm", True),
        ("Self-harm, suicidal thoughts: no", "self harm", False),
    ],
)
def test_negated_reads_the_reach(text: str, phrase: str, denied: bool) -> None:
    plain = normalise_text(text)
    start = plain.index(phrase)
    assert negated(plain, start, start + len(phrase)) is denied
