"""screen_result_text.py: a suicide screen named with its negative result is blanked; a bare or
positive screen, a rated level or a result going on in its clause is not (fix text82)."""

from __future__ import annotations

import pytest

from fhir_mapping.screen_result_text import blank_negative_screens


@pytest.mark.parametrize(
    ("text", "blanked"),
    [
        ("suicide screening completed, negative", True),
        ("suicide risk assessment: no risk", True),
        # A result the text goes on from is not blanked whole (fix text84).
        ("suicide risk: none. si", False),
        ("suicide screen negative, then endorses", False),
        ("suicide screen negative, per mother yes", False),
        ("suicide screening completed: no", False),
        ("suicide screening completed, negative. denies hi", True),
        ("suicidal risk: none", True),
        ("suicide screening", False),
        ("suicide screening positive", False),
        ("suicide risk: low", False),
        ("suicide risk assessment: moderate risk", False),
        ("suicide: no", False),  # no screen named
        ("suicide risk: none but has a plan", False),
    ],
)
def test_blank_negative_screens(text: str, blanked: bool) -> None:
    assert ("suicid" not in blank_negative_screens(text)) is blanked
