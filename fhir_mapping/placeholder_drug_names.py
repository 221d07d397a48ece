"""Words an order form or interface puts where a drug's name belongs ("Medication", "Unknown
medication", "See instructions"): they name no drug (data/placeholder_drug_names.csv).

A medication concept whose only text is such a word, beside a drug code the tables do not know, is
"not identified", as an NDC alone is, never "a drug off this pathway": it may be escitalopram, and
an MAOI drafted beside it must hear that its check is incomplete (recheck 18b W2). The whole text
must be the word; "Medication: lisinopril" names a drug.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

_SPACES = re.compile(r"\s+")
# Punctuation an interface wraps a placeholder in ("[Medication]", "Other:", "*Unknown*").
_WRAPPING = " \t.:;,-_*()[]{}<>\"'"


@cache
def _placeholders() -> frozenset[str]:
    text = (
        resources.files("fhir_mapping")
        .joinpath("data/placeholder_drug_names.csv")
        .read_text("utf-8")
    )
    return frozenset(_normal(row["text"]) for row in csv.DictReader(text.splitlines()))


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text.strip(_WRAPPING).lower()).strip(_WRAPPING)


def is_placeholder(text: str) -> bool:
    """Whether a medication text or display is a placeholder that names no drug."""
    return _normal(text) in _placeholders()
