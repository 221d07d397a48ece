"""A Condition's category as the chart states it: where the diagnosis was recorded.

FHIR R4 Condition.category (http://terminology.hl7.org/CodeSystem/condition-category):
`problem-list-item` (the patient's problem list: a standing statement, kept until someone
resolves it) or `encounter-diagnosis` (a diagnosis entered at one visit: it says what was true
that day); US Core adds `health-concern` (http://hl7.org/fhir/us/core/CodeSystem/
condition-category). Epic writes `problem-list-item` on its Problems API and
`encounter-diagnosis` on its visit diagnoses (../shared/fhir/vendor/ US Core and Epic examples).

Read once here so every reader means the same by "on the problem list": the stale-pregnancy
question (services/pregnancy_now.py: an active problem-list pregnancy code is still asserted by the
list, whatever its age; review s26 GC item 1) and the visit readers (visit_risk.py,
visit_substance.py: an encounter diagnosis is told where it was recorded).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PROBLEM_LIST_ITEM = "problem-list-item"
ENCOUNTER_DIAGNOSIS = "encounter-diagnosis"


def categories(condition: Mapping[str, Any]) -> tuple[str, ...]:
    """The category codes of a Condition, in the order written, each once. Any system: a vendor
    that sends the FHIR code under a local system still means the FHIR category; the two
    codes read here are not used by another category system."""
    # Read here, not through fhir_fields.codings: findings.py imports this module's constants,
    # and fhir_fields imports the record (an import cycle); a category is a bare code.
    concepts = condition.get("category")
    found: list[str] = []
    for concept in concepts if isinstance(concepts, list) else ():
        items = concept.get("coding") if isinstance(concept, dict) else None
        for coding in items if isinstance(items, list) else ():
            code = coding.get("code") if isinstance(coding, dict) else None
            if isinstance(code, str) and (code := code.strip()) and code not in found:
                found.append(code)
    return tuple(found)


def is_encounter_diagnosis(condition: Mapping[str, Any]) -> bool:
    return ENCOUNTER_DIAGNOSIS in categories(condition)
