"""How a screening form's item answers are read alike on the forms the service reads by wording
(epds_forms.py: EPDS item 10; phq9_form_item9.py: PHQ-9 item 9 on a form not known).

- A valueCoding with a display and no code is still an answer: as a CodeableConcept whose text is
  the display (fhir_fields.codings() keeps coded codings only), so the answer-word readers see it.
- An item answered more than once reads as its highest answer (the safer reading of a self-harm
  item); a 0 beside an answer that could not be read settles nothing, so the item stays unread
  and the card asks, rather than being silenced by the one answer it could read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# How many different items worded as an instrument's make a form the instrument when nothing else
# names it (epds_forms.py: EPDS items 1-9; phq9_form_item9.py: PHQ-9 items 1-8). A project rule,
# not a clinical fact: one or two shared phrases may be chance ("Poor appetite" on a nutrition
# form), three are the scale.
WORDED_ITEMS = 3


def coding_concept(coding: Mapping[str, Any]) -> dict[str, Any]:
    """A valueCoding as a CodeableConcept, its display also the text (module docstring)."""
    concept: dict[str, Any] = {"coding": [coding]}
    if isinstance(coding.get("display"), str):
        concept["text"] = coding["display"]
    return concept


def highest_settled(read: Iterable[int | None]) -> int | None:
    """The highest of the answers read; None when none was, or when the highest is 0 and another
    answer could not be read (module docstring)."""
    answers = list(read)
    values = [v for v in answers if v is not None]
    if not values:
        return None
    best = max(values)
    return None if best == 0 and len(values) < len(answers) else best
