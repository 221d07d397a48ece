"""Whether a seizure named in a Condition's words still counts once the entry is resolved
(fix tms50, fhir_mapping/condition_text.py): yes, as R56.9 resolved does (condition_codes.csv
counts_when_resolved), unless the words name only a febrile seizure, which its codes resolved
do not count (SNOMED CT 230432008: ILAE, febrile seizures are not epilepsy). An epilepsy word
beside the febrile one keeps it counted. The words are data/seizure_resolved_terms.csv."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


@cache
def _terms() -> dict[str, tuple[str, ...]]:
    text = resources.files("fhir_mapping").joinpath("data/seizure_resolved_terms.csv")
    found: dict[str, list[str]] = {}
    for row in csv.DictReader(text.read_text("utf-8").splitlines()):
        found.setdefault(row["role"], []).append(row["term"].strip().lower())
    return {role: tuple(terms) for role, terms in found.items()}


def counts_when_resolved(text: str) -> bool:
    """Whether the seizure the words name counts on an entry no longer active."""
    said = text.lower()
    terms = _terms()
    if any(t in said for t in terms.get("counted", ())):
        return True
    return not any(t in said for t in terms.get("not-counted", ()))
