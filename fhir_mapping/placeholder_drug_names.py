"""Words an order form or interface puts where a drug's name belongs ("Medication", "Unknown
medication", "See instructions"): they name no drug (data/placeholder_drug_names.csv).

A medication concept whose only text is such a word, beside a drug code the tables do not know, is
"not identified", as an NDC alone is, never "a drug off this pathway": it may be escitalopram, and
an MAOI drafted beside it must hear that its check is incomplete (recheck 18b W2). The whole text
must be the word; "Medication: lisinopril" names a drug.

A number in a name's place names no drug either (fix drug51): an Epic fill feed's "Medication
4471" (a local item number beside the fill-in word), a bare "4471", "NDC 0093-7198-56" as text: a
fill whose supply still runs, so named, was read as a drug off this pathway and TMS was offered
with no safety-screen item. A number beside any other word stays a name ("Other medication 5 mg":
a strength; "Pen needles 32G"); so do non-drug supplies ("Blood glucose test strips", "Lancets"),
whose words are no placeholder words.
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


# The words of a text, as placeholder_drug_words.csv lists them (apostrophes and hyphens kept:
# "patient's", "non-formulary"); a digit makes a token no placeholder word (a strength).
_TOKENS = re.compile(r"[^\s()\[\]{}<>:;,.*_/\"]+")
# A token that is a number and nothing else: an item number, an NDC as text ("4471", "#4471",
# "0093-7198-56"), never a strength ("5mg" is one token with its unit, "5 mg" has "mg" beside it).
_IDENTIFIER = re.compile(r"#?\d+(?:-\d+)*")


@cache
def _words() -> tuple[frozenset[str], frozenset[str]]:
    """(every placeholder word, the core words: at least one must be there, unless the text
    holds a number: `_only_placeholder_words`)."""
    text = (
        resources.files("fhir_mapping")
        .joinpath("data/placeholder_drug_words.csv")
        .read_text("utf-8")
    )
    rows = list(csv.DictReader(text.splitlines()))
    every = frozenset(row["word"] for row in rows)
    return every, frozenset(row["word"] for row in rows if row["role"] == "core")


def _only_placeholder_words(text: str) -> bool:
    """Whether every word of `text` is a placeholder word or a number, and one of them a core
    word or a number ("NON-FORMULARY MEDICATION", "Patient's own medication", "Home med":
    recheck 18c U1; "Medication 4471", "NDC 0093-7198-56": fix drug51, module docstring). A
    whole-phrase list missed each wording an interface invents; a drug name is never made of
    these words alone, so the word test is the safer reading (the record is named as not
    identified instead of read as "a drug off this pathway")."""
    tokens = _TOKENS.findall(text.lower())
    if not tokens:
        return False
    every, core = _words()
    numbers = [t for t in tokens if _IDENTIFIER.fullmatch(t)]
    words = [t for t in tokens if not _IDENTIFIER.fullmatch(t)]
    if not all(t in every for t in words):
        return False
    # A number beside placeholder words only ("Medication 4471", "NDC 0093-7198-56", "4471")
    # is an item number, not a name (fix drug51); words alone need a core word.
    return bool(numbers) or any(t in core for t in words)


def is_placeholder(text: str) -> bool:
    """Whether a medication text or display is a placeholder that names no drug: one of the
    listed phrases, or made of placeholder words only (`_only_placeholder_words`)."""
    return _normal(text) in _placeholders() or _only_placeholder_words(text)
