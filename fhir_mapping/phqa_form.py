"""Whether a QuestionnaireResponse is the PHQ-A, the PHQ-9 modified for adolescents (session 28
note; recheck K14 s28 charts q04, q04b).

Its item 9 asks what the PHQ-9's does, in the same words and with the same answers, so
phq9_form_item9.py reads it as the PHQ-9's item 9 (instrument "PHQ-9", its level and rules). The
cards then said "PHQ-9 item 9 = 3" of a form titled "PHQ-9 Modified for Adolescents (PHQ-A)":
not the form the clinician will open. The Score now carries the form's own name (`Score.form`,
"PHQ-A"), which the cards say; nothing else changes.

A response is the PHQ-A when its Questionnaire says so (data/phqa_forms.csv): its canonical is
LOINC's PHQ-A form (`canonical` rows), or the canonical's last segment, a `questionnaire`
display extension, or a contained Questionnaire's name or title holds a PHQ-A name (`words`
rows, whole words: "PHQ-A", "PHQ-9M", "Modified for Teens"). The items are not read for it: the
PHQ-A's items 1-8 differ from the PHQ-9's only in a few words, too little to tell a form by.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.fhir_fields import array, string
from fhir_mapping.questionnaire_codes import canonical
from fhir_mapping.questionnaire_items import _contained_questionnaire
from fhir_mapping.tms_safety import normalise_text

__all__ = ["PHQA", "is_phqa"]

# How the cards name the form (Johnson 2002's own name for it).
PHQA = "PHQ-A"

_DISPLAY = "http://hl7.org/fhir/StructureDefinition/display"


@cache
def _table() -> tuple[frozenset[str], re.Pattern[str]]:
    """(canonicals, one whole-word pattern of the names) of data/phqa_forms.csv."""
    text = resources.files("fhir_mapping").joinpath("data/phqa_forms.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    known = frozenset(c for r in rows if r["kind"] == "canonical" and (c := canonical(r["value"])))
    words = sorted((r["value"] for r in rows if r["kind"] == "words"), key=len, reverse=True)
    return known, re.compile(rf"\b(?:{'|'.join(re.escape(w) for w in words)})\b")


def _names(text: object) -> bool:
    return isinstance(text, str) and bool(_table()[1].search(normalise_text(text)))


def is_phqa(resource: Mapping[str, Any]) -> bool:
    """Whether a response's Questionnaire is the PHQ-A (module docstring)."""
    known, _ = _table()
    reference = canonical(resource.get("questionnaire"))
    if reference in known:
        return True
    # "#id" is a contained Questionnaire's: read by its own name and title, not its id.
    if reference and not reference.startswith("#") and _names(reference.rsplit("/", 1)[-1]):
        return True
    element = resource.get("_questionnaire")
    shown = array(element.get("extension") if isinstance(element, Mapping) else None)
    if any(
        isinstance(e, Mapping) and e.get("url") == _DISPLAY and _names(e.get("valueString"))
        for e in shown
    ):
        return True
    contained = _contained_questionnaire(resource, reference)
    if contained is None:
        return False
    if canonical(contained.get("url")) in known:
        return True
    return any(_names(string(contained.get(key))) for key in ("name", "title"))
