"""Which depression diagnosis the record documents: the finding a TMS referral cites, whether a
code may stand as MDD, and the depressive disorders other than MDD that hold the MDD steps.

Separate from pathway.py (which derives every fact the rules share) because the payer criteria
and the episode codes ask these questions of single findings too; pathway.py re-exports
`qualifies_as_mdd` for its importers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.record import Finding, FindingKind, PatientRecord
from services.pathway_findings import group_findings

_DEPRESSION = FindingKind.DEPRESSION
_TRD = FindingKind.TRD
# Codes that may not stand as the diagnosis a TMS referral cites (qualifies_as_mdd): remission,
# bipolar, and the depression codes that do not document MDD (dysthymia, F32.A: review 16 W1).
_NOT_CITED = frozenset(
    {
        FindingKind.MDD_IN_REMISSION,
        FindingKind.BIPOLAR,
        FindingKind.DEPRESSION_NOT_MDD,
        FindingKind.DEPRESSION_UNSPECIFIED,
    }
)


def qualifies_as_mdd(finding: Finding) -> bool:
    """A depression code that may stand as the diagnosis a TMS referral cites: not an "in
    remission" code (F32.4/F32.5, F33.4x: issue 12), not a bipolar-depression code (F31.3-F31.5
    sit in the VSAC depression value set too, so they also read as DEPRESSION), and not a code
    that does not document MDD (F34.1 dysthymia, F32.A depression unspecified: review 16 W1)."""
    return not any(
        row.kind in _NOT_CITED for row in condition_matches(finding.system, finding.code)
    )


def not_mdd_diagnosis(by_kind: Mapping[FindingKind, tuple[Finding, ...]]) -> tuple[Finding, ...]:
    """The depressive disorders other than MDD on record (F34.1 dysthymia, SNOMED mixed
    anxiety-depression, F06.31/F06.32 due to a medical condition, F19.94 substance-induced: the
    `depression-not-mdd` rows) when nothing on record documents MDD: no depression or TRD code
    that qualifies_as_mdd, no major depression in words (DEPRESSION_TEXT: MDD recorded, its code
    missing), no MDD in remission. Empty otherwise.

    As the TMS diagnosis criterion reads it ("Not met", payer_criteria/eligibility.py): the
    adjuncts of CANMAT 2023 Table 7.2, esketamine (labelled for MDD) and TMS (LCD L37086) are
    treatments of major depression, so the cards hold them until a major depressive episode is
    assessed (audit 16 W2). Depression whose type is not stated (F32.A, DEPRESSION_UNSPECIFIED)
    is not here: "depression NOS" is how problem lists record a depression the clinician is
    treating as MDD but has not specified, and the TMS card's "To confirm" line asks for it;
    holding every step on it would hold most real MDD charts (review 16 W1 kept it "to confirm")."""
    found = by_kind.get(FindingKind.DEPRESSION_NOT_MDD, ())
    if not found:
        return ()  # nearly every chart
    if by_kind.get(FindingKind.DEPRESSION_TEXT) or by_kind.get(FindingKind.MDD_IN_REMISSION):
        return ()
    coded = by_kind.get(_TRD, ()) + by_kind.get(_DEPRESSION, ())
    if any(qualifies_as_mdd(f) for f in coded):
        return ()
    return found


def depression_finding(
    record: PatientRecord, by_kind: dict[FindingKind, tuple[Finding, ...]] | None = None
) -> Finding | None:
    """The depression finding a referral cites: an active, non-remission MDD code first."""
    of = group_findings(record) if by_kind is None else by_kind
    candidates = of.get(_TRD, ()) + of.get(_DEPRESSION, ())
    if not candidates:
        return None
    # An active, non-remission code wins (a referral must not cite "MDD, in full remission" as
    # its reason: issue 12); then a finding with a resource to cite; then the most recent onset.
    return max(
        candidates,
        key=lambda f: (qualifies_as_mdd(f), f.source is not None, f.onset or date.min),
    )
