""" "SIB with <act>" is self-injurious behaviour, and a comma ends a family-history clause (recheck
K26 s30 findings 1-2: fix forms35 read any "sib with" as a sibling, so "SIB with cutting" and
"SIB with suicidal intent" raised nothing)."""

from __future__ import annotations

import pytest

from fhir_mapping.self_harm_sib import as_sibling
from fhir_mapping.text_negation import normalise_text


@pytest.mark.parametrize(
    "text",
    [
        "SIB with cutting",
        "SIB with suicidal intent",
        "SIB with burning",
        "Increased SIB with cutting",
        "SIB with head banging",
        "FH noncontributory, SIB x2 this week",
        "Family history reviewed, pt with SIB",
    ],
)
def test_the_act(text: str) -> None:
    assert "sibling" not in as_sibling(normalise_text(text))


@pytest.mark.parametrize(
    "text",
    ["Sib with depression", "Sib with bipolar disorder", "Sib with hx of SIB", "FH: sib SI"],
)
def test_a_sibling(text: str) -> None:
    assert as_sibling(normalise_text(text)).startswith(("sibling", "fh: sibling"))
