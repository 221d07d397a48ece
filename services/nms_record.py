"""Neuroleptic malignant syndrome recorded as an allergy or intolerance reaction (review K73a
finding 1, fix adj76): an aripiprazole allergy whose reaction is "neuroleptic malignant syndrome"
held back aripiprazole alone and left brexpiprazole (and olanzapine on the psychotic path) one
click. NMS can recur with any antipsychotic, so a reaction of data/class_effects.csv's NMS rows
recorded on an antipsychotic is NMS on record, as a coded Condition (G21.0) is: a finding of the
kind the row names, which the population rules read (condition_drug_rules.csv `nms`: every
antipsychotic text only, left to psychiatry). The finding is dated by the entry and named by the
drug and the date ("aripiprazole allergy, 2025-03-01"), where a Condition names its code."""

from __future__ import annotations

from collections.abc import Mapping

from fhir_mapping.findings import Finding, FindingKind
from fhir_mapping.intolerance import record_kind
from fhir_mapping.record import PatientRecord
from services import class_effects


def reaction_findings(record: PatientRecord) -> tuple[Finding, ...]:
    """One finding per entry whose reaction is a class effect row's finding (NMS on record)."""
    found: list[Finding] = []
    for kind, reaction, drug, intolerance in class_effects.findings_recorded(record):
        when = intolerance.date.isoformat() if intolerance.date else "date not recorded"
        found.append(
            Finding(
                kind=FindingKind(kind),
                code="",
                system="",
                display=reaction,
                onset=intolerance.date,
                source=intolerance.source,
                dated_as=f"{drug} {record_kind(intolerance)}, {when}",
            )
        )
    return tuple(found)


def with_reaction_findings(
    record: PatientRecord, by_kind: Mapping[FindingKind, tuple[Finding, ...]]
) -> Mapping[FindingKind, tuple[Finding, ...]]:
    """`by_kind` with the reaction findings added to their kinds (most charts: `by_kind` itself)."""
    found = reaction_findings(record)
    if not found:
        return by_kind
    merged = dict(by_kind)
    for finding in found:
        merged[finding.kind] = (*merged.get(finding.kind, ()), finding)
    return merged
