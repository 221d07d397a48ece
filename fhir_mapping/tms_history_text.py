"""The response an earlier TMS course's history entry states ("History of TMS treatment 2023
(good response)" -> "good response"; fix tms59, review K63a s40 finding 8).

A course recorded only as a Condition has no sessions and no PHQ-9 to judge its response by, so
the retreatment row and the packet say the response as the clinician wrote it, or "response not
on record", and never judge it themselves: "good response" is not the payer's "> 50 %". The words
are data (data/tms_response_words.csv); the words quoted are the piece of the text (up to a
comma, semicolon, colon or bracket) that holds the first of them, as written.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.text_bounds import CLAUSE_OR_BRACKET, span_after, span_before
from fhir_mapping.text_negation import term_pattern


@cache
def _words() -> re.Pattern[str]:
    data = resources.files("fhir_mapping").joinpath("data/tms_response_words.csv")
    rows = csv.DictReader(data.read_text("utf-8").splitlines())
    return re.compile("|".join(term_pattern(r["word"].strip().lower()).pattern for r in rows))


def stated_response(text: str) -> str | None:
    """The words of `text` (as written) that state a response, else None."""
    m = _words().search(text.lower())
    if m is None:
        return None
    before = span_before(text, m.start(), CLAUSE_OR_BRACKET)
    after = span_after(text, m.end(), CLAUSE_OR_BRACKET)
    words = (before + text[m.start() : m.end()] + after).strip()
    return words or None
