"""Lead's follow-up to words41 (session 31): stockpiling with any object or none is preparatory
behaviour (C-SSRS screener item 6, collected pills); only a stockpile of food, water or household
supplies is not (diagnosis_terms.csv `lookalike` rows). words41 had narrowed the catch-all to
listed objects, leaving "Pt stockpiling lithium" and "Has been stockpiling" silent."""

from __future__ import annotations

import pytest

from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.record import FindingKind

SI = (FindingKind.SUICIDAL_IDEATION,)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Pt stockpiling lithium", SI),
        ("Has been stockpiling", SI),
        ("Husband found pt stockpiling her lithium", SI),
        ("Stockpiling food; also stockpiling pills", SI),
        ("Pt stockpiling canned food", ()),
        ("Stockpiling food and water", ()),
        ("Stockpiling supplies", ()),
    ],
)
def test_stockpiling(text: str, kinds: tuple[FindingKind, ...]) -> None:
    assert text_kinds(text) == kinds
