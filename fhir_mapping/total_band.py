"""A PHQ-9 total written as its number and its severity band, "4 - minimal" (review s43 K74a
finding 5, chart n13; session 43 fix score75).

Epic sends some total rows as valueString "4 - minimal": the total was listed as "not a number"
and the cards rested on the older 18 (a remission not seen). The number is read when the words
after it name the band that number falls in (data/phq9_total_band_words.csv, Kroenke 2001's
bands): "4 - minimal", "12 - moderate", "Minimal (4)". A band that disagrees ("4 - severe") or
other words stay unread: the text does not say which of the two the clinician meant.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.epds_item10 import split_score

__all__ = ["banded_total"]

_NOT_WORD = re.compile(r"[^a-z]+")


@cache
def _bands() -> dict[str, tuple[int, int]]:
    """Band words, plain -> (lower, upper) (data/phq9_total_band_words.csv)."""
    text = resources.files("fhir_mapping").joinpath("data/phq9_total_band_words.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    return {_plain(r["words"]): (int(r["lower"]), int(r["upper"])) for r in rows}


def _plain(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


def banded_total(text: str) -> int | None:
    """The number of "4 - minimal" when its words name its own band (module docstring)."""
    number, words = split_score(text)
    band = _bands().get(_plain(words)) if number is not None else None
    if number is None or band is None:
        return None
    return number if band[0] <= number <= band[1] else None
