"""Reading a coded concept's words: its label as a card names it, its words as a table of terms
reads them, and whole-word patterns for those tables. Shared by the intolerance reading
(intolerance.py) and the manic-reaction judgement (manic_reaction.py), which read the same
reactions, stop reasons and manifestations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from fhir_mapping.fhir_fields import codings, one_or_many
from fhir_mapping.tms_safety import normalise_text


def concepts(value: object) -> list[Mapping[str, Any]]:
    """A CodeableConcept or a list of them (MedicationRequest.statusReason is one, Statement's a
    list; senders mix them up)."""
    return [c for c in one_or_many(value) if isinstance(c, Mapping)]


def concept_label(concept: Mapping[str, Any]) -> str | None:
    if isinstance(concept.get("concept"), Mapping):  # R5 CodeableReference (US Core 7+ examples)
        concept = concept["concept"]
    text = concept.get("text")
    if isinstance(text, str) and text.strip():
        return text.strip()
    return next((d for _, _, d in codings(concept) if d.strip()), None)


def whole_words(terms: Iterable[str]) -> re.Pattern[str]:
    """Whole words, longest first, with a plural "s": "mania" is not "trichotillomania"."""
    return re.compile(
        r"(?<![a-z])(?:"
        + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
        + r")s?(?![a-z])"
    )


def concept_words(concept: Mapping[str, Any]) -> str:
    text = concept.get("text")
    return normalise_text(
        " ".join(
            [d for _, _, d in codings(concept) if d] + ([text] if isinstance(text, str) else [])
        )
    )
