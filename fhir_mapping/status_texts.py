"""A Condition status sent as words, not as a coding (review s28 RJ finding 3).

Oracle Health (Cerner) sends some clinicalStatus / verificationStatus as a CodeableConcept with
only `text` ({"text": "Resolved"}), and STU3-era feeds send the bare string ("refuted"), which
is not valid R4 but is read tolerantly, as STU3's `doseQuantity` on the Dosage is
(dose_amount.py). Read alone, neither was any status: a refuted bipolar disorder read as active
and confirmed and held TMS and the adjuncts.

The words count only when they are exactly a code or display of the FHIR R4 code systems
(data/status_texts.csv: condition-clinical, condition-ver-status), case-insensitive, with
"entered in error" for entered-in-error; any other text stays absent, as before.

A coding is read as a status only from the FHIR status code systems (`STATUS_SYSTEMS`; recheck
K11 s28 finding 4): Oracle Health also sends a local (Millennium code set) coding, code "3306"
display "Refuted", which was taken as the status code "3306", no known status, so a refuted
bipolar disorder held TMS. A coding of another system is read by its display, as the words
above are; a coding with no system only when its code is itself a status code.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

# The code systems of clinicalStatus / verificationStatus (FHIR R4 condition-clinical,
# condition-ver-status, allergyintolerance-clinical, allergyintolerance-verification; the STU3
# canonical URLs too). Code system identities, not clinical facts.
STATUS_SYSTEMS = frozenset(
    {
        "http://terminology.hl7.org/CodeSystem/condition-clinical",
        "http://terminology.hl7.org/CodeSystem/condition-ver-status",
        "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
        "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
        "http://hl7.org/fhir/condition-clinical",
        "http://hl7.org/fhir/condition-ver-status",
        "http://hl7.org/fhir/allergy-clinical-status",
        "http://hl7.org/fhir/allergy-verification-status",
    }
)


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
