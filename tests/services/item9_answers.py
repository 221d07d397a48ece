"""Item 9 answered on a probe chart's latest PHQ-9, for the tests whose subject is not item 9.

Review 19 item 5 (services/item9_unrecorded.py): a latest PHQ-9 filed as a total only, within
the item-9 look-back, puts a line on the optimise card and holds its drug one-clicks. Many probe
charts were written with totals only, though their subject is a thyroid result, a stay or an
allergy; `answered` gives such a chart's latest total an item 9 (LOINC 44260-8, valueInteger) of
the same day, subject and encounter, filed in the same Bundle, as a clinic recording the whole
form files it, so the test keeps asserting what it is about. `without_item9_on` does the
reverse for a scenario whose PHQ-9 of a day answers item 9."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from tests.fixtures.builders import Resource
from tests.fixtures.scenarios import Scenario
from tests.services.chart_files import Doc

_LOINC = "http://loinc.org"
_TOTALS = {"44261-6", "89204-2"}


def _codes(resource: Doc) -> set[str]:
    return {c.get("code", "") for c in (resource.get("code") or {}).get("coding", [])}


def _entries(doc: Doc) -> list[tuple[list[Any], Doc]]:
    """(the entry list it sits in, the resource) for every PHQ-9 total Observation."""
    found = []
    for value in doc["prefetch"].values():
        if not isinstance(value, dict) or value.get("resourceType") != "Bundle":
            continue
        entries = value.get("entry") or []
        for entry in entries:
            resource = entry.get("resource") or {}
            if resource.get("resourceType") == "Observation" and _codes(resource) & _TOTALS:
                found.append((entries, resource))
    return found


def answered(doc: Doc, value: int = 0) -> Doc:
    """`doc` with item 9 = `value` beside its latest PHQ-9 total (the document itself, edited)."""
    # A total whose subject is only an identifier is of unconfirmed subject (not this
    # patient's as read: fhir_mapping/request_resources.py): never the one answered.
    totals = [(e, r) for e, r in _entries(doc) if "reference" in r.get("subject", {})]
    if not totals:
        return doc  # no PHQ-9 total: nothing to answer
    entries, total = max(totals, key=lambda pair: str(pair[1].get("effectiveDateTime", "")))
    item9: Doc = {
        "resourceType": "Observation",
        "id": f"{total.get('id', 'phq9')}-item9",
        "status": "final",
        "category": total.get("category", []),
        "code": {
            "coding": [
                {
                    "system": _LOINC,
                    "code": "44260-8",
                    "display": "Thoughts that you would be better off dead, or of hurting "
                    "yourself in some way",
                }
            ]
        },
        "subject": total["subject"],
        "effectiveDateTime": total["effectiveDateTime"],
        "valueInteger": value,
    }
    if "encounter" in total:
        item9["encounter"] = total["encounter"]
    entries.append({"resource": item9})
    return doc


def without_item9_on(s: Scenario, day: date) -> Scenario:
    """`s` with its item 9 answers of `day` left out: the flagship chart (trd_meets_tms) files
    item 9 with its latest PHQ-9 (2025-05-12); a test about what follows when no item 9 was
    answered after an earlier one takes it away."""

    def item9_of_day(r: Resource) -> bool:
        codes = _codes(r)
        return "44260-8" in codes and str(r.get("effectiveDateTime", "")).startswith(
            day.isoformat()
        )

    kept = [r for r in s.resources if not item9_of_day(r)]
    assert len(kept) < len(s.resources), f"no item 9 answer on {day} to leave out"
    return dataclasses.replace(s, resources=kept)
