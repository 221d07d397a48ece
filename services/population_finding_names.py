"""How a population rule names the finding it applies by ("Dementia (ICD-10-CM F03.90, since
2024-01-10)"), for the `why` of rules/populations.py's Restriction."""

from __future__ import annotations

from fhir_mapping.record import Finding, FindingKind

# The kinds whose restriction names the finding's date too (review K73a findings 3, 5: the
# antipsychotic holds in dementia and Parkinson's say the condition with its date, so the
# prescriber sees how long it has been on record). The older rows keep their words.
_DATED = frozenset({FindingKind.DEMENTIA, FindingKind.PARKINSON})


def named(finding: Finding) -> str:
    if finding.dated_as:  # an allergy's NMS (nms_record.py): "(aripiprazole allergy, 2025-03-01)"
        return f"{finding.display} ({finding.dated_as})"
    if finding.kind in _DATED and finding.dated:
        return f"{finding.display} ({finding.coding}, {finding.dated})"
    return f"{finding.display} ({finding.coding})"
