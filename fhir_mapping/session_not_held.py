"""A stopped or on-hold session that did not take place (review s29 RQ4 finding 4): a
psychotherapy Procedure `stopped` with statusReason "Patient no-show" counted as a session given
(procedures_devices._GIVEN_SO_FAR, after review s29 RK findings 1-2), and the "no psychotherapy
on record" line went away for a patient who never came.

A `stopped` / `on-hold` course Procedure is read as given as far as it went; one whose
statusReason says the session did not happen (the patient did not come, or cancelled it:
data/session_not_held_reasons.csv, by text or coding display) went nowhere, and is not given.
Only a record of one day (performedDateTime, or a period within its start's day): a course
charted as one Procedure over weeks and stopped because the patient stopped coming was given up
to then, which the record's period shows.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.concept_words import concept_label, concepts, whole_words
from fhir_mapping.fhir_fields import JSON_OBJECT, codings, parse_date
from fhir_mapping.text_negation import normalise_text

__all__ = ["not_held"]

Resource = Mapping[str, Any]


@cache
def _terms() -> re.Pattern[str]:
    text = (
        resources.files("fhir_mapping")
        .joinpath("data/session_not_held_reasons.csv")
        .read_text("utf-8")
    )
    return whole_words(normalise_text(row["term"]) for row in csv.DictReader(text.splitlines()))


def _one_day(resource: Resource) -> bool:
    """Whether the record covers one day at most (module docstring)."""
    period = resource.get("performedPeriod")
    if not isinstance(period, JSON_OBJECT):
        return True
    start, end = parse_date(period.get("start")), parse_date(period.get("end"))
    return start is None or end is None or end <= start


def not_held(resource: Resource) -> bool:
    """Whether a stopped / on-hold session's statusReason says it did not take place (module
    docstring)."""
    if resource.get("status") not in ("stopped", "on-hold") or not _one_day(resource):
        return False
    terms = _terms()
    for concept in concepts(resource.get("statusReason")):
        words = [concept_label(concept) or ""] + [d for _, _, d in codings(concept)]
        if any(terms.search(normalise_text(w)) for w in words):
            return True
    return False
