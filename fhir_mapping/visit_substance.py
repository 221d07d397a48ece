"""Substance use recorded only as a visit's encounter diagnosis with no clinical status (review
s22 RX finding 7).

US Core makes `clinicalStatus` optional on an encounter diagnosis, and Epic and Oracle send many
without it: the code says what was assessed at that visit, not whether it is current. Read as
any status-less Condition is (active, conditions.py), an F12.20 of a 2019 visit became "active
cannabis use" seven years on. Here such a finding is told where it was recorded
(`Finding.recorded` "encounter diagnosis", `Finding.visit` "visit on 2019-03-04"), as
visit_risk.py tells a suicidal-ideation finding, so the diagnosis review can word it by its
visit and decide how old is too old to call current (services/rules/diagnosis_substance.py,
policy.substance_visit_current_days). A problem-list entry, or an encounter diagnosis that states
its status, is left as it is: a clinician said whether it is current.

Sleep apnea is told the same way (review s28 RJ finding 6: an OSA encounter diagnosis of a 2018
visit held escalation as "untreated sleep apnea"): the one rule and the one window serve both
(services/rules/diagnosis_sleep_apnea.py reads `old_visit_year` as the substance line does).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from fhir_mapping.clinical_records import ClinicalContext
from fhir_mapping.condition_category import is_encounter_diagnosis
from fhir_mapping.fhir_fields import JSON_OBJECT, parse_date
from fhir_mapping.record import Finding, FindingKind

Resource = Mapping[str, Any]

DIAGNOSIS = "encounter diagnosis"  # `Finding.recorded`, as visit_risk.DIAGNOSIS
# The kinds whose status-less visit diagnosis is told by its visit (module docstring).
_VISIT_KINDS = frozenset({FindingKind.SUBSTANCE_USE, FindingKind.SLEEP_APNEA})


def _status_less_visit_diagnosis(condition: Resource) -> bool:
    if condition.get("clinicalStatus") is not None:
        return False
    return is_encounter_diagnosis(condition)


def with_visit_substance(
    context: ClinicalContext, conditions: Sequence[Resource]
) -> ClinicalContext:
    """`context` with each substance-use or sleep-apnea finding of a status-less encounter
    diagnosis told where it was recorded (module docstring)."""
    used = [f for f in context.findings if f.kind in _VISIT_KINDS]
    if not used:
        return context  # nearly every chart
    by_id = {
        cid: c
        for c in conditions
        if isinstance(c, JSON_OBJECT) and isinstance(cid := c.get("id"), str)
    }
    changed: dict[Finding, Finding] = {}
    for finding in used:
        source = finding.source
        if finding.recorded is not None or source is None or source.resource_type != "Condition":
            continue
        condition = by_id.get(source.id)
        if condition is None or not _status_less_visit_diagnosis(condition):
            continue
        day = parse_date(condition.get("recordedDate")) or finding.onset
        visit = f"visit on {day.isoformat()}" if day is not None else "visit"
        changed[finding] = replace(finding, recorded=DIAGNOSIS, visit=visit)
    if not changed:
        return context
    findings = tuple(changed.get(f, f) for f in context.findings)
    return replace(context, findings=findings)


def old_visit(finding: Finding, as_of: date, current_days: int) -> int | None:
    """The year of the visit whose status-less encounter diagnosis is the finding's only record
    (`with_visit_substance`) when it is more than `current_days` (policy
    substance_visit_current_days) before `as_of`, else None: a problem-list entry, a stated
    status or a recent visit is read as it is. One rule for the diagnosis review's substance and
    sleep apnea lines and the withdrawal readings (services/withdrawal_now.py; recheck K11 s28)."""
    if finding.recorded != DIAGNOSIS or finding.onset is None:
        return None
    if (as_of - finding.onset).days <= current_days:
        return None
    return finding.onset.year
