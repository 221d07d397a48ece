"""The chart findings a criterion names (exclusions, contraindications), and how a card names
them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from fhir_mapping.record import Finding, FindingKind, PatientRecord

# How a card names the findings a criterion reads.
_FINDING_NAMES: Mapping[FindingKind, str] = {
    FindingKind.EPILEPSY: "seizure disorder",
    FindingKind.PSYCHOTIC: "psychotic features or disorder",
    FindingKind.IMPLANTED_DEVICE: "metal or stimulator near the head",
    FindingKind.BIPOLAR: "bipolar disorder",
    FindingKind.SUBSTANCE_USE: "substance use disorder",
    FindingKind.CATATONIA: "catatonia",
}


def findings_of(kinds: Sequence[FindingKind], record: PatientRecord) -> list[Finding]:
    return [f for kind in kinds for f in record.context.of(kind)]


@lru_cache(maxsize=32)
def finding_names(kinds: tuple[FindingKind, ...]) -> str:
    """The kinds' names, e.g. "seizure disorder, bipolar disorder": once per criterion's kinds
    (a rule set's own list, issue 14)."""
    return ", ".join([_FINDING_NAMES.get(k) or k.value.replace("-", " ") for k in kinds])
