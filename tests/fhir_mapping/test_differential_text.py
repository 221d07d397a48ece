"""A text-only bipolar entry worded as one to rule out is a differential (review s28 RJ finding
14; fhir_mapping/differential_text.py)."""

from __future__ import annotations

import pytest

from fhir_mapping.differential_text import bipolar_to_rule_out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("r/o bipolar disorder", True),
        ("R/O Bipolar disorder", True),
        ("Rule-out bipolar II", True),
        ("MDD recurrent; rule out bipolar", True),
        ("bipolar disorder", False),
        ("Bipolar I disorder; r/o psychosis", False),  # the cue is another clause's
        ("bipolar disorder, r/o psychosis", False),  # the cue after the diagnosis
        ("r/o psychosis; bipolar disorder", False),
        ("bipolar disorder ruled out", False),  # refuted: text_negations.csv, not a cue here
        ("r/o bipolar disorder; bipolar I disorder", False),  # one clause names it plainly
    ],
)
def test_rule_out_cues(text: str, expected: bool) -> None:
    assert bipolar_to_rule_out(text) is expected
