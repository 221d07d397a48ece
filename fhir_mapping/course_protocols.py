"""The protocol a TMS or ECT course's record names in words (data/course_protocol_terms.csv;
recheck K19b s29).

- `accelerated` ("Accelerated iTBS (SAINT) 50 sessions"): several sessions a day, so a
  `completed` period shorter than a course's daily sessions is a length to confirm
  (course_end_reasons.py), not a course stopped short. A standard record ("rTMS 10 Hz left
  DLPFC") completed over 12 days stays one not adequate (fewer than 20 daily sessions).
- `maintenance` ("Maintenance ECT (monthly)"): runs for months; a record of it in progress over
  an open period is not held to the acute course's open limit (services/open_course.py).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.concept_words import concept_words, whole_words

Resource = Mapping[str, Any]


@cache
def _terms() -> dict[str, re.Pattern[str]]:
    text = (
        resources.files("fhir_mapping")
        .joinpath("data/course_protocol_terms.csv")
        .read_text("utf-8")
    )
    words: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        words.setdefault(row["protocol"], []).append(row["term"].lower())
    return {protocol: whole_words(terms) for protocol, terms in words.items()}


def names(resource: Resource, protocol: str) -> bool:
    """Whether the Procedure's code (its text or a display) names `protocol`."""
    code = resource.get("code")
    if not isinstance(code, Mapping):
        return False
    return _terms()[protocol].search(concept_words(code).lower()) is not None
