"""An abbreviation whose case tells two words apart within one text (session 37 fix text82): "PT
attempted today, pt refused" names physical therapy ("PT") and the patient ("pt"), and the
self-harm reader, which reads normalised (lower-case) words, read "pt attempted today" as the
patient's suicide attempt (data/self_harm_terms.csv act_bare "attempted today", text77), raising
the critical card and holding the TMS referral.

Decision (the case is read only where it is safe): the capitals are read as the other word
(data/case_abbreviations.csv: "PT" -> "physical therapy") only when the same text also writes the
abbreviation in lower case ("pt"; "Pt" is not enough: fix text84): the writer has shown that is how they abbreviate the
patient, so the capitals are a different word. "PT" alone, or a text all in capitals ("PT
ATTEMPTED TODAY"), keeps the patient: clinicians write "PT" for the patient too, and a missed
suicide attempt is the unsafe mistake. An act named in its own words ("PT attempted suicide")
is read whatever its subject.

Apart from self_harm_text.py (which calls it on the words as written, before they are
normalised) because reading an abbreviation by its case is its own idea."""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

__all__ = ["by_case"]


@cache
def _rows() -> tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...]:
    """(the capitals as a whole word, any other case of it, its reading) per table row."""
    table = resources.files("fhir_mapping").joinpath("data/case_abbreviations.csv")
    rows = csv.DictReader(table.read_text("utf-8").splitlines())
    return tuple(
        (
            re.compile(r"\b" + re.escape(row["abbreviation"]) + r"\b"),
            re.compile(r"\b(?i:" + re.escape(row["abbreviation"]) + r")\b"),
            row["reading"],
        )
        for row in rows
    )


def by_case(text: str) -> str:
    """`text` (as written) with each abbreviation in capitals read as its other word, where the
    text also writes it in another case (module docstring)."""
    for capitals, any_case, reading in _rows():
        # Only the abbreviation all in lower case shows the writer's other word: "Pt" is how many
        # write the patient at a sentence's start, so "PT attempted today, Pt found by mother"
        # keeps the patient's attempt (recheck K57a finding 5, fix text84: safer).
        if any(m.group() == m.group().lower() for m in any_case.finditer(text)):
            text = capitals.sub(reading, text)
    return text
