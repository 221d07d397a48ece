"""Major depression named only in a Condition's words (review 16 W3): read as DEPRESSION_TEXT,
negation-aware as the bipolar words are, never as DEPRESSION (a TMS referral cites a code), and
not when the same text names bipolar disorder."""

from __future__ import annotations

import pytest

from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.record import FindingKind


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Major depression, recurrent (CMS/HCC)", True),
        ("Major depressive disorder, single episode", True),
        ("MDD", True),
        ("Treatment-resistant depression", True),
        ("No history of major depression", False),  # negated
        ("Family history of major depression", False),  # not the patient's
        ("Depressed mood", False),  # a symptom, not the disorder
        ("Bipolar II disorder, most recent episode major depressive", False),  # bipolar decides
    ],
)
def test_major_depression_words(text: str, read: bool) -> None:
    kinds = text_kinds(text)
    assert (FindingKind.DEPRESSION_TEXT in kinds) is read
    assert FindingKind.DEPRESSION not in kinds  # text never opens the TMS door
