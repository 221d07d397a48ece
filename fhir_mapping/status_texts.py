"""A Condition status sent as words, not as a coding (review s28 RJ finding 3).

Oracle Health (Cerner) sends some clinicalStatus / verificationStatus as a CodeableConcept with
only `text` ({"text": "Resolved"}), and STU3-era feeds send the bare string ("refuted"), which
is not valid R4 but is read tolerantly, as STU3's `doseQuantity` on the Dosage is
(dose_amount.py). Read alone, neither was any status: a refuted bipolar disorder read as active
and confirmed and held TMS and the adjuncts.

The words count only when they are exactly a code or display of the FHIR R4 code systems
(data/status_texts.csv: condition-clinical, condition-ver-status), case-insensitive, with
"entered in error" for entered-in-error; any other text stays absent, as before.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


def _key(words: str) -> str:
    return " ".join(words.casefold().split())


@cache
def _codes() -> dict[str, str]:
    """Written words (code, display, the code's hyphens as spaces) -> the status code."""
    text = resources.files("fhir_mapping").joinpath("data/status_texts.csv").read_text("utf-8")
    found: dict[str, str] = {}
    for row in csv.DictReader(text.splitlines()):
        code = row["code"].strip()
        for words in (code, row["display"], code.replace("-", " ")):
            found[_key(words)] = code
    return found


def status_from_words(words: object) -> str | None:
    """The status code these words are exactly (case-insensitive), else None."""
    if not isinstance(words, str):
        return None
    return _codes().get(_key(words))
