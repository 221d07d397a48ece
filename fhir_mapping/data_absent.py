"""The data-absent-reason of a CodeableConcept sent with no code (fix mask47, review K51b s36
finding 3): read by conditions.wants_condition (a Condition so masked is kept, to be named) and
masked_codes.py (its gap). Apart from masked_codes.py so conditions.py can ask it without an
import cycle.

The reason sits in the data-absent-reason extension on the element itself (`code` is a complex
type; a `_code` sibling is for primitives only), or, as US Core's missing-data rule has it for a
coded element, as the concept's only coding, from the data-absent-reason code system. The words
of each reason are data/data_absent_reasons.csv's (FHIR R4 value set data-absent-reason).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from fhir_mapping.fhir_fields import JSON_OBJECT, codings

# FHIR structure, not a clinical fact (as gap_feeds.py): the extension's URLs (R4, and DSTU2's
# that C-CDA conversions still send) and the code system of the reasons.
_EXTENSION_URLS = frozenset(
    {
        "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
        "http://hl7.org/fhir/extension-data-absent-reason",
    }
)
DAR_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"


@cache
def _words() -> dict[str, str]:
    text = resources.files("fhir_mapping").joinpath("data/data_absent_reasons.csv")
    return {r["code"]: r["words"] for r in csv.DictReader(text.read_text("utf-8").splitlines())}


def absent_reason(concept: object, coded: tuple[tuple[str, str, str], ...] | None = None) -> str:
    """The data-absent-reason code of a CodeableConcept sent with no readable code or text (its
    extension's valueCode, else its data-absent-reason coding's code; "unknown" when the
    extension gives none); "" when it has a readable coding or text, or no such reason (nearly
    always). `coded`: the concept's `codings`, when the caller read them already."""
    if not isinstance(concept, JSON_OBJECT):
        return ""
    coded = codings(concept) if coded is None else coded
    if any(system != DAR_SYSTEM for system, _, _ in coded):
        return ""
    text = concept.get("text")
    if isinstance(text, str) and text.strip():
        return ""
    for extension in concept.get("extension") or ():
        if isinstance(extension, JSON_OBJECT) and extension.get("url") in _EXTENSION_URLS:
            code = extension.get("valueCode")
            return code.strip() if isinstance(code, str) and code.strip() else "unknown"
    return next((code for _, code, _ in coded if code), "")


def reason_words(code: str) -> str:
    """ "masked", "declined": the card's words for a reason code; the code itself for one the
    table does not hold (cut short: it is shown as sent)."""
    return _words().get(code) or code[:40]
