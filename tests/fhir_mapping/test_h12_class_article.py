"""READ12 10: the article before a drug-class name comes from one small helper, not
a letter list inline; a lower-case class word takes "an" by its vowel ("an anticoagulant": the
old inline list only held capitals, so it said "a anticoagulant")."""

from __future__ import annotations

import pytest

from fhir_mapping.gaps import article


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("SSRI", "an"),
        ("SNRI", "an"),
        ("MAOI", "an"),
        ("NSAID", "an"),
        ("TCA", "a"),
        ("NDRI", "an"),
        ("NaSSA", "a"),
        ("CYP3A4 inducer", "a"),
        ("anticoagulant", "an"),
        ("mood stabilizer", "a"),
        ("serotonin modulator", "a"),
    ],
)
def test_article(phrase: str, expected: str) -> None:
    assert article(phrase) == expected
