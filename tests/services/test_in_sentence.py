"""Criterion labels said inside a sentence keep their acronyms (audit 15 W4: "earlier tms")."""

from __future__ import annotations

import pytest

from services.card_format import in_sentence


@pytest.mark.parametrize(
    ("label", "said"),
    [
        ("Earlier TMS", "earlier TMS"),
        ("Contraindications", "contraindications"),
        ("No concurrent ketamine", "no concurrent ketamine"),
        ("TMS history", "TMS history"),
        ("PHQ-9", "PHQ-9"),
        ("", ""),
    ],
)
def test_a_label_inside_a_sentence(label: str, said: str) -> None:
    assert in_sentence(label) == said
